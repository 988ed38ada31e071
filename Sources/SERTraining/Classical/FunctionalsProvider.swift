import Foundation
import SERModels
import SERFeatures
import SERTensor

extension FunctionalsProvider {
    /// One part of a run: rows, labels and speakers of `utterances`.
    public func data(_ utterances: [Utterance]) throws -> FunctionalsData {
        FunctionalsData(rows: try rows(utterances), labels: utterances.map(\.label), speakers: utterances.map(\.speaker))
    }
}

/// Precomputed functionals from a CSV file: a `file` column, then one column per feature (e.g. what
/// opensmile-python writes for a folder, or `ser-cli features --kind egemaps`). A row is found by
/// the utterance's audio path: the `file` value resolved against the CSV's folder when relative, or
/// else the unique row whose `file` ends the utterance's path (`wav/03a01Fa.wav` matches
/// `/data/emodb/wav/03a01Fa.wav`).
public struct FunctionalsTable: FunctionalsProvider {
    public let file: String
    public let names: [String]
    public var featureSet: String { "table:" + URL(fileURLWithPath: file).lastPathComponent }
    private let byPath: [String: [Double]]
    private let byName: [(file: String, values: [Double])]

    /// Reads the table.
    /// - Throws: ``ManifestError`` naming the file and the line, column or value at fault (a missing
    ///   `file` column, a wrong number of fields, a value that is not a finite number, no feature columns).
    public init(file: String) throws {
        let url = URL(fileURLWithPath: file)
        let (header, rows) = try CSV.parseWithHeader(try CSV.contents(of: url), source: url.path)
        guard let fileColumn = header.fields.firstIndex(of: "file") else { throw ManifestError.missingColumn(file: url.path, column: "file") }
        var seen = Set<String>()
        for name in header.fields where !seen.insert(name).inserted { throw ManifestError.duplicateColumn(file: url.path, column: name) }
        let featureColumns = header.fields.indices.filter { $0 != fileColumn }
        guard !featureColumns.isEmpty else { throw ManifestError.missingColumn(file: url.path, column: "(a feature column besides 'file')") }
        var byPath = [String: [Double]](), byName = [(String, [Double])]()
        let folder = url.deletingLastPathComponent()
        for r in rows {
            guard r.fields.count == header.fields.count else {
                throw ManifestError.wrongFieldCount(file: url.path, line: r.line, expected: header.fields.count, found: r.fields.count)
            }
            let name = r.fields[fileColumn]
            guard !name.isEmpty else { throw ManifestError.emptyValue(file: url.path, line: r.line, column: "file") }
            let values = try featureColumns.map { j -> Double in
                guard let v = Double(r.fields[j].trimmingCharacters(in: .whitespaces)), v.isFinite else {
                    throw ManifestError.badNumber(file: url.path, line: r.line, column: header.fields[j], value: r.fields[j])
                }
                return v
            }
            let resolved = name.hasPrefix("/") ? URL(fileURLWithPath: name) : folder.appendingPathComponent(name)
            byPath[resolved.standardizedFileURL.path] = values
            byName.append((name, values))
        }
        self.file = url.path
        self.names = featureColumns.map { header.fields[$0] }
        self.byPath = byPath
        self.byName = byName
    }

    public func functionals(_ utterance: Utterance) throws -> [Double] {
        let path = URL(fileURLWithPath: utterance.path).standardizedFileURL.path
        if let v = byPath[path] { return v }
        let matches = byName.filter { path.hasSuffix("/" + $0.file) || path == $0.file }
        guard matches.count == 1 else {
            throw TrainingError.audio(path: utterance.path, reason: matches.isEmpty
                ? "has no row in the functionals table \(file); add it (column 'file') or compute features from audio"
                : "matches \(matches.count) rows of the functionals table \(file); give full paths in its 'file' column")
        }
        return matches[0].values
    }
}

/// Functionals computed once for a set of utterances (e.g. every utterance of a cross-validation), looked up
/// by audio path and content (segments of one file differ in their samples); other utterances are computed by
/// the base provider.
public struct PrecomputedFunctionals: FunctionalsProvider {
    public let base: FunctionalsProvider
    private let byPath: [String: [Double]]
    public var featureSet: String { base.featureSet }
    public var names: [String] { base.names }

    /// Computes the functionals of `utterances` with `base` (in parallel; the first failure is thrown with its file).
    /// When `base` is itself precomputed (a cross-validation's table handed to a run, then to its networks), its
    /// rows are kept and only the utterances it lacks are computed, by its own base: no table wraps another.
    public init(_ base: FunctionalsProvider, utterances: [Utterance]) throws {
        var known = [String: [Double]]()
        var source = base
        if let inner = base as? PrecomputedFunctionals {
            known = inner.byPath
            source = inner.base
        }
        let keys = utterances.map(Self.key)
        let missing = keys.indices.filter { known[keys[$0]] == nil }
        let rows = try source.rows(missing.map { utterances[$0] })
        for (i, row) in zip(missing, rows) where known[keys[i]] == nil { known[keys[i]] = row }
        self.base = source
        byPath = known
    }

    public func functionals(_ utterance: Utterance) throws -> [Double] {
        try byPath[Self.key(utterance)] ?? base.functionals(utterance)
    }

    /// The path, the sample count and a 64-bit FNV-1a hash of the samples' bits.
    private static func key(_ u: Utterance) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for x in u.samples { h = (h ^ UInt64(x.bitPattern)) &* 0x100000001b3 }
        return "\(u.path)#\(u.samples.count)#\(h)"
    }
}
