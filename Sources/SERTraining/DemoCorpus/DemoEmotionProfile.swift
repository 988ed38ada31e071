import SERTensor

/// A normal distribution clipped to `[minimum, maximum]`: one parameter of an emotion profile.
public struct DemoDistribution: Codable, Sendable, Equatable {
    /// Mean at full emotional intensity.
    public var mean: Double
    /// Standard deviation around the (intensity-scaled) mean, within one class.
    public var sd: Double
    /// Hard bounds of a drawn value.
    public var minimum: Double, maximum: Double

    public init(_ mean: Double, sd: Double, in range: ClosedRange<Double>) {
        self.mean = mean
        self.sd = sd
        minimum = range.lowerBound
        maximum = range.upperBound
    }

    /// A draw for an utterance: `reference + intensity · (mean − reference) + sd · N(0, 1)`, clipped.
    ///
    /// `reference` is the neutral profile's mean, so `intensity` 0 speaks neutrally (with this class's
    /// spread) and 1 gives the full emotional mean; values above 1 exaggerate.
    func draw(reference: Double, intensity: Double, using rng: inout RandomGenerator) -> Double {
        let centre = reference + intensity * (mean - reference)
        return min(max(centre + sd * rng.nextNormal(), minimum), maximum)
    }
}

/// How an emotion shapes prosody and voice quality in the demo corpus.
///
/// Every continuous parameter is a ``DemoDistribution``. An utterance draws an intensity
/// `s ~ U[0.5, 1.0]` (how strongly the emotion shows; times the speaker's expressiveness) and then
/// each parameter as `neutral mean + s · (class mean − neutral mean) + sd · N(0, 1)`: classes overlap,
/// mild utterances sound nearly neutral, and expressive speakers differ more between classes.
///
/// The values, as (mean ± sd):
///
/// | parameter | unit | neutral | happy | sad | angry |
/// |---|---|---|---|---|---|
/// | pitchShift | semitones re the speaker's base F0 | 0 ± 1.2 | +4 ± 1.5 | −2.5 ± 1.2 | +2.5 ± 1.5 |
/// | pitchRange | semitones of accent excursion | 4 ± 1 | 7.5 ± 1.8 | 2.2 ± 0.8 | 5 ± 1.5 |
/// | declination | semitones per phrase | 2.5 ± 0.8 | 2 ± 0.8 | 1.5 ± 0.6 | 3.5 ± 1 |
/// | accentTiming | fraction of the vowel, peak delay | 0 ± 0.15 | +0.3 ± 0.15 | 0 ± 0.15 | −0.25 ± 0.15 |
/// | tempo | duration factor (> 1 slower) | 1 ± 0.07 | 0.95 ± 0.07 | 1.25 ± 0.1 | 0.84 ± 0.07 |
/// | loudness | dB re the speaker's neutral level | 0 ± 2 | +2 ± 2 | −3.5 ± 2 | +5.5 ± 2 |
/// | openQuotient | glottal open phase / period | 0.6 ± 0.05 | 0.56 ± 0.05 | 0.68 ± 0.05 | 0.42 ± 0.05 |
/// | spectralTilt | dB attenuation at 3 kHz | 8 ± 2.5 | 6 ± 2.5 | 13 ± 2.5 | 0.5 ± 1.5 |
/// | breathiness | dB aspiration re voicing | −28 ± 3 | −27 ± 3 | −23 ± 3 | −31 ± 3 |
/// | jitter | % period perturbation (sd) | 0.7 ± 0.2 | 0.9 ± 0.25 | 1.2 ± 0.3 | 1.4 ± 0.35 |
/// | shimmer | % amplitude perturbation (sd) | 3 ± 1 | 4 ± 1 | 5 ± 1.3 | 6 ± 1.5 |
/// | pauseDuration | seconds | 0.25 ± 0.06 | 0.2 ± 0.05 | 0.42 ± 0.1 | 0.15 ± 0.04 |
/// | vowelOpenness | F1 factor | 1 ± 0.03 | 1.05 ± 0.03 | 0.96 ± 0.03 | 1.09 ± 0.03 |
/// | vowelReduction | fraction towards schwa | 0.1 ± 0.05 | 0.05 ± 0.05 | 0.3 ± 0.08 | 0.05 ± 0.05 |
/// | accentEmphasis | dB on accented syllables | 2 ± 0.7 | 2.5 ± 0.8 | 0.8 ± 0.5 | 4 ± 1 |
///
/// Probabilities (interpolated by intensity like the means): pitch accent per word 0.45 / 0.6 / 0.25 /
/// 0.7, final rise 0.1 / 0.35 / 0.03 / 0.05, pause between words 0.15 / 0.12 / 0.3 / 0.1
/// (neutral / happy / sad / angry).
public struct DemoEmotionProfile: Codable, Sendable, Equatable {
    /// Mean F0 relative to the speaker's base F0, in semitones.
    public var pitchShift: DemoDistribution
    /// Size of pitch accents and boundary tones in semitones (scaled by the speaker's range).
    public var pitchRange: DemoDistribution
    /// Fall of the F0 baseline across a phrase, in semitones.
    public var declination: DemoDistribution
    /// Where an accent's F0 peak sits, as a fraction of its vowel's duration after the vowel's centre
    /// (negative: early and abrupt; positive: late, rising through the vowel).
    public var accentTiming: DemoDistribution
    /// Factor on segment durations (vowels fully, consonants partly): > 1 is slower.
    public var tempo: DemoDistribution
    /// Active speech level relative to the speaker's neutral level, in dB.
    public var loudness: DemoDistribution
    /// Glottal open quotient (fraction of each period the glottis is open): low is pressed and bright,
    /// high is lax and dull.
    public var openQuotient: DemoDistribution
    /// Spectral tilt of the voice source: attenuation at 3 kHz by a one-pole low-pass, in dB.
    public var spectralTilt: DemoDistribution
    /// Aspiration noise in voiced speech relative to the voice source, in dB.
    public var breathiness: DemoDistribution
    /// Period-to-period F0 perturbation (standard deviation), in percent.
    public var jitter: DemoDistribution
    /// Period-to-period amplitude perturbation (standard deviation), in percent.
    public var shimmer: DemoDistribution
    /// Length of a pause between phrases, in seconds.
    public var pauseDuration: DemoDistribution
    /// Factor on F1 (mouth opening).
    public var vowelOpenness: DemoDistribution
    /// How far vowel formants move towards schwa's (0 = full targets, 1 = all schwa).
    public var vowelReduction: DemoDistribution
    /// Extra level on accented syllables, in dB.
    public var accentEmphasis: DemoDistribution
    /// Probability that a word carries a pitch accent.
    public var accentProbability: Double
    /// Probability that the utterance ends in a rise rather than a fall.
    public var finalRiseProbability: Double
    /// Probability of a pause (phrase break) between two words.
    public var pauseProbability: Double

    public static let neutral = DemoEmotionProfile(
        pitchShift: .init(0, sd: 1.2, in: -8...10), pitchRange: .init(4, sd: 1, in: 1...12),
        declination: .init(2.5, sd: 0.8, in: 0...6), accentTiming: .init(0, sd: 0.15, in: -0.6...0.6),
        tempo: .init(1, sd: 0.07, in: 0.7...1.6), loudness: .init(0, sd: 2, in: -12...12),
        openQuotient: .init(0.6, sd: 0.05, in: 0.35...0.8), spectralTilt: .init(8, sd: 2.5, in: 0...24),
        breathiness: .init(-28, sd: 3, in: -40 ... -12), jitter: .init(0.7, sd: 0.2, in: 0.2...3),
        shimmer: .init(3, sd: 1, in: 0.5...12), pauseDuration: .init(0.25, sd: 0.06, in: 0.08...0.7),
        vowelOpenness: .init(1, sd: 0.03, in: 0.85...1.2), vowelReduction: .init(0.1, sd: 0.05, in: 0...0.6),
        accentEmphasis: .init(2, sd: 0.7, in: 0...7),
        accentProbability: 0.45, finalRiseProbability: 0.1, pauseProbability: 0.15)

    public static let happy = DemoEmotionProfile(
        pitchShift: .init(4, sd: 1.5, in: -8...10), pitchRange: .init(7.5, sd: 1.8, in: 1...12),
        declination: .init(2, sd: 0.8, in: 0...6), accentTiming: .init(0.3, sd: 0.15, in: -0.6...0.6),
        tempo: .init(0.95, sd: 0.07, in: 0.7...1.6), loudness: .init(2, sd: 2, in: -12...12),
        openQuotient: .init(0.56, sd: 0.05, in: 0.35...0.8), spectralTilt: .init(6, sd: 2.5, in: 0...24),
        breathiness: .init(-27, sd: 3, in: -40 ... -12), jitter: .init(0.9, sd: 0.25, in: 0.2...3),
        shimmer: .init(4, sd: 1, in: 0.5...12), pauseDuration: .init(0.2, sd: 0.05, in: 0.08...0.7),
        vowelOpenness: .init(1.05, sd: 0.03, in: 0.85...1.2), vowelReduction: .init(0.05, sd: 0.05, in: 0...0.6),
        accentEmphasis: .init(2.5, sd: 0.8, in: 0...7),
        accentProbability: 0.6, finalRiseProbability: 0.35, pauseProbability: 0.12)

    public static let sad = DemoEmotionProfile(
        pitchShift: .init(-2.5, sd: 1.2, in: -8...10), pitchRange: .init(2.2, sd: 0.8, in: 1...12),
        declination: .init(1.5, sd: 0.6, in: 0...6), accentTiming: .init(0, sd: 0.15, in: -0.6...0.6),
        tempo: .init(1.25, sd: 0.1, in: 0.7...1.6), loudness: .init(-3.5, sd: 2, in: -12...12),
        openQuotient: .init(0.68, sd: 0.05, in: 0.35...0.8), spectralTilt: .init(13, sd: 2.5, in: 0...24),
        breathiness: .init(-23, sd: 3, in: -40 ... -12), jitter: .init(1.2, sd: 0.3, in: 0.2...3),
        shimmer: .init(5, sd: 1.3, in: 0.5...12), pauseDuration: .init(0.42, sd: 0.1, in: 0.08...0.7),
        vowelOpenness: .init(0.96, sd: 0.03, in: 0.85...1.2), vowelReduction: .init(0.3, sd: 0.08, in: 0...0.6),
        accentEmphasis: .init(0.8, sd: 0.5, in: 0...7),
        accentProbability: 0.25, finalRiseProbability: 0.03, pauseProbability: 0.3)

    public static let angry = DemoEmotionProfile(
        pitchShift: .init(2.5, sd: 1.5, in: -8...10), pitchRange: .init(5, sd: 1.5, in: 1...12),
        declination: .init(3.5, sd: 1, in: 0...6), accentTiming: .init(-0.25, sd: 0.15, in: -0.6...0.6),
        tempo: .init(0.84, sd: 0.07, in: 0.7...1.6), loudness: .init(5.5, sd: 2, in: -12...12),
        openQuotient: .init(0.42, sd: 0.05, in: 0.35...0.8), spectralTilt: .init(0.5, sd: 1.5, in: 0...24),
        breathiness: .init(-31, sd: 3, in: -40 ... -12), jitter: .init(1.4, sd: 0.35, in: 0.2...3),
        shimmer: .init(6, sd: 1.5, in: 0.5...12), pauseDuration: .init(0.15, sd: 0.04, in: 0.08...0.7),
        vowelOpenness: .init(1.09, sd: 0.03, in: 0.85...1.2), vowelReduction: .init(0.05, sd: 0.05, in: 0...0.6),
        accentEmphasis: .init(4, sd: 1, in: 0...7),
        accentProbability: 0.7, finalRiseProbability: 0.05, pauseProbability: 0.1)

    /// Range of the per-utterance emotional intensity `s` (uniform).
    public static let intensityRange: ClosedRange<Double> = 0.5...1.0
}
