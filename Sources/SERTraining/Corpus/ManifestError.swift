import Foundation

/// A manifest that cannot be read or written. Every case names the file; row problems name the line
/// (1-based, counted in the file, the header being line 1) and the column.
public enum ManifestError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The file could not be read at all.
    case unreadable(file: String, reason: String)
    /// The file could not be written; nothing was left at its path.
    case unwritable(file: String, reason: String)
    /// The CSV itself is malformed.
    case csv(CSVError)
    /// The file holds no header line.
    case noHeader(file: String)
    /// A required column (`path`, `label`, `speaker`) is absent from the header.
    case missingColumn(file: String, column: String)
    /// A column name appears twice in the header.
    case duplicateColumn(file: String, column: String)
    /// A row has a different number of fields than the header.
    case wrongFieldCount(file: String, line: Int, expected: Int, found: Int)
    /// A required field (`path`, `label`, `speaker`) is empty or only spaces.
    case emptyValue(file: String, line: Int, column: String)
    /// `start` or `end` is not a finite, non-negative decimal number of seconds.
    case badNumber(file: String, line: Int, column: String, value: String)
    /// `start` is not before `end`.
    case startNotBeforeEnd(file: String, line: Int, start: Double, end: Double)
    /// The `split` column holds something other than `train`, `val`, `test` or nothing.
    case badSplit(file: String, line: Int, value: String)

    public var description: String {
        switch self {
        case let .unreadable(f, r):
            return "\(f): cannot read the manifest: \(r)"
        case let .unwritable(f, r):
            return "\(f): cannot write the manifest: \(r)"
        case let .csv(e):
            return e.description
        case let .noHeader(f):
            return "\(f): the manifest is empty; its first line must be a header such as 'path,label,speaker'"
        case let .missingColumn(f, c):
            return "\(f):1: the header has no '\(c)' column (required: path, label, speaker)"
        case let .duplicateColumn(f, c):
            return "\(f):1: the column '\(c)' appears more than once in the header"
        case let .wrongFieldCount(f, l, e, n):
            return "\(f):\(l): \(n) field\(n == 1 ? "" : "s") but the header has \(e) (quote fields that contain commas)"
        case let .emptyValue(f, l, c):
            return "\(f):\(l): column '\(c)' is empty; every row needs a path, a label and a speaker"
        case let .badNumber(f, l, c, v):
            return "\(f):\(l): column '\(c)' is '\(v)', not a non-negative number of seconds"
        case let .startNotBeforeEnd(f, l, s, e):
            return "\(f):\(l): start \(s) s is not before end \(e) s"
        case let .badSplit(f, l, v):
            return "\(f):\(l): column 'split' is '\(v)'; use train, val, test, or leave it empty"
        }
    }

    public var errorDescription: String? { description }
}
