import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks, before any work, that results can be written into a folder: it is created if needed (with
/// its parents) and a probe file is created and removed in it. Commands call this first, so an
/// unwritable `--output` is reported in one line before minutes of loading and training.
public enum OutputFolder {
    /// Creates `folder` if needed and checks that files can be created in it.
    /// - Throws: ``ReportingError/unwritable(file:reason:)`` saying in one line what is in the way
    ///   (a file where a folder should be, no permission, a read-only file system, …).
    public static func prepare(_ folder: URL) throws {
        let fm = FileManager.default
        let path = folder.standardizedFileURL.path
        // The deepest part of the path that exists must be a folder we may write in.
        var existing = URL(fileURLWithPath: path, isDirectory: true)
        while !fm.fileExists(atPath: existing.path) && existing.path != "/" { existing.deleteLastPathComponent() }
        var isDirectory: ObjCBool = false
        _ = fm.fileExists(atPath: existing.path, isDirectory: &isDirectory)
        guard isDirectory.boolValue else {
            throw ReportingError.unwritable(file: path, reason: "\(existing.path) is a file, not a folder; choose another output folder")
        }
        if existing.path != path {
            do { try fm.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                throw ReportingError.unwritable(file: path, reason: "cannot create the folder in \(existing.path): \(systemReason(existing.path))")
            }
        }
        let probe = URL(fileURLWithPath: path).appendingPathComponent(".write-test-\(UUID().uuidString)").path
        let fd = open(probe, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard fd >= 0 else {
            let why = String(cString: strerror(errno))
            throw ReportingError.unwritable(file: path, reason: "cannot create files in the folder (\(why)); choose another output folder")
        }
        close(fd)
        unlink(probe)
    }

    /// Why `path` (an existing folder) refuses new entries, from `access(2)`.
    private static func systemReason(_ path: String) -> String {
        access(path, W_OK) == 0 ? "unknown error" : String(cString: strerror(errno))
    }
}
