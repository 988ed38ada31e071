import Foundation
import SERAudio

/// The descriptors of the 20 ms spectral grid: loudness, alpha ratio, Hammarberg index, the two spectral
/// slopes, spectral flux, MFCC 1–4, the LPC formants and the frame energy for the equivalent sound level.
enum SpectralDescriptors {
    static func compute(_ audio: AudioBuffer, into contours: inout EGeMAPSContours) {
        let framing = SmileFraming(seconds: 0.020, hopSeconds: 0.010, sampleRate: audio.sampleRate)
        let spectra = SmileSpectra(samples: audio.samples, sampleRate: audio.sampleRate, framing: framing,
                                   window: .hamming, keepingPhase: true)
        let loudness = SmileLoudness(binCount: spectra.binCount, binHz: spectra.binHz)
        let mfcc = SmileMFCC(binCount: spectra.binCount, binHz: spectra.binHz)
        let shape = SmileSpectralShape(binCount: spectra.binCount, binHz: spectra.binHz)
        let formants = FormantLPC(fftSize: spectra.fftSize, frameLength: framing.length, sampleRate: audio.sampleRate)
        let n = spectra.frameCount
        contours.spectralFunctionalFrames = framing.completeFrameCount(sampleCount: audio.count)
        contours.loudness.reserveCapacity(n)
        for t in 0..<n {
            let frame = spectra.frame(t)
            contours.loudness.append(loudness.loudness(frame))
            let balance = shape.balance(frame)
            contours.alphaRatio.append(balance[0])
            contours.hammarbergIndex.append(balance[1])
            contours.slope0to500.append(balance[2])
            contours.slope500to1500.append(balance[3])
            contours.spectralFlux.append(t == 0 ? 0 : shape.flux(frame, previous: spectra.frame(t - 1)))
            let c = mfcc.mfcc(frame)
            for i in 0..<4 { contours.mfcc[i].append(c[i]) }
            let row = (t * spectra.binCount)..<((t + 1) * spectra.binCount)
            let lpc = formants.formants(real: spectra.real[row], imaginary: spectra.imaginary[row])
            contours.allFormants.append(lpc.frequency)
            for f in 0..<3 {
                contours.formantFrequency[f].append(lpc.frequency[f])
                contours.formantBandwidth[f].append(lpc.bandwidth[f])
            }
            var energy = 0.0
            for i in 0..<framing.length {
                let v = Double(framing.sample(audio.samples, frame: t, offset: i))
                energy += v * v
            }
            contours.frameEnergy.append(energy / Double(framing.length))
        }
    }
}
