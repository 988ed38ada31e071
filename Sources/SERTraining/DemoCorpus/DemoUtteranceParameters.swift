import SERTensor

/// Everything drawn once per utterance from its emotion's profile and its speaker (units as in
/// ``DemoEmotionProfile``; speaker traits already applied where noted).
struct DemoUtteranceParameters {
    /// Emotional intensity: `U[0.5, 1] · speaker expressiveness`.
    var intensity: Double
    var pitchShift: Double
    /// Accent size in semitones, including the speaker's range scale.
    var pitchRange: Double
    var declination: Double
    var accentTiming: Double
    /// Duration factor including the speaker's rate.
    var tempo: Double
    /// Active speech level in dBFS (speaker level + emotion loudness + a little recording variation).
    var level: Double
    var openQuotient: Double
    /// dB at 3 kHz, including the speaker's offset.
    var spectralTilt: Double
    /// dB, including the speaker's offset.
    var breathiness: Double
    /// Fractions (not percent).
    var jitter: Double, shimmer: Double
    var pauseDuration: Double
    var vowelOpenness: Double
    var vowelReduction: Double
    var accentEmphasis: Double
    var accentProbability: Double, finalRiseProbability: Double, pauseProbability: Double
    /// Planned length of the utterance in seconds (the result may differ by a word's length).
    var targetDuration: Double

    static func draw(emotion: DemoEmotion, speaker: DemoSpeaker, using rng: inout RandomGenerator) -> Self {
        let p = emotion.profile, n = DemoEmotionProfile.neutral
        let r = DemoEmotionProfile.intensityRange
        let s = rng.uniform(r.lowerBound, r.upperBound) * speaker.expressiveness
        func d(_ kp: KeyPath<DemoEmotionProfile, DemoDistribution>) -> Double {
            p[keyPath: kp].draw(reference: n[keyPath: kp].mean, intensity: s, using: &rng)
        }
        func prob(_ kp: KeyPath<DemoEmotionProfile, Double>) -> Double {
            min(max(n[keyPath: kp] + s * (p[keyPath: kp] - n[keyPath: kp]), 0), 1)
        }
        // Draw order is fixed: it defines the stream.
        let pitchShift = d(\.pitchShift), pitchRange = d(\.pitchRange) * speaker.rangeScale
        let declination = d(\.declination), accentTiming = d(\.accentTiming)
        let tempo = d(\.tempo) * speaker.tempo
        let loudness = d(\.loudness)
        let oq = d(\.openQuotient), tilt = max(0, d(\.spectralTilt) + speaker.tiltOffset)
        let breathiness = d(\.breathiness) + speaker.breathinessOffset
        let jitter = d(\.jitter) / 100, shimmer = d(\.shimmer) / 100
        let pause = d(\.pauseDuration), openness = d(\.vowelOpenness), reduction = d(\.vowelReduction)
        let emphasis = d(\.accentEmphasis)
        let level = speaker.level + loudness + rng.uniform(-1.5, 1.5)
        let duration = rng.uniform(1.7, 3.5)
        return DemoUtteranceParameters(
            intensity: s, pitchShift: pitchShift, pitchRange: pitchRange, declination: declination,
            accentTiming: accentTiming, tempo: tempo, level: level, openQuotient: oq, spectralTilt: tilt,
            breathiness: breathiness, jitter: jitter, shimmer: shimmer, pauseDuration: pause,
            vowelOpenness: openness, vowelReduction: reduction, accentEmphasis: emphasis,
            accentProbability: prob(\.accentProbability), finalRiseProbability: prob(\.finalRiseProbability),
            pauseProbability: prob(\.pauseProbability), targetDuration: duration)
    }
}
