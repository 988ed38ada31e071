import Foundation

/// Fold results that cannot be merged into one table, or written.
public enum FoldMergeError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// No results were given.
    case noResults
    /// A result file that cannot be read or decoded.
    case unreadable(file: String, reason: String)
    /// A result or table that cannot be written.
    case unwritable(file: String, reason: String)
    /// Results from different protocols (`file` differs from the first result's protocol).
    case protocolMismatch(file: String, expected: String, found: String)
    /// Results claiming different fold counts.
    case foldCountMismatch(file: String, expected: Int, found: Int)
    /// Results over different class lists.
    case classMismatch(file: String, expected: [String], found: [String])
    /// A fold number outside `1...count`.
    case foldOutOfRange(file: String, number: Int, count: Int)
    /// The same fold in several files.
    case duplicateFold(number: Int, files: [String])
    /// Folds with no result.
    case missingFolds(numbers: [Int], count: Int)

    public var description: String {
        switch self {
        case .noResults: return "no fold results to merge"
        case let .unreadable(f, r): return "\(f): cannot read fold result: \(r)"
        case let .unwritable(f, r): return "\(f): cannot write: \(r)"
        case let .protocolMismatch(f, e, x): return "\(f): protocol '\(x)' but the other results use '\(e)'"
        case let .foldCountMismatch(f, e, x): return "\(f): \(x) folds but the other results have \(e) (different manifests?)"
        case let .classMismatch(f, e, x):
            return "\(f): classes [\(x.joined(separator: ", "))] but the other results use [\(e.joined(separator: ", "))]"
        case let .foldOutOfRange(f, k, n): return "\(f): fold \(k) is outside 1…\(n)"
        case let .duplicateFold(k, fs): return "fold \(k) appears in several files: \(fs.joined(separator: ", "))"
        case let .missingFolds(ks, n):
            return "missing result\(ks.count == 1 ? "" : "s") for fold\(ks.count == 1 ? "" : "s") \(ks.map(String.init).joined(separator: ", ")) of \(n)"
        }
    }

    public var errorDescription: String? { description }
}
