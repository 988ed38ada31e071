import Foundation

/// IEMOCAP from its full-release layout:
///
///     root/Session1 … Session5/
///         dialog/EmoEvaluation/<dialog>.txt         one annotation file per dialog
///         sentences/wav/<dialog>/<utterance>.wav    one file per utterance
///
/// In each annotation file, every utterance has one summary line (tab-separated)
///
///     [6.2901 - 8.2357]	Ses01F_impro01_F000	neu	[2.5000, 2.5000, 2.5000]
///
/// whose third field is the corpus's default label: the category a majority of the annotators chose,
/// or `xxx` when there was no majority. The per-annotator lines (`C-E1: …`), the header and the
/// subfolders of `EmoEvaluation` (`Categorical/`, `Attribute/`, …) are not read; hidden files are skipped.
///
/// Labels: ``codes`` gives the names (`exc` is `excited`, kept apart here); `xxx` rows are dropped as
/// ``DropReason/noMajority``. The default selection ``ClassSelection/fourClass`` keeps neutral, happy,
/// sad and angry with excited merged into happy, which gives the standard 5531 utterances.
///
/// Speaker and session come from the utterance id `Ses01F_impro01_M003`: session = its first five
/// characters (`Ses01`), gender = the first letter of its last `_`-separated part (`M` here: the
/// utterance's speaker, not the dialog's first letter, which names who wore the motion-capture markers),
/// speaker = session + that letter (`Ses01M`). The audio path is
/// `SessionN/sentences/wav/<id without its last part>/<id>.wav`, with `SessionN` the folder the
/// annotation was found in; rows whose audio is missing are dropped and reported.
public struct IEMOCAPImporter: Sendable {
    public init() {}

    /// Annotation code → label. `xxx` (no majority) is not here.
    public static let codes = ["neu": "neutral", "hap": "happy", "exc": "excited", "sad": "sad", "ang": "angry",
                               "fru": "frustrated", "sur": "surprise", "fea": "fear", "dis": "disgust", "oth": "other"]

    /// One parsed summary line.
    public struct Annotation: Equatable, Sendable {
        /// Start and end of the utterance within the dialog, seconds.
        public var start: Double, end: Double
        /// Utterance id, e.g. `Ses01F_impro01_F000`.
        public var id: String
        /// Annotation code, e.g. `neu`, `exc`, `xxx`.
        public var code: String
    }

    /// The speaker fields of an utterance id: `Ses01F_impro01_M003` → session `Ses01`, speaker `Ses01M`,
    /// gender `male`, dialog `Ses01F_impro01`. Nil when the id does not have that shape.
    public static func parseID(_ id: String) -> (session: String, speaker: String, gender: String, dialog: String)? {
        let parts = id.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count >= 3, let first = parts.first, let last = parts.last else { return nil }
        let f = Array(first), l = Array(last)
        guard f.count == 6, String(f[0..<3]) == "Ses", f[3].isASCIIDigit, f[4].isASCIIDigit, f[5] == "M" || f[5] == "F",
              l.count >= 2, l[0] == "M" || l[0] == "F", l.dropFirst().allSatisfy(\.isASCIIDigit)
        else { return nil }
        let session = String(f[0..<5])
        return (session, session + String(l[0]), l[0] == "M" ? "male" : "female", parts.dropLast().joined(separator: "_"))
    }

    /// Parses a summary line `[start - end]<TAB>id<TAB>code<TAB>[V, A, D]` (tabs or spaces). Nil when it
    /// is not one.
    public static func parseLine<S: StringProtocol>(_ line: S) -> Annotation? {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("["), let close = text.firstIndex(of: "]") else { return nil }
        let times = text[text.index(after: text.startIndex)..<close].split(separator: "-")
            .map { Double($0.trimmingCharacters(in: .whitespaces)) }
        let rest = text[text.index(after: close)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard times.count == 2, let s = times[0], let e = times[1], s.isFinite, e.isFinite, rest.count >= 2
        else { return nil }
        return Annotation(start: s, end: e, id: String(rest[0]), code: String(rest[1]))
    }

    /// Imports the corpus at `root` (the folder holding `Session1` … `Session5`).
    /// - Throws: ``CorpusImportError`` when `root` is not a folder, holds no `SessionN/dialog/EmoEvaluation`
    ///   annotation files, or one cannot be read.
    public func importCorpus(at root: URL, selection: ClassSelection = .fourClass) throws -> ImportResult {
        try CorpusFiles.checkFolder(root)
        let fm = FileManager.default
        let sessions: [String]
        do {
            sessions = NaturalOrder.sorted(try fm.contentsOfDirectory(atPath: root.path).filter {
                $0.hasPrefix("Session") && $0.count > 7 && $0.dropFirst(7).allSatisfy(\.isASCIIDigit)
            })
        } catch {
            throw CorpusImportError.unreadable(path: root.path, reason: (error as NSError).localizedDescription)
        }

        var entries = [ManifestEntry]()
        var dropped = [DroppedItem]()
        var seen = Set<String>()
        var candidates = 0
        var annotationFiles = 0
        for session in sessions {
            let dir = root.appendingPathComponent(session).appendingPathComponent("dialog/EmoEvaluation")
            guard let names = try? fm.contentsOfDirectory(atPath: dir.path) else { continue }
            for name in names.sorted() where name.hasSuffix(".txt") && !name.hasPrefix(".") {
                let file = dir.appendingPathComponent(name)
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: file.path, isDirectory: &isDir), !isDir.boolValue else { continue }
                annotationFiles += 1
                let relativeFile = "\(session)/dialog/EmoEvaluation/\(name)"
                for (n, line) in try Self.lines(of: file).enumerated() where line.hasPrefix("[") {
                    candidates += 1
                    let source = "\(relativeFile):\(n + 1)"
                    func drop(_ r: DropReason) { dropped.append(DroppedItem(source: source, reason: r)) }
                    guard let a = Self.parseLine(line), let who = Self.parseID(a.id) else {
                        drop(.unparseableLine(text: String(line.prefix(80)))); continue
                    }
                    if a.code == "xxx" { drop(.noMajority); continue }
                    guard let native = Self.codes[a.code] else { drop(.invalidCode(field: "emotion", value: a.code)); continue }
                    guard let label = selection.apply(native) else { drop(.classNotSelected(label: native)); continue }
                    guard seen.insert(a.id).inserted else { drop(.duplicate(id: a.id)); continue }
                    let path = "\(session)/sentences/wav/\(who.dialog)/\(a.id).wav"
                    guard fm.fileExists(atPath: root.appendingPathComponent(path).path) else {
                        drop(.missingAudio(path: path)); continue
                    }
                    entries.append(ManifestEntry(path: path, label: label, speaker: who.speaker, session: who.session,
                                                 gender: who.gender))
                }
            }
        }
        guard annotationFiles > 0 else {
            throw CorpusImportError.nothingFound(root: root.path,
                                                 expected: "annotation files SessionN/dialog/EmoEvaluation/*.txt")
        }
        let report = ImportReport(corpus: "IEMOCAP", root: root.path, candidates: candidates, kept: entries.count,
                                  dropped: dropped)
        return ImportResult(manifest: Manifest(entries: entries, baseDirectory: root), report: report)
    }

    /// The lines of a text file (UTF-8, or Latin-1 when it is not valid UTF-8), without line endings.
    static func lines(of url: URL) throws -> [Substring] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CorpusImportError.unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) ?? ""
        // Character-wise: CRLF is one Character, which `isNewline` matches as a whole.
        return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }
}
