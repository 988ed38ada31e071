/// RAVDESS by its file names, seven two-digit fields `MM-CC-EE-II-SS-RR-AA.wav`
/// (e.g. `03-01-06-01-02-01-12.wav`):
///
/// - `MM` modality: 01 audio-video, 02 video only, 03 audio only.
/// - `CC` vocal channel: 01 speech, 02 song (song is left out unless ``includeSong``).
/// - `EE` emotion: 01 neutral, 02 calm, 03 happy, 04 sad, 05 angry, 06 fear, 07 disgust, 08 surprise
///   (RAVDESS calls 06 and 08 "fearful" and "surprised"; the shared names keep corpora comparable).
/// - `II` intensity: 01 normal, 02 strong. `SS` statement: 01, 02. `RR` repetition: 01, 02.
/// - `AA` actor, 01–24: odd numbers male, even female.
///
/// Entries have speaker `Actor_AA` (as the corpus's folders are named) and gender; no session.
public struct RAVDESSImporter: FileNameConvention {
    /// Whether song recordings (vocal channel 02) are imported.
    public var includeSong: Bool

    public init(includeSong: Bool = false) { self.includeSong = includeSong }

    public var corpusName: String { "RAVDESS" }

    /// Emotion code (1…8) → label.
    public static let emotions = ["neutral", "calm", "happy", "sad", "angry", "fear", "disgust", "surprise"]

    public func entry(forRelativePath relativePath: String) -> Result<ManifestEntry, DropReason> {
        let parts = relativePath.fileStem.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 7, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCIIDigit) }) else {
            return .failure(.unrecognisedName(expected: "MM-CC-EE-II-SS-RR-AA.wav (e.g. 03-01-06-01-02-01-12.wav)"))
        }
        let codes = parts.map { Int($0) ?? 0 }
        let checks: [(String, Int, ClosedRange<Int>)] = [
            ("modality", codes[0], 1...3), ("vocal channel", codes[1], 1...2), ("emotion", codes[2], 1...8),
            ("intensity", codes[3], 1...2), ("statement", codes[4], 1...2), ("repetition", codes[5], 1...2),
            ("actor", codes[6], 1...24),
        ]
        for (i, (field, value, range)) in checks.enumerated() where !range.contains(value) {
            return .failure(.invalidCode(field: field, value: String(parts[i])))
        }
        if codes[1] == 2 && !includeSong { return .failure(.excludedByOption("song recording (vocal channel 02)")) }
        let actor = codes[6]
        return .success(ManifestEntry(path: relativePath, label: Self.emotions[codes[2] - 1],
                                      speaker: "Actor_" + String(parts[6]),
                                      gender: actor % 2 == 1 ? "male" : "female"))
    }
}
