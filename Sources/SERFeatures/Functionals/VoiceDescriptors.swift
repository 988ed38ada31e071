import Foundation
import SERAudio

/// The descriptors of the 60 ms pitch grid: F0 (sub-harmonic summation + Viterbi smoothing), jitter,
/// shimmer, harmonics-to-noise ratio, H1–H2, H1–A3 and the formant amplitudes.
enum VoiceDescriptors {
    /// RMS (of the Gauss-windowed 60 ms frame) below which a frame is unvoiced (openSMILE's volmerge).
    static let silenceRMS = 0.001

    static func compute(_ audio: AudioBuffer, into contours: inout EGeMAPSContours) {
        let framing = SmileFraming(seconds: 0.060, hopSeconds: 0.010, sampleRate: audio.sampleRate)
        let spectra = SmileSpectra(samples: audio.samples, sampleRate: audio.sampleRate, framing: framing,
                                   window: .gauss(sigma: 0.4))
        let n = spectra.frameCount
        contours.pitchFunctionalFrames = max(framing.completeFrameCount(sampleCount: audio.count) - 1, 0)
        let f0 = fundamentalFrequency(spectra)
        contours.f0Semitones = f0.map(semitonesAbove27_5)
        let zeros = [Double](repeating: 0, count: n)
        let hz = f0
        let periods = JitterShimmer.analyse(samples: audio.samples, sampleRate: audio.sampleRate, f0: hz,
                                            hop: framing.hop, frameLength: framing.length)
        contours.jitterLocal = periods.jitter
        contours.shimmerLocalDB = periods.shimmerDB
        let harmonics = HarmonicAnalysis(binCount: spectra.binCount, binHz: spectra.binHz)
        var hnr = zeros, h1h2 = zeros, h1a3 = zeros
        var amplitude = [zeros, zeros, zeros]
        for t in 0..<n {
            let formants = t < contours.allFormants.count ? contours.allFormants[t] : [Double](repeating: 0, count: 5)
            let r = harmonics.analyse(magnitudes: spectra.frame(t), f0: f0[t], formants: formants)
            hnr[t] = r.hnrDB; h1h2[t] = r.h1h2; h1a3[t] = r.h1a3
            for f in 0..<3 { amplitude[f][t] = r.formantAmplitude[f] }
        }
        contours.hnrDB = hnr
        contours.h1MinusH2 = h1h2
        contours.h1MinusA3 = h1a3
        contours.formantAmplitude = amplitude
    }

    /// F0 (Hz, 0 = unvoiced) per 60 ms frame: SHS candidates, Viterbi smoothing, then frames whose
    /// windowed RMS is at most ``silenceRMS`` set to 0.
    static func fundamentalFrequency(_ spectra: SmileSpectra) -> [Double] {
        let n = spectra.frameCount
        guard n > 0 else { return [] }
        let scale = OctaveSpectrum(binCount: spectra.binCount, binHz: spectra.binHz)
        let shs = SubharmonicSummation(scale: scale)
        let candidates = (0..<n).map { shs.candidates(octaveSpectrum: scale.transform(spectra.frame($0))) }
        var f0 = PitchViterbiSmoother.smooth(candidates)
        for t in 0..<n where !(spectra.windowedMeanSquare[t].squareRoot() > silenceRMS) { f0[t] = 0 }
        return f0
    }

    /// openSMILE's `F0finalLog`: `12·log2(f/27.5)` semitones above 27.5 Hz (A0) for `f > 29.136` Hz,
    /// 1 for a lower positive F0, 0 when unvoiced.
    static func semitonesAbove27_5(_ f: Double) -> Double {
        if f > 29.136 { return 12 * log2(f / 27.5) }
        return f > 0 ? 1 : 0
    }
}
