import Foundation

/// The atomic file write of the tensor formats (``Npy``, ``Safetensors``) for other binary files:
/// the bytes go to a temporary file in the same directory, flushed, then renamed over the destination.
public enum AtomicFileWriter {
    /// Writes `data` to `url` atomically.
    /// - Throws: ``TensorIOError/unwritable(file:reason:)`` naming the file.
    public static func write(_ data: Data, to url: URL) throws {
        try FileAccess.writeAtomically(data, to: url)
    }
}
