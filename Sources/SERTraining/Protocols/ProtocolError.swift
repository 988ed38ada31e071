import Foundation

/// A manifest that a protocol cannot split, or a fold that does not exist.
public enum ProtocolError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The manifest has no rows.
    case emptyManifest(protocolName: String)
    /// A session-based protocol met a row without a session (`line` when the manifest came from a file).
    case missingSession(protocolName: String, row: Int, line: Int?, path: String)
    /// A speaker recorded in more than one session (the session split would put them on both sides).
    case speakerInSeveralSessions(protocolName: String, speaker: String, sessions: [String])
    /// Too few speakers or sessions to have train, validation and test parts.
    case tooFew(protocolName: String, what: String, found: Int, needed: Int)
    /// The requested validation session is not in the manifest.
    case unknownSession(protocolName: String, session: String, available: [String])
    /// Rows without a `split` value in a fixed-split manifest.
    case missingSplit(rows: Int, firstRow: Int, firstLine: Int?)
    /// A part of the fixed split with no rows.
    case emptySplit(part: String)
    /// A fold number outside `1...count`.
    case foldOutOfRange(protocolName: String, number: Int, count: Int)
    /// No fold has this name.
    case unknownFoldName(protocolName: String, name: String, available: [String])
    /// A protocol name that is not one of ``CrossValidationProtocolKind``.
    case unknownProtocol(name: String)

    public var description: String {
        switch self {
        case .emptyManifest(let p): return "\(p): the manifest has no rows"
        case let .missingSession(p, row, line, path):
            return "\(p): \(line.map { "line \($0)" } ?? "row \(row + 1)") (\(path)) has no session; this protocol needs the 'session' column on every row"
        case let .speakerInSeveralSessions(p, s, ss):
            return "\(p): speaker '\(s)' appears in sessions \(ss.joined(separator: ", ")); a session split needs each speaker in one session"
        case let .tooFew(p, what, n, k):
            return "\(p): \(n) \(what) found; at least \(k) are needed for train, validation and test parts"
        case let .unknownSession(p, s, a):
            return "\(p): validation session '\(s)' not in the manifest (sessions: \(a.joined(separator: ", ")))"
        case let .missingSplit(n, row, line):
            return "fixed-split: \(n) row\(n == 1 ? " has" : "s have") no 'split' value (first: \(line.map { "line \($0)" } ?? "row \(row + 1)")); use train, val or test"
        case .emptySplit(let part): return "fixed-split: no rows have split '\(part)'"
        case let .foldOutOfRange(p, k, n): return "\(p): fold \(k) does not exist; folds are numbered 1 to \(n)"
        case let .unknownFoldName(p, name, a): return "\(p): no fold named '\(name)' (folds: \(a.joined(separator: ", ")))"
        case .unknownProtocol(let n):
            return "unknown protocol '\(n)' (known: \(CrossValidationProtocolKind.allCases.map(\.rawValue).joined(separator: ", ")))"
        }
    }

    public var errorDescription: String? { description }
}
