import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one atomic file writer of SwiftSER (tensor files, checkpoints, manifests, reports, results, model
/// files): the bytes go to a temporary file `.<name>.tmp-<UUID>` in the same directory, which is flushed to
/// disk and then renamed over the destination. Readers see either the old file or the complete new one,
/// never a partial write; on failure the temporary file is removed (a killed process may leave one, which
/// the next owner of a run folder removes).
public enum AtomicFile {
    /// Writes `data` to `url` atomically.
    /// - Throws: ``TensorIOError/unwritable(file:reason:)`` naming the file and why.
    public static func write(_ data: Data, to url: URL) throws {
        try FileAccess.writeAtomically(data, to: url)
    }
}

/// Whole-file reads and atomic writes shared by the tensor file formats.
enum FileAccess {
    /// The contents of `url`, read into memory (not memory-mapped: a mapped file truncated by another
    /// process while being read would fault).
    static func read(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw TensorIOError.unreadable(file: url.path, reason: reason(error))
        }
    }

    /// Writes `data` to `url` atomically: the bytes go to a temporary file in the same directory,
    /// which is flushed to disk and then renamed over `url`. Readers see either the old file or the
    /// complete new one, never a partial write; on failure the temporary file is removed.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        let path = url.path
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temp.path, contents: nil) else {
            let why = FileManager.default.fileExists(atPath: dir.path)
                ? "cannot create a temporary file in \(dir.path)" : "directory \(dir.path) does not exist"
            throw TensorIOError.unwritable(file: path, reason: why)
        }
        do {
            let handle = try FileHandle(forWritingTo: temp)
            do {
                try handle.write(contentsOf: data)
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw TensorIOError.unwritable(file: path, reason: reason(error))
        }
        if rename(temp.path, path) != 0 {
            let why = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw TensorIOError.unwritable(file: path, reason: "rename from temporary file failed: \(why)")
        }
    }

    private static func reason(_ error: Error) -> String {
        (error as NSError).localizedDescription
    }
}
