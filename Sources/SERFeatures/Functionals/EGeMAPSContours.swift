import Foundation

/// The unsmoothed eGeMAPS low-level contours of one utterance, each on its own openSMILE frame grid
/// (10 ms hop, frames left-aligned at `t · 10 ms`):
///
/// - the *spectral* grid: 20 ms frames (Hamming) for loudness, spectral balance, flux, MFCC, formants,
///   and the frame energy of the equivalent sound level;
/// - the *pitch* grid: 60 ms frames (Gaussian, σ = 0.4) for F0 and everything derived from it.
///
/// Unvoiced frames hold 0 in every F0-derived contour.
struct EGeMAPSContours {
    /// Spectral grid, `[frames]` each.
    var loudness: [Double] = []
    var alphaRatio: [Double] = []
    var hammarbergIndex: [Double] = []
    var slope0to500: [Double] = []
    var slope500to1500: [Double] = []
    var spectralFlux: [Double] = []
    var mfcc: [[Double]] = [[], [], [], []]
    /// Mean square of each raw (unwindowed) 20 ms frame, for the equivalent sound level.
    var frameEnergy: [Double] = []
    /// Formant frequency / bandwidth (Hz) of F1–F3, spectral grid.
    var formantFrequency: [[Double]] = [[], [], []]
    var formantBandwidth: [[Double]] = [[], [], []]
    /// All 5 LPC formant frequencies per spectral frame (Hz, 0 = none), for the formant amplitudes.
    var allFormants: [[Double]] = []

    /// Pitch grid: F0 in semitones above 27.5 Hz, 0 when unvoiced.
    var f0Semitones: [Double] = []
    var jitterLocal: [Double] = []
    var shimmerLocalDB: [Double] = []
    var hnrDB: [Double] = []
    var h1MinusH2: [Double] = []
    var h1MinusA3: [Double] = []
    /// F1–F3 amplitude relative to the F0 harmonic (dB); pitch grid.
    var formantAmplitude: [[Double]] = [[], [], []]

    /// Frames of each grid that openSMILE's functionals see: the complete 20 ms frames, and on the pitch
    /// grid the complete 60 ms frames less one (the last frames are lost in openSMILE's end-of-input
    /// flush of the Viterbi smoother; measured on EmoDB, see Docs/Functionals.md).
    var spectralFunctionalFrames = 0
    var pitchFunctionalFrames = 0

    /// Frames on the spectral grid.
    var spectralFrameCount: Int { loudness.count }
    /// Frames on the pitch grid.
    var pitchFrameCount: Int { f0Semitones.count }
}
