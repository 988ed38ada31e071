import Foundation
import SERTensor

/// One utterance of the demo corpus: who says it, with which emotion, and the seed of everything
/// random in it. Synthesis is a pure function of these values.
public struct DemoUtterance: Codable, Sendable, Equatable {
    public var speaker: DemoSpeaker
    public var emotion: DemoEmotion
    /// 0-based index among this speaker's utterances of this emotion.
    public var index: Int
    /// Seed of the utterance's random stream; derived from the corpus seed, the speaker index, the
    /// emotion and `index` only (so it does not depend on the corpus size or on thread scheduling).
    public var seed: UInt64

    public init(speaker: DemoSpeaker, emotion: DemoEmotion, index: Int, seed: UInt64) {
        self.speaker = speaker
        self.emotion = emotion
        self.index = index
        self.seed = seed
    }

    /// Path of its WAV file relative to the corpus folder: `wav/S01/S01_angry_003.wav` (1-based number).
    public var relativePath: String {
        "wav/\(speaker.id)/\(speaker.id)_\(emotion.label)_\(String(format: "%03d", index + 1)).wav"
    }

    /// The samples: mono, ``DemoCorpus/sampleRate`` Hz, peak at most −1 dBFS, 1.5–4 s long.
    /// Bit-identical for equal utterances.
    public func samples() -> [Float] {
        var rng = RandomGenerator(seed: seed)
        let params = DemoUtteranceParameters.draw(emotion: emotion, speaker: speaker, using: &rng)
        var planner = DemoUtterancePlanner(speaker: speaker, params: params, rng: rng.split())
        let tracks = planner.plan()
        var renderRNG = rng.split()
        return DemoRenderer.render(tracks, params: params, formantScale: speaker.formantScale, using: &renderRNG)
    }
}
