import Foundation

/// Why a PyTorch checkpoint (`torch.save` file) could not be read, or a fairseq checkpoint not imported.
///
/// Every case names the file and says what is wrong in terms a user can act on. The readers never trap
/// on malformed input: every byte sequence either loads or produces one of these errors.
public enum TorchCheckpointError: Error, Equatable, Sendable {
    /// The file could not be read (missing, permissions, I/O error).
    case unreadable(file: String, reason: String)
    /// Neither a zip archive (`PK\x03\x04`) nor a legacy torch.save stream (`\x80\x02\x8a\x0a` + magic number).
    case notACheckpoint(file: String, reason: String)
    /// A read ran past the end of `part` (the file, a zip entry, or a pickle).
    case truncated(file: String, part: String, offset: Int, needed: Int, available: Int)
    /// Bytes that do not follow the format: a bad opcode, stack underflow, wrong record signature, CRC mismatch…
    case corrupt(file: String, part: String, reason: String)
    /// The pickle names a Python global that the reader does not accept (it never imports or runs anything).
    case disallowedGlobal(file: String, part: String, global: String)
    /// Valid but outside what this reader handles (compressed zip entries, big-endian data, tensor dtypes…).
    case unsupported(file: String, reason: String)
    /// A required entry (`model`, a state-dict key, an argument…) is absent.
    case missing(file: String, what: String)
    /// A value has the wrong type or an impossible value (a tensor whose strides reach past its storage…).
    case invalidValue(file: String, what: String, reason: String)
}

extension TorchCheckpointError: CustomStringConvertible, LocalizedError {
    /// The file the error is about.
    public var file: String {
        switch self {
        case .unreadable(let f, _), .notACheckpoint(let f, _), .truncated(let f, _, _, _, _), .corrupt(let f, _, _),
             .disallowedGlobal(let f, _, _), .unsupported(let f, _), .missing(let f, _), .invalidValue(let f, _, _):
            return f
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let f, let r):
            return "\(f): cannot read file: \(r)"
        case .notACheckpoint(let f, let r):
            return "\(f): not a PyTorch checkpoint: \(r)"
        case .truncated(let f, let part, let offset, let needed, let available):
            return "\(f): \(part) is truncated: \(needed) bytes needed at offset \(offset), \(available) available"
        case .corrupt(let f, let part, let r):
            return "\(f): corrupt \(part): \(r)"
        case .disallowedGlobal(let f, let part, let g):
            return "\(f): \(part) refers to the Python object '\(g)', which is not allowed (only plain containers, "
                + "argparse.Namespace, OrderedDict and torch tensors/storages are read; nothing is imported or run)"
        case .unsupported(let f, let r):
            return "\(f): unsupported: \(r)"
        case .missing(let f, let what):
            return "\(f): missing \(what)"
        case .invalidValue(let f, let what, let r):
            return "\(f): invalid \(what): \(r)"
        }
    }

    public var errorDescription: String? { description }
}
