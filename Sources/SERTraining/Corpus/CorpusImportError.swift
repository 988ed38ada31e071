import Foundation

/// A corpus that cannot be imported at all (problems with single files are ``DroppedItem``s instead).
public enum CorpusImportError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The corpus root does not exist.
    case rootNotFound(path: String)
    /// The corpus root is a file, not a folder.
    case notADirectory(path: String)
    /// A folder or annotation file that exists but cannot be read.
    case unreadable(path: String, reason: String)
    /// Nothing that looks like the corpus was found under the root; `expected` says what was looked for.
    case nothingFound(root: String, expected: String)
    /// A speaker pattern that is not a valid regular expression.
    case invalidPattern(pattern: String, reason: String)
    /// `--classes` names classes that no file of the corpus has (`available`: the labels found).
    case unknownClasses(classes: [String], available: [String])
    /// Nothing usable is left: no row would be written (`reasons`: why the candidates were left out).
    case noUsableRows(root: String, corpus: String, candidates: Int, reasons: [String])

    public var description: String {
        switch self {
        case let .rootNotFound(p): return "\(p): corpus folder not found"
        case let .notADirectory(p): return "\(p): is a file; give the corpus's top folder"
        case let .unreadable(p, r): return "\(p): cannot read: \(r)"
        case let .nothingFound(r, e): return "\(r): found no \(e); is this the right folder?"
        case let .invalidPattern(p, r): return "speaker pattern '\(p)' is not a valid regular expression: \(r)"
        case let .unknownClasses(c, available):
            return "--classes: no file has the class\(c.count == 1 ? "" : "es") \(c.joined(separator: ", ")); "
                + "the corpus's labels are \(available.isEmpty ? "(none)" : available.joined(separator: ", "))"
        case let .noUsableRows(root, corpus, candidates, reasons):
            return "\(root): no usable rows for corpus '\(corpus)' (\(candidates) candidate\(candidates == 1 ? "" : "s")"
                + (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")) + "); is this the right folder and --corpus?"
        }
    }

    public var errorDescription: String? { description }
}
