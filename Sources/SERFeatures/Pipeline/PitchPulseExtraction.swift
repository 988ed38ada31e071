import SERTensor

/// The pitch-pulse signal of a waveform (paper Eq. 2) from Praat's default pitch analysis and cc
/// pulses: `PitchPulse[n] = Σ_k x[N_k] δ[n − N_k]`.
public enum PitchPulseExtraction {
    /// - Parameters:
    ///   - samples: the waveform.
    ///   - sampleRate: Hz.
    ///   - floor, ceiling: pitch range in Hz (Praat's defaults 75, 600).
    /// - Returns: a signal of the same length, zero except at the pulses.
    /// - Throws: ``PitchError`` for invalid input (e.g. non-finite samples).
    public static func signal(samples: [Float], sampleRate: Double, floor: Double = 75, ceiling: Double = 600) throws -> [Float] {
        let parameters = PraatPitchParameters(pitchFloor: floor, pitchCeiling: ceiling)
        let pulses: [Double]
        do {
            pulses = try PraatPulses.compute(samples: samples, sampleRate: sampleRate, pitchParameters: parameters)
        } catch PitchError.soundTooShort {
            pulses = []   // shorter than the analysis window: no pitch frames, no pulses
        }
        return PitchPulseSignal.make(samples: samples, sampleRate: sampleRate, pulseTimes: pulses)
    }
}
