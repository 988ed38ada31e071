import Foundation
import SERTensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one owner of a run folder while a process trains in it (``Trainer`` for `train`, each `cv` fold and
/// the demo's final model; ``Wav2VecPretrainer`` for its checkpoint folder): it creates the folder, locks it,
/// finds the checkpoint to resume from, and removes the temporary files and folders a killed process left.
///
/// **Lock.** `<folder>/<lockName>` is locked with `flock(2)` and holds the owner's pid, host and start time.
/// A second owner of the same folder (another process, or another ``RunFolder`` in this one) is refused with
/// ``RunFolderError/locked(folder:holder:)`` naming the holder. The operating system drops the lock when its
/// process dies, so a lock file left by a killed process is *stale*: the next owner takes it over
/// (``takenOver`` names the previous holder). The lock is released by ``release()`` or when the owner is
/// deallocated; the file stays (removing it could let two owners lock different files).
///
/// **Resume.** A checkpoint folder is swapped atomically (``CheckpointFolder``): a kill between the two
/// renames leaves `<name>.previous` instead of `<name>`; ``checkpoint(named:)`` is the one place that
/// looks for both.
///
/// **Stale temporaries.** Atomic writes and checkpoint swaps write `.<name>.tmp-<UUID>` siblings first; those
/// a killed process left are removed when the lock is taken (only those of `temporaryNames`, or all when nil).
public final class RunFolder {
    public let url: URL
    /// The previous holder of a stale lock that was taken over (nil when the lock was free or new).
    public let takenOver: String?
    private var descriptor: Int32

    public static let defaultLockName = ".lock"

    /// Creates `url` if needed and takes its lock.
    /// - Parameters:
    ///   - lockName: the lock file's name in `url` (several owners may share a parent folder, e.g. wav2vec
    ///     checkpoints next to their models, each with its own lock name).
    ///   - temporaryNames: names whose `.<name>.tmp-*` leftovers are removed (nil: every `.*.tmp-*`).
    /// - Throws: ``RunFolderError`` when the folder cannot be created or is locked by another owner.
    public init(_ url: URL, lockName: String = RunFolder.defaultLockName, temporaryNames: [String]? = nil) throws {
        self.url = url
        let fm = FileManager.default
        do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw RunFolderError.unusable(folder: url.path, reason: "cannot be created: \(error.localizedDescription)")
        }
        let lockPath = url.appendingPathComponent(lockName).path
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunFolderError.unusable(folder: url.path, reason: "cannot open the lock file \(lockName): \(String(cString: strerror(errno)))")
        }
        let previous = Self.contents(fd)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let why = errno
            close(fd)
            if why == EWOULDBLOCK {
                throw RunFolderError.locked(folder: url.path, holder: previous.isEmpty ? "another process" : previous)
            }
            throw RunFolderError.unusable(folder: url.path, reason: "cannot lock \(lockName): \(String(cString: strerror(why)))")
        }
        descriptor = fd
        takenOver = previous.isEmpty ? nil : previous
        let me = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName), since \(ISO8601DateFormatter().string(from: Date()))"
        _ = ftruncate(fd, 0)
        _ = lseek(fd, 0, SEEK_SET)
        _ = me.withCString { pwrite(fd, $0, strlen($0), 0) }
        removeStaleTemporaries(names: temporaryNames)
    }

    deinit { release() }

    /// Releases the lock (the lock file stays, emptied). Further calls do nothing.
    public func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    /// The checkpoint folder to resume from: `<name>`, else the `<name>.previous` a kill between the two
    /// renames of a checkpoint swap leaves, else nil.
    public func checkpoint(named name: String = "checkpoint") -> URL? {
        CheckpointFolder.readable(url.appendingPathComponent(name))
    }

    /// The checkpoint to resume from in `folder` (see ``checkpoint(named:)``), for callers that decide
    /// before taking the lock whether a run continues.
    public static func checkpoint(in folder: URL, named name: String = "checkpoint") -> URL? {
        CheckpointFolder.readable(folder.appendingPathComponent(name))
    }

    /// Writes `data` to `name` in the folder atomically (see ``AtomicFile``).
    public func write(_ data: Data, to name: String) throws {
        do { try AtomicFile.write(data, to: url.appendingPathComponent(name)) } catch {
            throw RunFolderError.unusable(folder: url.path, reason: "cannot write \(name): \(error)")
        }
    }

    /// The stale temporaries removed when the lock was taken (for messages and tests).
    public private(set) var removedTemporaries: [String] = []

    private func removeStaleTemporaries(names: [String]?) {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: url.path) else { return }
        for entry in entries.sorted() where entry.hasPrefix(".") && entry.contains(".tmp-") {
            if let names, !names.contains(where: { entry.hasPrefix(".\($0).tmp-") }) { continue }
            if (try? fm.removeItem(at: url.appendingPathComponent(entry))) != nil { removedTemporaries.append(entry) }
        }
    }

    private static func contents(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return "" }
        return String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A run folder that cannot be owned.
public enum RunFolderError: Error, CustomStringConvertible, Equatable {
    /// Another owner (process, or another owner in this process) trains in the folder.
    case locked(folder: String, holder: String)
    case unusable(folder: String, reason: String)

    public var description: String {
        switch self {
        case let .locked(folder, holder):
            return "\(folder) is in use by \(holder); wait for that run to finish or stop it, or choose another folder"
        case let .unusable(folder, reason): return "\(folder): \(reason)"
        }
    }
}
