import Foundation

/// Atomic replacement of a checkpoint folder, shared by ``TrainingCheckpoint`` and
/// ``Wav2VecPretrainingCheckpoint``: the new contents are written to a temporary sibling folder,
/// the old folder is moved to `<name>.previous`, the new one renamed into place, then the previous
/// one removed. A kill at any moment leaves one whole checkpoint: the folder, or `<name>.previous`.
enum CheckpointFolder {
    /// The fallback left by a kill between the two renames.
    static func previous(_ folder: URL) -> URL {
        folder.deletingLastPathComponent().appendingPathComponent("\(folder.lastPathComponent).previous")
    }

    /// The folder to read: `folder`, else its `.previous` fallback, else nil.
    static func readable(_ folder: URL) -> URL? {
        let fm = FileManager.default
        if fm.fileExists(atPath: folder.path) { return folder }
        return fm.fileExists(atPath: previous(folder).path) ? previous(folder) : nil
    }

    /// Writes the checkpoint with `contents` (given the temporary folder to fill) and swaps it in.
    /// - Throws: whatever `contents` or the file system throws (the caller wraps it); the temporary
    ///   folder is removed on failure.
    static func replace(_ folder: URL, contents: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let parent = folder.deletingLastPathComponent()
        let tmp = parent.appendingPathComponent(".\(folder.lastPathComponent).tmp-\(UUID().uuidString)")
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
            try contents(tmp)
            let previous = previous(folder)
            try? fm.removeItem(at: previous)
            if fm.fileExists(atPath: folder.path) { try fm.moveItem(at: folder, to: previous) }
            try fm.moveItem(at: tmp, to: folder)
            try? fm.removeItem(at: previous)
        } catch {
            try? fm.removeItem(at: tmp)
            throw error
        }
    }
}
