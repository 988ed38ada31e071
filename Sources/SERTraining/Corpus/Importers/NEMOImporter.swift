import Foundation

/// nEMO (Polish emotional speech, 9 speakers, 24 kHz; Christop, 2024) by its file names,
/// `SSS_emotion_N.wav` (e.g. `EB0_anger_1.wav`, in the corpus's `samples/` folder):
///
/// - `SSS`: speaker id (EB0, KS0, WR0, …).
/// - `emotion`: anger → angry, fear, happiness → happy, neutral, sadness → sad, surprised (the
///   first, third and fifth renamed to the names the other corpora use).
/// - `N`: utterance number.
///
/// Genders come from the corpus's `data.tsv` (columns `file_id`, `speaker_id`, `gender`) when it is given;
/// the labels are the file names' (the table holds the same).
public struct NEMOImporter: FileNameConvention {
    /// Speaker id → gender (`male`, `female`); speakers not in it get no gender.
    public var genders: [String: String]

    public init(genders: [String: String] = [:]) { self.genders = genders }

    public var corpusName: String { "nEMO" }

    public static let emotions = ["anger": "angry", "fear": "fear", "happiness": "happy", "neutral": "neutral",
                                  "sadness": "sad", "surprised": "surprised"]

    public func entry(forRelativePath relativePath: String) -> Result<ManifestEntry, DropReason> {
        let parts = relativePath.fileStem.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
              !parts[2].isEmpty, parts[2].allSatisfy(\.isASCIIDigit) else {
            return .failure(.unrecognisedName(expected: "SSS_emotion_N.wav (e.g. EB0_anger_1.wav)"))
        }
        guard let label = Self.emotions[parts[1]] else { return .failure(.invalidCode(field: "emotion", value: parts[1])) }
        return .success(ManifestEntry(path: relativePath, label: label, speaker: parts[0], gender: genders[parts[0]]))
    }

    /// Speaker → gender from nEMO's `data.tsv` (tab-separated; columns `speaker_id` and `gender`, values
    /// trimmed and written lower case).
    /// - Throws: ``ManifestError`` for a malformed file or missing columns.
    public static func readGenders(_ url: URL) throws -> [String: String] {
        let text = String(decoding: try CSV.contents(of: url), as: UTF8.self)
        var lines = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard !lines.isEmpty else { throw ManifestError.missingColumn(file: url.path, column: "speaker_id") }
        let header = lines.removeFirst().map { $0.trimmingCharacters(in: .whitespaces) }
        guard let speaker = header.firstIndex(of: "speaker_id") else { throw ManifestError.missingColumn(file: url.path, column: "speaker_id") }
        guard let gender = header.firstIndex(of: "gender") else { throw ManifestError.missingColumn(file: url.path, column: "gender") }
        var out = [String: String]()
        for (i, fields) in lines.enumerated() {
            guard fields.count == header.count else {
                throw ManifestError.wrongFieldCount(file: url.path, line: i + 2, expected: header.count, found: fields.count)
            }
            out[fields[speaker].trimmingCharacters(in: .whitespaces)] = fields[gender].trimmingCharacters(in: .whitespaces).lowercased()
        }
        return out
    }
}
