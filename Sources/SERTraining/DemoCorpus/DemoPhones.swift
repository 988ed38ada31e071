/// Four formant frequencies or bandwidths in Hz (F1...F4).
struct DemoFormants: Equatable {
    var f1, f2, f3, f4: Double

    init(_ f1: Double, _ f2: Double, _ f3: Double, _ f4: Double) {
        self.f1 = f1; self.f2 = f2; self.f3 = f3; self.f4 = f4
    }

    /// `self + t · (other − self)`.
    func mixed(with other: DemoFormants, _ t: Double) -> DemoFormants {
        DemoFormants(f1 + t * (other.f1 - f1), f2 + t * (other.f2 - f2), f3 + t * (other.f3 - f3), f4 + t * (other.f4 - f4))
    }

    func scaled(_ s: Double) -> DemoFormants { DemoFormants(f1 * s, f2 * s, f3 * s, f4 * s) }
}

/// The phone inventory of the demo corpus: targets for an adult male vocal tract (scaled per speaker).
///
/// Vowel formants are Peterson & Barney's (1952) adult male means, plus /e/ and /o/; consonant
/// "formants" are loci the neighbouring vowels' transitions start from or head to. Durations are at
/// tempo 1 and are ranges drawn uniformly.
enum DemoPhones {
    /// A vowel: symbol and F1...F4 in Hz.
    struct Vowel {
        var symbol: String
        var formants: DemoFormants
    }

    enum Manner: Equatable {
        /// Closure (silent, or a voice bar when voiced), burst, then aspiration when voiceless.
        case stop
        /// Turbulence noise through a band-pass; voiced fricatives add weaker voicing.
        case fricative
        /// Aspiration through the following vowel's formants (/h/).
        case aspirate
        /// Voicing through low, wide nasal formants.
        case nasal
        /// Voicing through vowel-like formants (/l r w j/).
        case approximant
    }

    /// A consonant.
    struct Consonant {
        var symbol: String
        var manner: Manner
        var voiced: Bool
        /// Formant loci in Hz.
        var loci: DemoFormants
        /// Centre and bandwidth (Hz) of the burst or frication band-pass; unused by nasals and approximants.
        var noiseCentre: Double = 0, noiseBandwidth: Double = 0
        /// Linear amplitude of the burst or frication noise.
        var noiseLevel: Double = 0
        /// Duration range (s) of the consonant (of the closure, for stops).
        var duration: ClosedRange<Double>
    }

    static let schwa = DemoFormants(500, 1500, 2500, 3500)

    static let vowels: [Vowel] = [
        Vowel(symbol: "i", formants: .init(270, 2290, 3010, 3700)),
        Vowel(symbol: "ɪ", formants: .init(390, 1990, 2550, 3600)),
        Vowel(symbol: "e", formants: .init(420, 2050, 2600, 3500)),
        Vowel(symbol: "ɛ", formants: .init(530, 1840, 2480, 3500)),
        Vowel(symbol: "æ", formants: .init(660, 1720, 2410, 3500)),
        Vowel(symbol: "ɑ", formants: .init(730, 1090, 2440, 3400)),
        Vowel(symbol: "ʌ", formants: .init(640, 1190, 2390, 3400)),
        Vowel(symbol: "ɔ", formants: .init(570, 840, 2410, 3400)),
        Vowel(symbol: "o", formants: .init(460, 900, 2350, 3400)),
        Vowel(symbol: "ʊ", formants: .init(440, 1020, 2240, 3400)),
        Vowel(symbol: "u", formants: .init(300, 870, 2240, 3400)),
        Vowel(symbol: "ɝ", formants: .init(490, 1350, 1690, 3300)),
    ]

    static let labial = DemoFormants(300, 900, 2200, 3300)
    static let alveolar = DemoFormants(300, 1700, 2600, 3400)
    static let velar = DemoFormants(300, 2000, 2400, 3300)
    static let palatal = DemoFormants(300, 1900, 2500, 3300)

    static let consonants: [Consonant] = [
        Consonant(symbol: "p", manner: .stop, voiced: false, loci: labial, noiseCentre: 1200, noiseBandwidth: 2000,
                  noiseLevel: 0.25, duration: 0.05...0.075),
        Consonant(symbol: "t", manner: .stop, voiced: false, loci: alveolar, noiseCentre: 4200, noiseBandwidth: 2500,
                  noiseLevel: 0.45, duration: 0.045...0.07),
        Consonant(symbol: "k", manner: .stop, voiced: false, loci: velar, noiseCentre: 2200, noiseBandwidth: 900,
                  noiseLevel: 0.45, duration: 0.045...0.07),
        Consonant(symbol: "b", manner: .stop, voiced: true, loci: labial, noiseCentre: 1200, noiseBandwidth: 2000,
                  noiseLevel: 0.15, duration: 0.045...0.065),
        Consonant(symbol: "d", manner: .stop, voiced: true, loci: alveolar, noiseCentre: 4000, noiseBandwidth: 2500,
                  noiseLevel: 0.25, duration: 0.04...0.06),
        Consonant(symbol: "g", manner: .stop, voiced: true, loci: velar, noiseCentre: 2200, noiseBandwidth: 900,
                  noiseLevel: 0.25, duration: 0.04...0.06),
        Consonant(symbol: "s", manner: .fricative, voiced: false, loci: alveolar, noiseCentre: 5200, noiseBandwidth: 2400,
                  noiseLevel: 0.35, duration: 0.08...0.12),
        Consonant(symbol: "z", manner: .fricative, voiced: true, loci: alveolar, noiseCentre: 5000, noiseBandwidth: 2400,
                  noiseLevel: 0.2, duration: 0.06...0.09),
        Consonant(symbol: "ʃ", manner: .fricative, voiced: false, loci: palatal, noiseCentre: 3000, noiseBandwidth: 1800,
                  noiseLevel: 0.35, duration: 0.08...0.12),
        Consonant(symbol: "f", manner: .fricative, voiced: false, loci: labial, noiseCentre: 4500, noiseBandwidth: 6000,
                  noiseLevel: 0.12, duration: 0.07...0.11),
        Consonant(symbol: "v", manner: .fricative, voiced: true, loci: labial, noiseCentre: 4500, noiseBandwidth: 6000,
                  noiseLevel: 0.07, duration: 0.05...0.08),
        Consonant(symbol: "h", manner: .aspirate, voiced: false, loci: schwa, noiseLevel: 0.3, duration: 0.05...0.08),
        Consonant(symbol: "m", manner: .nasal, voiced: true, loci: .init(250, 1100, 2300, 3300), duration: 0.05...0.075),
        Consonant(symbol: "n", manner: .nasal, voiced: true, loci: .init(250, 1600, 2500, 3400), duration: 0.045...0.07),
        Consonant(symbol: "l", manner: .approximant, voiced: true, loci: .init(360, 1300, 2700, 3400), duration: 0.045...0.065),
        Consonant(symbol: "r", manner: .approximant, voiced: true, loci: .init(350, 1150, 1600, 3200), duration: 0.045...0.065),
        Consonant(symbol: "w", manner: .approximant, voiced: true, loci: .init(300, 700, 2200, 3300), duration: 0.04...0.06),
        Consonant(symbol: "j", manner: .approximant, voiced: true, loci: .init(280, 2200, 2900, 3500), duration: 0.04...0.06),
    ]

    /// Indices into ``consonants`` usable as a syllable coda (no /h w j/).
    static let codaIndices: [Int] = consonants.indices.filter { !["h", "w", "j"].contains(consonants[$0].symbol) }

    /// Vowel bandwidths (Hz); nasal murmurs use ``nasalBandwidths``.
    static let vowelBandwidths = DemoFormants(80, 100, 150, 250)
    static let nasalBandwidths = DemoFormants(120, 300, 400, 400)
    /// Duration ranges (s) of vowels at tempo 1.
    static let unstressedVowel: ClosedRange<Double> = 0.06...0.09
    static let stressedVowel: ClosedRange<Double> = 0.10...0.15
    /// Burst length and voiceless-stop aspiration (voice onset time) in seconds.
    static let burst = 0.01
    static let aspiration: ClosedRange<Double> = 0.035...0.055
}
