import Foundation

/// What can go wrong generating the demo corpus.
public enum DemoCorpusError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A parameter outside its valid range: its name, the value given and what it must be.
    case invalidArgument(name: String, value: String, requirement: String)
    /// The output folder (or a subfolder) could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// A file of the corpus could not be written (nothing partial is left at `path`).
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidArgument(name, value, requirement):
            return "demo corpus: invalid \(name) \(value) (must be \(requirement))"
        case let .cannotCreateDirectory(path, reason):
            return "\(path): cannot create the demo corpus folder: \(reason)"
        case let .writeFailed(path, reason):
            return "\(path): cannot write the demo corpus file: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
