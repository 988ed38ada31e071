import Foundation

/// A corpus whose file names carry the labels (EmoDB, RAVDESS, CREMA-D, a folder per label).
///
/// A conforming type only decodes one path; ``importCorpus(at:selection:)`` and
/// ``importFiles(_:root:selection:)`` do the rest: class selection, duplicate detection and the report.
public protocol FileNameConvention: Sendable {
    /// The corpus name used in reports, e.g. `EmoDB`.
    var corpusName: String { get }
    /// Whether two files with the same file name (in different folders) are the same utterance; such
    /// copies are reported as duplicates and only the first (in path order) is kept.
    var fileNamesAreUnique: Bool { get }
    /// The manifest entry for the audio file at `relativePath` (relative to the corpus root; the entry's
    /// `path` is this relative path), with the corpus's own label name, or why the file is left out.
    func entry(forRelativePath relativePath: String) -> Result<ManifestEntry, DropReason>
}

extension FileNameConvention {
    public var fileNamesAreUnique: Bool { true }

    /// Imports every audio file under `root` (see ``CorpusFiles/audioFiles(under:)``).
    /// - Throws: ``CorpusImportError`` when `root` cannot be listed or holds no audio files.
    public func importCorpus(at root: URL, selection: ClassSelection = .all) throws -> ImportResult {
        let files = try CorpusFiles.audioFiles(under: root)
        guard !files.isEmpty else { throw CorpusImportError.nothingFound(root: root.path, expected: "audio files") }
        return importFiles(files, root: root, selection: selection)
    }

    /// Imports the given files (paths relative to `root`), in the given order, without touching the disk.
    public func importFiles(_ relativePaths: [String], root: URL, selection: ClassSelection = .all) -> ImportResult {
        var entries = [ManifestEntry]()
        var dropped = [DroppedItem]()
        var seen = Set<String>()
        for path in relativePaths {
            switch entry(forRelativePath: path) {
            case .failure(let reason):
                dropped.append(DroppedItem(source: path, reason: reason))
            case .success(var e):
                let name = (path as NSString).lastPathComponent
                if fileNamesAreUnique && !seen.insert(name).inserted {
                    dropped.append(DroppedItem(source: path, reason: .duplicate(id: name)))
                    continue
                }
                guard let label = selection.apply(e.label) else {
                    dropped.append(DroppedItem(source: path, reason: .classNotSelected(label: e.label)))
                    continue
                }
                e.label = label
                entries.append(e)
            }
        }
        let report = ImportReport(corpus: corpusName, root: root.path, candidates: relativePaths.count,
                                  kept: entries.count, dropped: dropped)
        return ImportResult(manifest: Manifest(entries: entries, baseDirectory: root), report: report)
    }
}

extension String {
    /// The file name without folders and extension.
    var fileStem: String { ((self as NSString).lastPathComponent as NSString).deletingPathExtension }
}
