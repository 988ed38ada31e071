import Foundation

/// What ``DemoCorpus/generateWithSummary(to:speakers:utterancesPerSpeakerPerClass:emotions:seed:)``
/// wrote: counts per class and per speaker, durations, and the speakers' traits. Its
/// ``description`` is the text of `summary.txt`.
public struct DemoCorpusSummary: Sendable, CustomStringConvertible {
    /// The corpus folder and its manifest.
    public var directory: URL
    public var manifest: URL
    public var seed: UInt64
    public var speakers: [DemoSpeaker]
    public var emotions: [DemoEmotion]
    /// Every utterance, in manifest order, with its length in seconds.
    public var utterances: [DemoUtterance]
    public var durations: [Double]

    /// Utterances per label and per speaker id.
    public var countsPerLabel: [String: Int] {
        Dictionary(utterances.map { ($0.emotion.label, 1) }, uniquingKeysWith: +)
    }

    public var countsPerSpeaker: [String: Int] {
        Dictionary(utterances.map { ($0.speaker.id, 1) }, uniquingKeysWith: +)
    }

    /// Total audio in seconds.
    public var totalDuration: Double { durations.reduce(0, +) }

    public var description: String {
        var lines = [String]()
        lines.append("SwiftSER demo corpus (synthetic emotional speech)")
        lines.append("seed \(seed); \(utterances.count) utterances, \(speakers.count) speakers, "
                     + "\(emotions.count) classes; 16 kHz mono 16-bit WAV")
        lines.append(String(format: "total %.1f s; utterances %.2f–%.2f s (mean %.2f s)", totalDuration,
                            durations.min() ?? 0, durations.max() ?? 0,
                            durations.isEmpty ? 0 : totalDuration / Double(durations.count)))
        lines.append("manifest: \(manifest.lastPathComponent) (paths relative to this folder)")
        lines.append("")
        lines.append("Per class:")
        let perLabel = countsPerLabel
        for e in emotions { lines.append("  \(e.label.padding(toLength: 8, withPad: " ", startingAt: 0)) \(perLabel[e.label] ?? 0)") }
        lines.append("")
        lines.append("Per speaker:  id  gender  base F0  formant scale  range  tempo  utterances")
        let perSpeaker = countsPerSpeaker
        for s in speakers {
            lines.append("              \(s.id)  \(s.gender.rawValue)       "
                         + String(format: "%5.1f Hz  %.3f          %.2f   %.2f   %d", s.baseF0, s.formantScale,
                                  s.rangeScale, s.tempo, perSpeaker[s.id] ?? 0))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
