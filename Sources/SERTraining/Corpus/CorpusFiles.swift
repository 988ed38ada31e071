import Foundation

/// Finding a corpus's audio files on disk.
public enum CorpusFiles {
    /// File extensions (lower case) treated as audio: the formats libsndfile decodes.
    public static let audioExtensions: Set<String> = ["wav", "flac", "ogg", "oga", "opus", "aiff", "aif", "mp3"]

    /// Whether `path`'s extension is one of ``audioExtensions`` (case-insensitive).
    public static func isAudio(_ path: String) -> Bool {
        audioExtensions.contains((path as NSString).pathExtension.lowercased())
    }

    /// The audio files under `root`, recursively, as paths relative to `root`, sorted by plain string
    /// order. Symbolic links to files and folders are followed (each real folder is visited once, so
    /// link cycles end). Hidden files and folders (names starting with `.`, e.g. macOS `._` resource
    /// forks) are skipped.
    /// - Throws: ``CorpusImportError`` when `root` is missing, not a folder, or a folder under it cannot
    ///   be listed.
    public static func audioFiles(under root: URL) throws -> [String] {
        try checkFolder(root)
        var found = [String]()
        var visited = Set<String>()
        try walk(root, relative: "", visited: &visited, found: &found)
        return found.sorted()
    }

    private static func walk(_ dir: URL, relative: String, visited: inout Set<String>, found: inout [String]) throws {
        guard visited.insert(dir.resolvingSymlinksInPath().path).inserted else { return }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir.path) } catch {
            throw CorpusImportError.unreadable(path: dir.path, reason: (error as NSError).localizedDescription)
        }
        for name in names where !name.hasPrefix(".") {
            let url = dir.appendingPathComponent(name)
            let rel = relative.isEmpty ? name : relative + "/" + name
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { continue }  // dangling link
            if isDir.boolValue {
                try walk(url, relative: rel, visited: &visited, found: &found)
            } else if isAudio(name) {
                found.append(rel)
            }
        }
    }

    /// Throws unless `root` is an existing folder.
    static func checkFolder(_ root: URL) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir) else {
            throw CorpusImportError.rootNotFound(path: root.path)
        }
        guard isDir.boolValue else { throw CorpusImportError.notADirectory(path: root.path) }
    }
}
