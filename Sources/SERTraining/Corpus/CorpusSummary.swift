/// Counts of utterances per class, per speaker, and per speaker and class.
public struct CorpusSummary: Codable, Equatable, Sendable {
    /// Class names, columns of ``counts``: the order given, then any other labels met, sorted.
    public var classes: [String]
    /// Speakers, rows of ``counts``, in natural order (``NaturalOrder``).
    public var speakers: [String]
    /// `counts[s][c]`: utterances of speaker `speakers[s]` labelled `classes[c]`.
    public var counts: [[Int]]

    /// - Parameter classes: the column order (e.g. the selected classes); labels not listed are appended.
    public init(entries: [ManifestEntry], classes: [String]? = nil) {
        var cls = classes ?? []
        let extra = Set(entries.map(\.label)).subtracting(cls)
        cls += extra.sorted()
        let spk = NaturalOrder.sorted(Set(entries.map(\.speaker)))
        let ci = Dictionary(uniqueKeysWithValues: cls.enumerated().map { ($1, $0) })
        let si = Dictionary(uniqueKeysWithValues: spk.enumerated().map { ($1, $0) })
        var counts = Array(repeating: Array(repeating: 0, count: cls.count), count: spk.count)
        for e in entries {
            if let s = si[e.speaker], let c = ci[e.label] { counts[s][c] += 1 }
        }
        self.classes = cls
        self.speakers = spk
        self.counts = counts
    }

    /// Total utterances.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// Utterances per class, by class name.
    public var perClass: [String: Int] {
        Dictionary(uniqueKeysWithValues: classes.enumerated().map { c, name in (name, counts.reduce(0) { $0 + $1[c] }) })
    }
    /// Utterances per speaker, by speaker.
    public var perSpeaker: [String: Int] {
        Dictionary(uniqueKeysWithValues: speakers.enumerated().map { ($1, counts[$0].reduce(0, +)) })
    }

    /// A Markdown table: one row per speaker, one column per class, a total column and a total row.
    public var table: String {
        var s = "| speaker | " + classes.joined(separator: " | ") + " | total |\n"
        s += "| --- |" + String(repeating: " ---: |", count: classes.count + 1) + "\n"
        for (i, speaker) in speakers.enumerated() {
            s += "| \(speaker) | " + counts[i].map(String.init).joined(separator: " | ") + " | \(counts[i].reduce(0, +)) |\n"
        }
        let columnTotals = classes.indices.map { c in counts.reduce(0) { $0 + $1[c] } }
        s += "| total | " + columnTotals.map(String.init).joined(separator: " | ") + " | \(total) |\n"
        return s
    }
}
