import Foundation

/// Which part of a fixed split a manifest row belongs to (the `split` column: `train`, `val`, `test`).
public enum DataSplit: String, Codable, CaseIterable, Sendable {
    case train
    case validation = "val"
    case test
}

/// One row of a corpus manifest: an utterance (a whole audio file, or the segment `start..<end` of one),
/// its emotion label and who spoke it.
public struct ManifestEntry: Codable, Equatable, Hashable, Sendable {
    /// The audio file, as written in the manifest: absolute, or relative to the manifest's folder.
    public var path: String
    /// The emotion class name, e.g. `neutral`.
    public var label: String
    /// The speaker identifier; cross-validation protocols split the data by it.
    public var speaker: String
    /// The recording session (e.g. IEMOCAP's `Ses01`), if the corpus has sessions.
    public var session: String?
    /// The speaker's gender as the corpus states it (`male`, `female`), if known.
    public var gender: String?
    /// The part of a fixed split this row belongs to, if the manifest defines one.
    public var split: DataSplit?
    /// Start of the segment in seconds from the beginning of the file (nil: from the beginning).
    public var start: Double?
    /// End of the segment in seconds (nil: to the end of the file). When both are set, `start < end`.
    public var end: Double?

    public init(path: String, label: String, speaker: String, session: String? = nil, gender: String? = nil,
                split: DataSplit? = nil, start: Double? = nil, end: Double? = nil) {
        self.path = path
        self.label = label
        self.speaker = speaker
        self.session = session
        self.gender = gender
        self.split = split
        self.start = start
        self.end = end
    }
}
