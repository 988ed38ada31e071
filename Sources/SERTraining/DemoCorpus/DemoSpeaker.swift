import Foundation
import SERTensor

/// One synthetic speaker of the demo corpus: the voice every emotion starts from.
///
/// Speakers alternate female (even index) and male (odd index), so any even count is balanced.
/// Within a gender, base F0 and vocal-tract length are spread over their ranges by a low-discrepancy
/// sequence (so four speakers of a gender never all sound alike), with a little seeded jitter; the
/// other traits are drawn uniformly. Speaker `k` depends only on `k` and the corpus seed, not on how
/// many speakers the corpus has.
public struct DemoSpeaker: Codable, Sendable, Equatable {
    public enum Gender: String, Codable, Sendable {
        case female = "F", male = "M"
    }

    /// Manifest id, `S01`, `S02`, ...
    public var id: String
    public var gender: Gender
    /// Neutral speaking F0 in Hz: 170–240 (female), 90–140 (male).
    public var baseF0: Double
    /// Factor on every emotion's pitch range: 0.75–1.3.
    public var rangeScale: Double
    /// Factor on all formant frequencies (a shorter vocal tract has higher formants): 1.08–1.22
    /// (female), 0.92–1.04 (male); 1 is the adult male reference of the vowel table.
    public var formantScale: Double
    /// Speaking-rate factor on durations (> 1 slower): 0.9–1.12.
    public var tempo: Double
    /// dB added to every emotion's spectral tilt: −2–3.
    public var tiltOffset: Double
    /// dB added to every emotion's breathiness: −3–5 (female voices a little breathier).
    public var breathinessOffset: Double
    /// Factor on the emotional intensity of every utterance: 0.7–1.2.
    public var expressiveness: Double
    /// Recording level of neutral speech, in dBFS (active speech level): −30 to −25.
    public var level: Double

    /// Speaker `index` (0-based) of the corpus with `seed`.
    public static func make(index: Int, seed: UInt64) -> DemoSpeaker {
        var rng = RandomGenerator(seed: DemoSeed.mix(seed, 0x5EA4_E500, UInt64(index)))
        let female = index % 2 == 0
        let rank = Double(index / 2)
        func spread(_ offset: Double, _ step: Double) -> Double {
            let u = offset + rank * step + rng.uniform(-0.06, 0.06)
            return u - u.rounded(.down)
        }
        let pitchPosition = spread(0.15, 0.618_034)
        let tractPosition = spread(0.55, 0.414_214)
        let baseF0 = female ? 170 + 70 * pitchPosition : 90 + 50 * pitchPosition
        let formantScale = female ? 1.08 + 0.14 * tractPosition : 0.92 + 0.12 * tractPosition
        return DemoSpeaker(
            id: String(format: "S%02d", index + 1), gender: female ? .female : .male, baseF0: baseF0,
            rangeScale: rng.uniform(0.75, 1.3), formantScale: formantScale, tempo: rng.uniform(0.9, 1.12),
            tiltOffset: rng.uniform(-2, 3), breathinessOffset: rng.uniform(-3, 2) + (female ? 3 : 0),
            expressiveness: rng.uniform(0.7, 1.2), level: rng.uniform(-30, -25))
    }
}

/// Seed mixing (SplitMix64's finaliser) so each speaker and utterance gets its own stream, derived
/// from the corpus seed and its indices alone.
enum DemoSeed {
    static func mix(_ values: UInt64...) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for v in values {
            h = finalise(h ^ finalise(v &+ 0x9E37_79B9_7F4A_7C15))
        }
        return h
    }

    private static func finalise(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
