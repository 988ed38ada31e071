import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Atomic file writes for manifests, reports and fold results.
enum AtomicFileWrite {
    /// Writes `data` to `url` atomically: to a temporary file in the same folder, flushed to disk, then
    /// renamed over `url`. Readers see the old file or the complete new one; on failure the temporary file
    /// is removed and nothing is left at `url` that was not there before.
    /// - Throws: a message saying why (the caller wraps it in its own error type).
    static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temp.path, contents: nil) else {
            throw Failure(reason: FileManager.default.fileExists(atPath: dir.path)
                ? "cannot create a temporary file in \(dir.path)" : "folder \(dir.path) does not exist")
        }
        do {
            let handle = try FileHandle(forWritingTo: temp)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw Failure(reason: (error as NSError).localizedDescription)
        }
        if rename(temp.path, url.path) != 0 {
            let why = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw Failure(reason: "renaming the temporary file failed: \(why)")
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }
}
