import Foundation

/// eGeMAPS loudness: openSMILE's `cPlp` auditory spectrum summed by `cVectorOperation ll1`.
///
/// The 26-band mel power spectrum (20–8000 Hz, 20 ms Hamming frames) is floored at `9.3e-10`, weighted
/// by the equal-loudness curve at each band centre
/// `E(ω) = 1e32·(ω² + 56.8e6)·ω⁴ / ((ω² + 6.3e6)²·(ω² + 0.38e9)·(ω⁵ + 1.7e31))`, `ω = 2πf`, compressed by
/// the power law of hearing (exponent 0.33), and averaged over the bands. Units: openSMILE's (sone-like,
/// for samples in [−1, 1]).
struct SmileLoudness: Sendable {
    let bands: SmileMelBands
    private let equalLoudness: [Double]
    static let melFloor = 0.00000000093
    static let compression = 0.33

    init(binCount: Int, binHz: Double) {
        bands = SmileMelBands(bandCount: 26, lowHz: 20, highHz: 8000, binCount: binCount, binHz: binHz)
        equalLoudness = bands.centreHz.map(Self.equalLoudnessWeight)
    }

    static func equalLoudnessWeight(_ hz: Double) -> Double {
        let w = 2 * Double.pi * hz
        let w2 = w * w
        let c = w2 + 6_300_000.0
        guard c > 0 else { return 0 }
        return 1e32 * ((w2 + 56.8e6) * w2 * w2) / (c * c * (w2 + 0.38e9) * (w2 * w2 * w2 * w + 1.7e31))
    }

    /// Loudness of one magnitude spectrum.
    func loudness(_ magnitudes: ArraySlice<Double>) -> Double {
        let e = bands.energies(magnitudes)
        var sum = 0.0
        for (i, v) in e.enumerated() {
            sum += pow(max(v, Self.melFloor) * equalLoudness[i], Self.compression)
        }
        return sum / Double(e.count)
    }
}

/// eGeMAPS MFCC 1–4: openSMILE's `cMelspec` (26 bands, 20–8000 Hz, power, HTK scaling by 32767²) and
/// `cMfcc` (natural log floored at 1, DCT-II `√(2/26)·Σ_m log E_m·cos(πi(m + ½)/26)`, sinusoidal lifter 22).
struct SmileMFCC: Sendable {
    let bands: SmileMelBands
    private let basis: [[Double]]
    static let coefficients = 1...4

    init(binCount: Int, binHz: Double) {
        let bandCount = 26
        bands = SmileMelBands(bandCount: bandCount, lowHz: 20, highHz: 8000, binCount: binCount, binHz: binHz)
        let m = Double(bandCount), lifter = 22.0
        let factor = (2.0 / m).squareRoot()
        basis = Self.coefficients.map { i in
            let lift = 1.0 + lifter / 2.0 * sin(Double.pi * Double(i) / lifter)
            return (0..<bandCount).map { b in
                cos(Double.pi * Double(i) / m * (Double(b) + 0.5)) * lift * factor
            }
        }
    }

    /// MFCC 1–4 of one magnitude spectrum.
    func mfcc(_ magnitudes: ArraySlice<Double>) -> [Double] {
        let scale = 32767.0 * 32767.0
        let logs = bands.energies(magnitudes).map { log(max($0 * scale, 1.0)) }
        return basis.map { row in zip(row, logs).reduce(0) { $0 + $1.0 * $1.1 } }
    }
}
