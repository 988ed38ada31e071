/// Why an importer left out a file or an annotation.
public enum DropReason: Error, Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The label (after mapping) is not among the selected classes.
    case classNotSelected(label: String)
    /// The annotators reached no majority (IEMOCAP's `xxx`).
    case noMajority
    /// The file name does not follow the corpus's naming convention; `expected` describes it.
    case unrecognisedName(expected: String)
    /// A field in the name is outside the values the convention defines.
    case invalidCode(field: String, value: String)
    /// The annotation refers to an audio file that does not exist.
    case missingAudio(path: String)
    /// A line in an annotation file that looks like an utterance entry but cannot be parsed.
    case unparseableLine(text: String)
    /// The same utterance was already imported.
    case duplicate(id: String)
    /// A file that is not inside a label folder (generic folder layout).
    case notInLabelFolder
    /// The speaker pattern did not match the file name (generic folder layout).
    case speakerPatternMismatch(pattern: String)
    /// Excluded by an importer option, e.g. RAVDESS song recordings.
    case excludedByOption(String)

    /// A short key grouping reasons of the same kind in summaries, e.g. `class not selected: frustrated`.
    public var category: String {
        switch self {
        case .classNotSelected(let l): return "class not selected: \(l)"
        case .noMajority: return "no majority label"
        case .unrecognisedName: return "name does not follow the convention"
        case .invalidCode(let f, _): return "invalid \(f) code"
        case .missingAudio: return "audio file missing"
        case .unparseableLine: return "unparseable annotation line"
        case .duplicate: return "duplicate utterance"
        case .notInLabelFolder: return "not inside a label folder"
        case .speakerPatternMismatch: return "speaker pattern did not match"
        case .excludedByOption(let o): return "excluded: \(o)"
        }
    }

    public var description: String {
        switch self {
        case .classNotSelected(let l): return "label '\(l)' is not among the selected classes"
        case .noMajority: return "the annotators reached no majority (xxx)"
        case .unrecognisedName(let e): return "the name does not follow the convention \(e)"
        case .invalidCode(let f, let v): return "\(f) code '\(v)' is not defined by the convention"
        case .missingAudio(let p): return "audio file \(p) does not exist"
        case .unparseableLine(let t): return "cannot parse the line '\(t)'"
        case .duplicate(let id): return "utterance \(id) already imported"
        case .notInLabelFolder: return "not inside a label folder (expected root/<label>/<file>)"
        case .speakerPatternMismatch(let p): return "the speaker pattern \(p) does not match the file name"
        case .excludedByOption(let o): return "excluded: \(o)"
        }
    }
}

/// One item an importer left out: where it came from (a file, or `file:line` of an annotation) and why.
public struct DroppedItem: Codable, Equatable, Sendable, CustomStringConvertible {
    /// The file (relative to the corpus root) or annotation (`file:line`) concerned.
    public var source: String
    public var reason: DropReason

    public init(source: String, reason: DropReason) {
        self.source = source
        self.reason = reason
    }

    public var description: String { "\(source): \(reason)" }
}

/// What an importer did: every candidate is either an entry of the manifest or a ``DroppedItem``.
public struct ImportReport: Codable, Equatable, Sendable {
    /// The corpus name, e.g. `IEMOCAP`.
    public var corpus: String
    /// The corpus root folder.
    public var root: String
    /// How many candidates (audio files, or annotation lines for IEMOCAP) were examined.
    public var candidates: Int
    /// How many became manifest entries.
    public var kept: Int
    /// Every candidate left out, in the order met.
    public var dropped: [DroppedItem]

    public init(corpus: String, root: String, candidates: Int, kept: Int, dropped: [DroppedItem]) {
        self.corpus = corpus
        self.root = root
        self.candidates = candidates
        self.kept = kept
        self.dropped = dropped
    }

    /// Dropped items counted by ``DropReason/category``.
    public var droppedByCategory: [String: Int] {
        dropped.reduce(into: [:]) { $0[$1.reason.category, default: 0] += 1 }
    }

    /// A few lines for people: kept and dropped counts, and the drops by category.
    public var text: String {
        var s = "\(corpus) at \(root): \(candidates) candidates, \(kept) kept, \(dropped.count) dropped\n"
        for (k, n) in droppedByCategory.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            s += "  \(n)\t\(k)\n"
        }
        return s
    }
}

/// An importer's result: the manifest (paths relative to the corpus root, which is its base directory)
/// and the report of everything left out.
public struct ImportResult: Sendable {
    public var manifest: Manifest
    public var report: ImportReport
}
