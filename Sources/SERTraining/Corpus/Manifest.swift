import Foundation
import SERTensor

/// A corpus manifest: the list of utterances a training or evaluation run uses.
///
/// On disk it is a CSV file (see ``CSV`` for the exact syntax) with a header line and one row per
/// utterance. Columns, matched by name (case-insensitive, surrounding spaces ignored, any order):
///
/// | column | required | meaning |
/// | --- | --- | --- |
/// | `path` | yes | audio file; relative paths resolve against the manifest's folder |
/// | `label` | yes | emotion class name |
/// | `speaker` | yes | speaker identifier |
/// | `session` | no | recording session |
/// | `gender` | no | speaker gender |
/// | `split` | no | `train`, `val` or `test` (for the fixed-split protocol) |
/// | `start`, `end` | no | segment bounds in seconds within the file |
///
/// Other columns are allowed and ignored. Empty optional fields mean "not given".
public struct Manifest: Equatable, Sendable {
    /// The rows, in file order.
    public var entries: [ManifestEntry]
    /// The folder relative paths resolve against (the manifest file's folder when read from a file; an
    /// importer's corpus root). Nil: the current directory.
    public var baseDirectory: URL?
    /// For a manifest read from a file: the line where each entry starts (header = line 1), parallel to
    /// `entries`. Empty for manifests built in memory. See ``line(ofEntry:)``.
    public var sourceLines: [Int]
    /// The file this manifest was read from, if any.
    public var sourceFile: String?

    /// The columns in the order they are written.
    public static let columnOrder = ["path", "label", "speaker", "session", "gender", "split", "start", "end"]
    /// The columns every manifest must have.
    public static let requiredColumns = ["path", "label", "speaker"]

    public init(entries: [ManifestEntry], baseDirectory: URL? = nil) {
        self.entries = entries
        self.baseDirectory = baseDirectory
        self.sourceLines = []
        self.sourceFile = nil
    }

    /// The line in the source file where entry `index` starts, or nil when the manifest was built in
    /// memory or its entries were changed since reading.
    public func line(ofEntry index: Int) -> Int? {
        sourceLines.count == entries.count && entries.indices.contains(index) ? sourceLines[index] : nil
    }

    /// The audio file of `entry`: its path if absolute, otherwise resolved against ``baseDirectory``.
    public func url(of entry: ManifestEntry) -> URL {
        if entry.path.hasPrefix("/") { return URL(fileURLWithPath: entry.path) }
        if let base = baseDirectory { return base.appendingPathComponent(entry.path) }
        return URL(fileURLWithPath: entry.path)
    }

    /// The distinct labels, sorted.
    public var labels: [String] { Array(Set(entries.map(\.label))).sorted() }
    /// The distinct speakers, in natural order (see ``NaturalOrder``).
    public var speakers: [String] { NaturalOrder.sorted(Set(entries.map(\.speaker))) }

    // MARK: Reading

    /// Reads the manifest at `url`; relative paths in it will resolve against its folder.
    /// - Throws: ``ManifestError`` naming the file, line and column of the first problem.
    public static func read(from url: URL) throws -> Manifest {
        try parse(try CSV.contents(of: url), source: url.path, baseDirectory: url.deletingLastPathComponent())
    }

    /// Parses manifest CSV text.
    /// - Parameters:
    ///   - source: the file name used in errors.
    ///   - baseDirectory: the folder relative paths resolve against.
    /// - Throws: ``ManifestError``.
    public static func parse(_ data: Data, source: String, baseDirectory: URL?) throws -> Manifest {
        let (header, rows) = try CSV.parseWithHeader(data, source: source)

        var column = [String: Int]()
        for (i, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard column[name] == nil else { throw ManifestError.duplicateColumn(file: source, column: name) }
            column[name] = i
        }
        for name in requiredColumns where column[name] == nil {
            throw ManifestError.missingColumn(file: source, column: name)
        }

        var entries = [ManifestEntry]()
        var lines = [Int]()
        entries.reserveCapacity(rows.count)
        for record in rows {
            guard record.fields.count == header.fields.count else {
                throw ManifestError.wrongFieldCount(file: source, line: record.line,
                                                    expected: header.fields.count, found: record.fields.count)
            }
            entries.append(try entry(record, column: column, source: source))
            lines.append(record.line)
        }
        var manifest = Manifest(entries: entries, baseDirectory: baseDirectory)
        manifest.sourceLines = lines
        manifest.sourceFile = source
        return manifest
    }

    /// Parses manifest CSV text given as a string (see ``parse(_:source:baseDirectory:)``).
    public static func parse(_ text: String, source: String, baseDirectory: URL?) throws -> Manifest {
        try parse(Data(text.utf8), source: source, baseDirectory: baseDirectory)
    }

    private static func entry(_ record: CSV.Record, column: [String: Int], source: String) throws -> ManifestEntry {
        func value(_ name: String) -> String? {
            guard let i = column[name] else { return nil }
            let v = record.fields[i]
            return v.trimmingCharacters(in: .whitespaces).isEmpty ? nil : v
        }
        func required(_ name: String) throws -> String {
            guard let v = value(name) else {
                throw ManifestError.emptyValue(file: source, line: record.line, column: name)
            }
            return v
        }
        func seconds(_ name: String) throws -> Double? {
            guard let text = value(name) else { return nil }
            guard let x = Double(text.trimmingCharacters(in: .whitespaces)), x.isFinite, x >= 0,
                  text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-" || $0 == " " })
            else { throw ManifestError.badNumber(file: source, line: record.line, column: name, value: text) }
            return x
        }
        var split: DataSplit?
        if let s = value("split") {
            guard let parsed = DataSplit(rawValue: s.trimmingCharacters(in: .whitespaces)) else {
                throw ManifestError.badSplit(file: source, line: record.line, value: s)
            }
            split = parsed
        }
        let start = try seconds("start"), end = try seconds("end")
        if let s = start, let e = end, !(s < e) {
            throw ManifestError.startNotBeforeEnd(file: source, line: record.line, start: s, end: e)
        }
        return ManifestEntry(path: try required("path"), label: try required("label"), speaker: try required("speaker"),
                             session: value("session"), gender: value("gender"), split: split, start: start, end: end)
    }

    // MARK: Writing

    /// The manifest as CSV text. Columns: the required ones, then each optional column that at least one
    /// entry uses, in ``columnOrder``. Times are written in Swift's shortest round-trip form.
    /// - Parameter folder: where the file will live. Paths of files under that folder are written
    ///   relative to it; others are written absolute (resolved against ``baseDirectory``). Nil: paths are
    ///   written exactly as stored.
    public func csvText(relativeTo folder: URL?) -> String {
        let used: [String] = Self.columnOrder.filter { name in
            switch name {
            case "session": return entries.contains { $0.session != nil }
            case "gender": return entries.contains { $0.gender != nil }
            case "split": return entries.contains { $0.split != nil }
            case "start": return entries.contains { $0.start != nil }
            case "end": return entries.contains { $0.end != nil }
            default: return true
            }
        }
        let prefix = folder.map { $0.standardizedFileURL.path.hasSuffix("/") ? $0.standardizedFileURL.path
                                                                              : $0.standardizedFileURL.path + "/" }
        var rows = [used]
        rows.reserveCapacity(entries.count + 1)
        for e in entries {
            var path = e.path
            if let prefix {
                let absolute = url(of: e).standardizedFileURL.path
                path = absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
            }
            rows.append(used.map { name in
                switch name {
                case "path": return path
                case "label": return e.label
                case "speaker": return e.speaker
                case "session": return e.session ?? ""
                case "gender": return e.gender ?? ""
                case "split": return e.split?.rawValue ?? ""
                case "start": return e.start.map { String($0) } ?? ""
                case "end": return e.end.map { String($0) } ?? ""
                default: return ""
                }
            })
        }
        return CSV.render(rows)
    }

    /// Writes the manifest to `url` atomically, with paths relative to its folder where possible
    /// (see ``csvText(relativeTo:)``).
    /// - Throws: ``ManifestError/unwritable(file:reason:)``.
    public func write(to url: URL) throws {
        let text = csvText(relativeTo: url.deletingLastPathComponent())
        do { try AtomicFile.write(Data(text.utf8), to: url) } catch {
            throw ManifestError.unwritable(file: url.path, reason: "\(error)")
        }
    }
}
