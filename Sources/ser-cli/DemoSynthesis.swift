import Foundation
import SERTensor

// TODO: once SERAudio is merged, move this synthesis next to SERAudio's test-signal helpers (or keep it
// here as demo-only code) and have `ser-cli demo` write the sound as WAV with SERAudio and read it back.

/// A synthetic sustained vowel made by source-filter synthesis, for the demo until a corpus exists.
///
/// Source: a Rosenberg glottal pulse train (open quotient 0.56: 40% opening, 16% closing) whose pitch
/// follows a piecewise-linear contour with a slight vibrato, differentiated once (lip radiation), plus
/// a little seeded aspiration noise. Filter: a cascade of Klatt two-pole resonators at the formants of
/// an open back vowel /ɑ/ (Peterson & Barney, adult male). The result has raised-cosine attack and
/// release ramps and is scaled to a peak of `peakDBFS`.
struct DemoVowel {
    /// Samples per second.
    var sampleRate: Double = 16_000
    /// Length in seconds.
    var duration: Double = 1.5
    /// Pitch contour: (time as a fraction of `duration`, F0 in Hz), piecewise linear.
    var pitchContour: [(Double, Double)] = [(0, 110), (0.35, 190), (0.7, 140), (1, 95)]
    /// Vibrato rate (Hz) and depth (fraction of F0).
    var vibrato: (rate: Double, depth: Double) = (5.5, 0.01)
    /// Formant frequencies and bandwidths in Hz.
    var formants: [(frequency: Double, bandwidth: Double)] = [(730, 90), (1090, 110), (2440, 170), (3400, 250)]
    /// Aspiration noise level relative to the voiced source's RMS, in dB.
    var noiseDB: Double = -30
    /// Attack and release ramp lengths in seconds.
    var attack: Double = 0.04, release: Double = 0.08
    /// Peak level of the result in dBFS.
    var peakDBFS: Double = -3
    /// Seed of the aspiration noise.
    var seed: UInt64 = 7

    /// F0 in Hz at time `t` seconds, without vibrato.
    func contourF0(at t: Double) -> Double {
        let x = min(max(t / duration, 0), 1)
        for i in 1..<pitchContour.count where x <= pitchContour[i].0 {
            let (x0, f0) = pitchContour[i - 1], (x1, f1) = pitchContour[i]
            return f0 + (f1 - f0) * (x - x0) / max(x1 - x0, 1e-12)
        }
        return pitchContour[pitchContour.count - 1].1
    }

    /// F0 in Hz at time `t` seconds, with vibrato.
    func f0(at t: Double) -> Double {
        contourF0(at: t) * (1 + vibrato.depth * sin(2 * Double.pi * vibrato.rate * t))
    }

    /// The samples, mono, in [-1, 1].
    func render() -> [Float] {
        let n = Int((duration * sampleRate).rounded())
        var rng = RandomGenerator(seed: seed)
        // Glottal flow (Rosenberg), phase-accumulated so the pitch can change every sample.
        var flow = [Double](repeating: 0, count: n)
        var phase = 0.0
        let openEnd = 0.40, closeEnd = 0.56
        for i in 0..<n {
            let p = phase
            if p < openEnd {
                flow[i] = 0.5 * (1 - cos(Double.pi * p / openEnd))
            } else if p < closeEnd {
                flow[i] = cos(0.5 * Double.pi * (p - openEnd) / (closeEnd - openEnd))
            }
            phase += f0(at: Double(i) / sampleRate) / sampleRate
            phase -= phase.rounded(.down)
        }
        // Lip radiation: first difference. Then aspiration noise, gated by the open phase's flow.
        var source = [Double](repeating: 0, count: n)
        for i in 1..<n { source[i] = flow[i] - flow[i - 1] }
        let sourceRMS = (source.reduce(0) { $0 + $1 * $1 } / Double(max(n, 1))).squareRoot()
        let noiseGain = sourceRMS * pow(10, noiseDB / 20)
        for i in 0..<n { source[i] += noiseGain * rng.nextNormal() * (0.5 + flow[i]) }
        // Vocal tract: cascade of resonators.
        var y = source
        for f in formants { y = DemoVowel.resonate(y, frequency: f.frequency, bandwidth: f.bandwidth, sampleRate: sampleRate) }
        // Attack / release ramps, then scale to the target peak.
        let na = Int(attack * sampleRate), nr = Int(release * sampleRate)
        for i in 0..<min(na, n) { y[i] *= 0.5 * (1 - cos(Double.pi * Double(i) / Double(na))) }
        for i in 0..<min(nr, n) { y[n - 1 - i] *= 0.5 * (1 - cos(Double.pi * Double(i) / Double(nr))) }
        let peak = y.reduce(0) { max($0, abs($1)) }
        let gain = peak > 0 ? pow(10, peakDBFS / 20) / peak : 0
        return y.map { Float($0 * gain) }
    }

    /// Klatt's digital resonator `y[n] = A·x[n] + B·y[n-1] + C·y[n-2]`, unity gain at 0 Hz.
    static func resonate(_ x: [Double], frequency: Double, bandwidth: Double, sampleRate: Double) -> [Double] {
        let t = 1 / sampleRate
        let c = -exp(-2 * Double.pi * bandwidth * t)
        let b = 2 * exp(-Double.pi * bandwidth * t) * cos(2 * Double.pi * frequency * t)
        let a = 1 - b - c
        var y = [Double](repeating: 0, count: x.count)
        var y1 = 0.0, y2 = 0.0
        for i in 0..<x.count {
            let v = a * x[i] + b * y1 + c * y2
            y[i] = v
            y2 = y1
            y1 = v
        }
        return y
    }
}
