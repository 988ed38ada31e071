import Foundation

/// CREMA-D by its file names, `SSSS_TTT_EEE_LL.wav` (e.g. `1001_DFA_ANG_XX.wav`):
///
/// - `SSSS` speaker (actor id, 1001–1091).
/// - `TTT` sentence: one of IEO, TIE, IOM, IWW, TAI, MTI, IWL, ITH, DFA, ITS, TSI, WSI.
/// - `EEE` emotion: ANG angry, DIS disgust, FEA fear, HAP happy, NEU neutral, SAD sad.
/// - `LL` level: LO low, MD medium, HI high, XX unspecified.
///
/// Gender is not in the names; pass ``genders`` (e.g. from the corpus's `VideoDemographics.csv` with
/// ``readDemographics(_:)``) to fill it. No session.
public struct CREMADImporter: FileNameConvention {
    /// Speaker id → gender (`male`, `female`); speakers not in it get no gender.
    public var genders: [String: String]

    public init(genders: [String: String] = [:]) { self.genders = genders }

    public var corpusName: String { "CREMA-D" }

    public static let emotions = ["ANG": "angry", "DIS": "disgust", "FEA": "fear", "HAP": "happy",
                                  "NEU": "neutral", "SAD": "sad"]
    public static let sentences: Set<String> = ["IEO", "TIE", "IOM", "IWW", "TAI", "MTI", "IWL", "ITH", "DFA",
                                                "ITS", "TSI", "WSI"]
    public static let levels: Set<String> = ["LO", "MD", "HI", "XX"]

    public func entry(forRelativePath relativePath: String) -> Result<ManifestEntry, DropReason> {
        let parts = relativePath.fileStem.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0].count == 4, parts[0].allSatisfy(\.isASCIIDigit) else {
            return .failure(.unrecognisedName(expected: "SSSS_TTT_EEE_LL.wav (e.g. 1001_DFA_ANG_XX.wav)"))
        }
        guard Self.sentences.contains(parts[1]) else { return .failure(.invalidCode(field: "sentence", value: parts[1])) }
        guard let label = Self.emotions[parts[2]] else { return .failure(.invalidCode(field: "emotion", value: parts[2])) }
        guard Self.levels.contains(parts[3]) else { return .failure(.invalidCode(field: "level", value: parts[3])) }
        return .success(ManifestEntry(path: relativePath, label: label, speaker: parts[0], gender: genders[parts[0]]))
    }

    /// Speaker → gender from CREMA-D's `VideoDemographics.csv` (columns `ActorID` and `Sex`, values
    /// `Male`/`Female`, written lower case).
    /// - Throws: ``ManifestError`` for a malformed file or missing columns.
    public static func readDemographics(_ url: URL) throws -> [String: String] {
        let (header, rows) = try CSV.parseWithHeader(try CSV.contents(of: url), source: url.path)
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let id = names.firstIndex(of: "actorid") else { throw ManifestError.missingColumn(file: url.path, column: "ActorID") }
        guard let sex = names.firstIndex(of: "sex") else { throw ManifestError.missingColumn(file: url.path, column: "Sex") }
        var out = [String: String]()
        for r in rows {
            guard r.fields.count == header.fields.count else {
                throw ManifestError.wrongFieldCount(file: url.path, line: r.line, expected: header.fields.count,
                                                    found: r.fields.count)
            }
            out[r.fields[id].trimmingCharacters(in: .whitespaces)] = r.fields[sex].trimmingCharacters(in: .whitespaces).lowercased()
        }
        return out
    }
}
