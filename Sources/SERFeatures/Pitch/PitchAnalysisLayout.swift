import Foundation

/// All sizes Praat's `Sound: To Pitch (ac)` derives from the parameters and the sound, before looking at
/// any sample value (`Sound_to_Pitch_any`; reference section 1.2 and 1.3).
///
/// Integer sizes are in samples, times in seconds. Example (defaults, 16 kHz): window 638 samples,
/// maximum lag 214, FFT 1024, 213 samples per longest period.
public struct PitchAnalysisLayout: Equatable, Sendable {
    /// The parameters as given.
    public let parameters: PraatPitchParameters
    /// Sample rate (Hz) and the sound's time axis.
    public let sampleRate: Double
    public let sound: PraatTimeAxis
    /// 3 (Hanning) or 6 (Gaussian, "very accurate").
    public let periodsPerWindow: Double
    /// Window duration `periodsPerWindow / pitchFloor` (s).
    public let windowDuration: Double
    /// Seconds between frames (after resolving the automatic time step).
    public let timeStep: Double
    /// Candidate slots per frame: the parameter, raised to `floor(ceiling / floor)` when smaller.
    public let maximumNumberOfCandidates: Int
    /// Pitch ceiling clipped to the Nyquist frequency (Hz).
    public let ceiling: Double
    /// `floor(fs / pitchFloor)`: samples in the longest period.
    public let samplesPerPeriod: Int
    /// `samplesPerPeriod / 2 + 1`.
    public let halfSamplesPerPeriod: Int
    /// `floor(windowDuration * fs) / 2 - 1`.
    public let halfWindowLength: Int
    /// `2 * halfWindowLength`: the analysis window (even).
    public let windowLength: Int
    /// `min(floor(windowLength / periodsPerWindow) + 2, windowLength)`: peak search runs below this lag.
    public let maximumLag: Int
    /// 0.5 (Hanning) or 0.25 (Gaussian).
    public let interpolationDepth: Double
    /// `floor(windowLength * interpolationDepth)`: the autocorrelation is kept up to this lag.
    public let lagLimit: Int
    /// Smallest power of two `>= windowLength * (1 + interpolationDepth)`.
    public let fftSize: Int
    /// Sinc depth of the Brent refinement: 70 (Hanning) or 700 (Gaussian).
    public let refinementDepth: Int
    /// The frames: `frames.count` frames, frame `i` (1-based) centred at `frames.time(ofIndex: i)`;
    /// domain equal to the sound's.
    public let frames: PraatTimeAxis

    /// Derives the layout; throws where Praat refuses the analysis.
    public init(sampleCount: Int, sampleRate: Double, parameters: PraatPitchParameters) throws {
        try parameters.validate()
        guard sampleRate.isFinite, sampleRate > 0 else { throw PitchError.invalidSampleRate(sampleRate) }
        self.parameters = parameters
        self.sampleRate = sampleRate
        let sound = PraatTimeAxis.sound(sampleCount: sampleCount, sampleRate: sampleRate)
        self.sound = sound
        let floorHz = parameters.pitchFloor

        var maxCandidates = parameters.maximumNumberOfCandidates
        if Double(maxCandidates) < parameters.pitchCeiling / floorHz {
            maxCandidates = PraatTimeAxis.ifloor(parameters.pitchCeiling / floorHz)
        }
        maximumNumberOfCandidates = maxCandidates

        var periods = 3.0
        var dt = parameters.timeStep
        if dt <= 0 { dt = periods / floorHz / 4.0 }   // computed before the Gaussian doubling
        if parameters.veryAccurate {
            periods *= 2
            refinementDepth = 700
            interpolationDepth = 0.25
        } else {
            refinementDepth = 70
            interpolationDepth = 0.5
        }
        periodsPerWindow = periods
        timeStep = dt

        let duration = sound.dx * Double(sampleCount)
        if sampleCount < 1 || floorHz < periods / duration {
            throw PitchError.soundTooShort(
                sampleCount: sampleCount, sampleRate: sampleRate,
                reason: "the pitch floor must not be less than \(periods / duration) Hz for this duration "
                    + "(\(periods) periods must fit); raise the pitch floor or use a longer sound")
        }
        samplesPerPeriod = PraatTimeAxis.ifloor(1.0 / sound.dx / floorHz)
        halfSamplesPerPeriod = samplesPerPeriod / 2 + 1
        ceiling = min(parameters.pitchCeiling, 0.5 / sound.dx)

        windowDuration = periods / floorHz
        let rawWindow = PraatTimeAxis.ifloor(windowDuration / sound.dx)
        halfWindowLength = rawWindow / 2 - 1
        guard halfWindowLength >= 2 else {
            throw PitchError.soundTooShort(sampleCount: sampleCount, sampleRate: sampleRate,
                                           reason: "analysis window too short (\(rawWindow) samples); lower the pitch floor")
        }
        windowLength = halfWindowLength * 2
        maximumLag = min(PraatTimeAxis.ifloor(Double(windowLength) / periods) + 2, windowLength)

        // Sampled_shortTermAnalysis: as many frames as fit, centred symmetrically.
        guard windowDuration <= duration else {
            throw PitchError.soundTooShort(sampleCount: sampleCount, sampleRate: sampleRate,
                                           reason: "shorter than the analysis window (\(windowDuration) s)")
        }
        let frameCount = PraatTimeAxis.ifloor((duration - windowDuration) / dt) + 1
        guard frameCount >= 1 else {
            throw PitchError.soundTooShort(sampleCount: sampleCount, sampleRate: sampleRate,
                                           reason: "the pitch analysis would give zero pitch frames")
        }
        let ourMidTime = sound.x1 - 0.5 * sound.dx + 0.5 * duration
        let thyDuration = Double(frameCount) * dt
        let t1 = ourMidTime - 0.5 * thyDuration + 0.5 * dt
        frames = PraatTimeAxis(xmin: sound.xmin, xmax: sound.xmax, count: frameCount, dx: dt, x1: t1)

        lagLimit = PraatTimeAxis.ifloor(Double(windowLength) * interpolationDepth)
        var n = 1
        while Double(n) < Double(windowLength) * (1 + interpolationDepth) { n *= 2 }
        fftSize = n
    }
}
