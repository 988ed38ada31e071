import Foundation

/// Why reading or writing a tensor file failed.
///
/// Every case names the file (`file`: its path, or the `source` label given to the in-memory
/// `decode` functions) and the problem in terms a user can act on. Readers never trap on malformed
/// input: every byte sequence either decodes or produces one of these errors.
public enum TensorIOError: Error, Equatable, Sendable {
    // MARK: Files

    /// The file could not be read (missing, permissions, I/O error).
    case unreadable(file: String, reason: String)
    /// The file could not be written (directory missing, permissions, disk full, rename failed).
    case unwritable(file: String, reason: String)

    // MARK: Safetensors

    /// Fewer bytes than the fixed-size prefix of the format (8 for safetensors, 10 or 12 for .npy).
    case fileTooShort(file: String, size: Int, minimum: Int)
    /// The safetensors header length exceeds the reference implementation's limit (100 MB).
    case headerTooLarge(file: String, headerLength: UInt64, limit: Int)
    /// The header length field points past the end of the file.
    case headerLengthBeyondFile(file: String, headerLength: UInt64, fileSize: Int)
    /// The header is not what the format requires (not UTF-8, not JSON, missing or mistyped fields, …).
    case invalidHeader(file: String, reason: String)
    /// An element type this library does not read. `tensor` is nil for .npy files.
    case unsupportedDType(file: String, tensor: String?, dtype: String)
    /// The byte range of a tensor does not hold exactly `shape`'s elements of its dtype.
    case shapeMismatch(file: String, tensor: String, shape: [Int], dtype: String, expectedBytes: Int, actualBytes: UInt64)
    /// `data_offsets` with `end < begin`.
    case invalidOffsets(file: String, tensor: String, begin: UInt64, end: UInt64)
    /// A tensor's byte range ends beyond the data buffer (the file is truncated or the offsets are wrong).
    case offsetsOutOfBounds(file: String, tensor: String, begin: UInt64, end: UInt64, bufferSize: Int)
    /// Two tensors' byte ranges overlap.
    case overlappingOffsets(file: String, tensor: String, other: String)
    /// Bytes between two tensors (or before the first) that belong to no tensor.
    case gapInBuffer(file: String, tensor: String, expectedBegin: UInt64, begin: UInt64)
    /// Bytes after the data of the last tensor (.safetensors) or after the array (.npy).
    case trailingBytes(file: String, used: Int, available: Int)
    /// A tensor name or value that cannot be written.
    case invalidTensor(file: String, name: String, reason: String)

    // MARK: NumPy .npy

    /// The file does not start with the .npy magic string `\x93NUMPY`.
    case badMagic(file: String)
    /// A .npy format version other than 1.0, 2.0 or 3.0.
    case unsupportedVersion(file: String, major: UInt8, minor: UInt8)
    /// A Fortran-ordered (column-major) array; only C order is read.
    case fortranOrder(file: String, shape: [Int])
    /// A big-endian float array (`>f4`, `>f8`); only little-endian is read.
    case bigEndian(file: String, descr: String)
    /// The array data is shorter than its header promises.
    case truncated(file: String, expectedBytes: Int, actualBytes: Int)
}

extension TensorIOError: CustomStringConvertible, LocalizedError {
    /// The file (path or source label) the error is about.
    public var file: String {
        switch self {
        case .unreadable(let f, _), .unwritable(let f, _), .fileTooShort(let f, _, _), .headerTooLarge(let f, _, _),
             .headerLengthBeyondFile(let f, _, _), .invalidHeader(let f, _), .unsupportedDType(let f, _, _),
             .shapeMismatch(let f, _, _, _, _, _), .invalidOffsets(let f, _, _, _),
             .offsetsOutOfBounds(let f, _, _, _, _), .overlappingOffsets(let f, _, _), .gapInBuffer(let f, _, _, _),
             .trailingBytes(let f, _, _), .invalidTensor(let f, _, _), .badMagic(let f),
             .unsupportedVersion(let f, _, _), .fortranOrder(let f, _), .bigEndian(let f, _),
             .truncated(let f, _, _):
            return f
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let f, let r):
            return "\(f): cannot read file: \(r)"
        case .unwritable(let f, let r):
            return "\(f): cannot write file: \(r)"
        case .fileTooShort(let f, let size, let minimum):
            return "\(f): file is \(size) bytes, shorter than the \(minimum)-byte minimum of the format (truncated or not a tensor file)"
        case .headerTooLarge(let f, let n, let limit):
            return "\(f): safetensors header length \(n) exceeds the limit of \(limit) bytes (corrupt length field?)"
        case .headerLengthBeyondFile(let f, let n, let size):
            return "\(f): header length field says \(n) bytes but the file has only \(size) bytes (truncated or not a safetensors file)"
        case .invalidHeader(let f, let r):
            return "\(f): invalid header: \(r)"
        case .unsupportedDType(let f, let t, let d):
            let what = t.map { "tensor '\($0)' has" } ?? "array has"
            return "\(f): \(what) unsupported dtype '\(d)' (readable: safetensors F32, F64, F16, BF16; npy <f4, <f8)"
        case .shapeMismatch(let f, let t, let shape, let d, let expected, let actual):
            return "\(f): tensor '\(t)' of shape \(shape) and dtype \(d) needs \(expected) bytes but its data_offsets span \(actual)"
        case .invalidOffsets(let f, let t, let b, let e):
            return "\(f): tensor '\(t)' has data_offsets [\(b), \(e)] with end before begin"
        case .offsetsOutOfBounds(let f, let t, let b, let e, let size):
            return "\(f): tensor '\(t)' occupies bytes [\(b), \(e)) but the data buffer has only \(size) bytes (file truncated or offsets wrong)"
        case .overlappingOffsets(let f, let t, let o):
            return "\(f): tensors '\(o)' and '\(t)' have overlapping data_offsets"
        case .gapInBuffer(let f, let t, let expected, let b):
            return "\(f): tensor '\(t)' begins at byte \(b) of the data buffer, expected \(expected) (unused bytes between tensors)"
        case .trailingBytes(let f, let used, let available):
            return "\(f): data uses \(used) bytes but \(available) follow the header (trailing bytes: corrupt or concatenated file)"
        case .invalidTensor(let f, let n, let r):
            return "\(f): cannot write tensor '\(n)': \(r)"
        case .badMagic(let f):
            return "\(f): not a NumPy .npy file (missing the \\x93NUMPY magic string)"
        case .unsupportedVersion(let f, let major, let minor):
            return "\(f): unsupported .npy format version \(major).\(minor) (readable: 1.0, 2.0, 3.0)"
        case .fortranOrder(let f, let shape):
            return "\(f): array of shape \(shape) is stored in Fortran (column-major) order; save it C-contiguous (np.ascontiguousarray)"
        case .bigEndian(let f, let d):
            return "\(f): array dtype '\(d)' is big-endian; only little-endian data is read (convert with arr.astype('<f4'))"
        case .truncated(let f, let expected, let actual):
            return "\(f): array data needs \(expected) bytes but only \(actual) are present (file truncated)"
        }
    }

    public var errorDescription: String? { description }
}
