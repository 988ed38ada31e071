import Foundation
import SERTensor

/// Renders control tracks to a waveform by source-filter synthesis (a simplified Klatt synthesiser).
///
/// - Voice source: the KLGLOTT88 glottal flow `u(x) = 6.75 x² (1 − x)` over the open phase
///   `x = phase / OQ < 1` (zero while closed), used through its derivative (which includes lip
///   radiation) in phase units, so its level does not depend on F0. Each period draws a jitter
///   factor on its length and a shimmer factor on its amplitude (normal, clipped to ±3 sd). A one-pole
///   low-pass sets the spectral tilt (dB at 3 kHz).
/// - Aspiration: white noise modulated by the glottal flow (breathiness, voiced frames; low-passed
///   with half the source's tilt), plus white noise by the `aspiration` track (/h/, voiceless-stop
///   release); both go through the vocal tract.
/// - Vocal tract: five Klatt resonators in cascade, F1–F4 from the tracks and a fixed F5
///   (4500 Hz × the speaker's formant scale, 350 Hz bandwidth), updated every 1 ms.
/// - Frication and bursts: the same noise through a 0 dB-peak band-pass, added in parallel.
/// - Output: a DC blocker (about 50 Hz), scaled so the active speech level (RMS over speech frames,
///   pauses excluded) is the utterance's level in dBFS, limited to a −1 dBFS peak, plus a noise
///   floor at −70 dBFS RMS and 5 ms fades at both ends.
enum DemoRenderer {
    static let sampleRate = 16_000.0
    /// Samples per 5 ms control frame.
    static let samplesPerFrame = 80
    /// Resonator coefficients are recomputed every `blockSize` samples.
    static let blockSize = 16
    /// Peak limit of the output (−1 dBFS).
    static let peakLimit = pow(10, -1.0 / 20)
    /// RMS of the background noise floor (−70 dBFS).
    static let noiseFloor = pow(10, -70.0 / 20)
    /// Gains that put frication and aspiration at speech-like levels relative to vowels (the vowel
    /// cascade's gain at low formants is large; the band-pass peaks at 0 dB).
    static let fricationGain = 12.0, aspirationGain = 3.0
    /// RMS of the glottal-flow derivative in phase units, the reference of the breathiness level.
    static let sourceReference = 3.0

    /// The utterance's samples, mono at 16 kHz, in [−1, 1].
    static func render(_ tracks: DemoControlTracks, params: DemoUtteranceParameters, formantScale: Double,
                       using rng: inout RandomGenerator) -> [Float] {
        let frames = tracks.count
        let spf = samplesPerFrame, fs = sampleRate
        var out = [Double](repeating: 0, count: frames * spf)
        var r1 = DemoResonator(), r2 = DemoResonator(), r3 = DemoResonator(), r4 = DemoResonator()
        var r5 = DemoResonator()
        r5.set(frequency: min(4500 * formantScale, 7000), bandwidth: 350, sampleRate: fs)
        var band = DemoBandPass()
        var tilt = DemoTiltFilter(attenuation: params.spectralTilt, sampleRate: fs)
        var breathTilt = DemoTiltFilter(attenuation: params.spectralTilt, sampleRate: fs)
        let oq = params.openQuotient
        let breath = sourceReference * pow(10, params.breathiness / 20)
        let jitter = params.jitter, shimmer = params.shimmer
        var phase = 0.0, periodFactor = 1.0, amplitudeFactor = 1.0
        let uniformScale = 12.0.squareRoot()  // (u − 0.5) · √12 has unit variance

        out.withUnsafeMutableBufferPointer { o in
            for k in 0..<frames {
                let k1 = min(k + 1, frames - 1)
                let av0 = tracks.voicing[k], av1 = tracks.voicing[k1]
                let ah0 = tracks.aspiration[k], ah1 = tracks.aspiration[k1]
                let af0 = tracks.frication[k], af1 = tracks.frication[k1]
                let f00 = tracks.f0[k], f01 = tracks.f0[k1]
                band.set(centre: tracks.noiseCentre[k], bandwidth: tracks.noiseBandwidth[k], sampleRate: fs)
                for block in stride(from: 0, to: spf, by: blockSize) {
                    let m = (Double(block) + 0.5 * Double(blockSize)) / Double(spf)
                    func f(_ i: Int) -> Double { tracks.formants[i][k] + m * (tracks.formants[i][k1] - tracks.formants[i][k]) }
                    func b(_ i: Int) -> Double {
                        tracks.bandwidths[i][k] + m * (tracks.bandwidths[i][k1] - tracks.bandwidths[i][k])
                    }
                    r1.set(frequency: f(0), bandwidth: b(0), sampleRate: fs)
                    r2.set(frequency: f(1), bandwidth: b(1), sampleRate: fs)
                    r3.set(frequency: f(2), bandwidth: b(2), sampleRate: fs)
                    r4.set(frequency: f(3), bandwidth: b(3), sampleRate: fs)
                    for j in block..<(block + blockSize) {
                        let t = Double(j) / Double(spf)
                        let av = av0 + t * (av1 - av0), ah = ah0 + t * (ah1 - ah0), af = af0 + t * (af1 - af0)
                        let f0 = f00 + t * (f01 - f00)
                        phase += f0 * periodFactor / fs
                        if phase >= 1 {
                            phase -= phase.rounded(.down)
                            periodFactor = 1 + jitter * min(max(rng.nextNormal(), -3), 3)
                            amplitudeFactor = max(0.2, 1 + shimmer * min(max(rng.nextNormal(), -3), 3))
                        }
                        let x = phase / oq
                        var flow = 0.0, derivative = 0.0
                        if x < 1 {
                            flow = 6.75 * x * x * (1 - x)
                            derivative = 6.75 / oq * x * (2 - 3 * x)
                        }
                        let noise = (rng.nextUniform() - 0.5) * uniformScale
                        let voiced = tilt.process(derivative * amplitudeFactor * av)
                        let aspiration = breathTilt.process(noise * breath * av * (0.25 + 0.75 * flow))
                            + noise * aspirationGain * ah
                        var y = r1.process(voiced + aspiration)
                        y = r2.process(y)
                        y = r3.process(y)
                        y = r4.process(y)
                        y = r5.process(y)
                        if af > 0 { y += fricationGain * af * band.process(noise) } else { _ = band.process(noise) }
                        o[k * spf + j] = y
                    }
                }
            }
        }
        return finish(out, speech: tracks.speech, level: params.level, using: &rng)
    }

    /// DC blocker, level normalisation, peak limit, noise floor, fades; converts to `Float`.
    static func finish(_ x: [Double], speech: [Bool], level: Double, using rng: inout RandomGenerator) -> [Float] {
        var y = x
        let n = y.count
        var x1 = 0.0, y1 = 0.0
        let pole = 1 - 2 * Double.pi * 50 / sampleRate
        var sumSquares = 0.0, active = 0, peak = 0.0
        for i in 0..<n {
            let v = y[i] - x1 + pole * y1
            x1 = y[i]
            y1 = v
            y[i] = v
            if speech[i / samplesPerFrame] { sumSquares += v * v; active += 1 }
            peak = max(peak, abs(v))
        }
        let rms = active > 0 ? (sumSquares / Double(active)).squareRoot() : 0
        var gain = rms > 0 ? pow(10, level / 20) / rms : 0
        if peak * gain > peakLimit { gain = peakLimit / peak }
        let fade = Int(0.005 * sampleRate)
        let uniformScale = 12.0.squareRoot()
        var result = [Float](repeating: 0, count: n)
        for i in 0..<n {
            var v = y[i] * gain + noiseFloor * (rng.nextUniform() - 0.5) * uniformScale
            if i < fade { v *= Double(i) / Double(fade) }
            if n - 1 - i < fade { v *= Double(n - 1 - i) / Double(fade) }
            result[i] = Float(min(max(v, -1), 1))
        }
        return result
    }
}
