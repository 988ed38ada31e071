/// Every parameter of Praat's `Sound: To Pitch (ac)...`, with Praat's defaults.
///
/// The argument order of Praat's (legacy) command is: time step, pitch floor, max. number of candidates,
/// very accurate, silence threshold, voicing threshold, octave cost, octave-jump cost,
/// voiced/unvoiced cost, pitch ceiling. `PraatPitchParameters()` equals
/// `To Pitch (ac): 0, 75, 15, "no", 0.03, 0.45, 0.01, 0.35, 0.14, 600`, which is also what
/// `To PointProcess (periodic, cc): 75, 600` uses.
///
/// See `shared/reference/praat-pulses.md`, section 1.1.
public struct PraatPitchParameters: Equatable, Hashable, Sendable, Codable {
    /// Seconds between frame centres; 0 (the default) means automatic: `0.75 / pitchFloor`
    /// (= 0.01 s at 75 Hz), i.e. a quarter of the Hanning window, also when `veryAccurate` is on.
    public var timeStep: Double
    /// Lowest pitch (Hz) looked for; it sets the window: 3 periods (Hanning) or 6 periods (Gaussian).
    public var pitchFloor: Double
    /// Maximum number of candidates per frame, the unvoiced one included. Raised to
    /// `floor(pitchCeiling / pitchFloor)` when smaller. Must be at least 2.
    public var maximumNumberOfCandidates: Int
    /// Off: Hanning window of 3 periods. On: Gaussian window of 6 periods and sinc depth 700.
    public var veryAccurate: Bool
    /// Frames whose local peak is below this fraction of the global peak tend to be unvoiced.
    public var silenceThreshold: Double
    /// Strength (normalised autocorrelation) a candidate needs to beat the unvoiced candidate.
    public var voicingThreshold: Double
    /// Preference for higher frequencies, per octave.
    public var octaveCost: Double
    /// Cost of an octave jump between frames (scaled by 0.01 s / time step).
    public var octaveJumpCost: Double
    /// Cost of a voiced/unvoiced transition (scaled by 0.01 s / time step).
    public var voicedUnvoicedCost: Double
    /// Highest pitch (Hz); clipped to the Nyquist frequency. Candidates at or above it count as unvoiced.
    public var pitchCeiling: Double

    public init(timeStep: Double = 0, pitchFloor: Double = 75, maximumNumberOfCandidates: Int = 15,
                veryAccurate: Bool = false, silenceThreshold: Double = 0.03, voicingThreshold: Double = 0.45,
                octaveCost: Double = 0.01, octaveJumpCost: Double = 0.35, voicedUnvoicedCost: Double = 0.14,
                pitchCeiling: Double = 600) {
        self.timeStep = timeStep
        self.pitchFloor = pitchFloor
        self.maximumNumberOfCandidates = maximumNumberOfCandidates
        self.veryAccurate = veryAccurate
        self.silenceThreshold = silenceThreshold
        self.voicingThreshold = voicingThreshold
        self.octaveCost = octaveCost
        self.octaveJumpCost = octaveJumpCost
        self.voicedUnvoicedCost = voicedUnvoicedCost
        self.pitchCeiling = pitchCeiling
    }

    /// Praat's defaults (the same as `PraatPitchParameters()`).
    public static let praatDefaults = PraatPitchParameters()

    /// Checks what Praat's command window checks, plus finiteness.
    /// - Throws: ``PitchError/invalidParameter(name:value:reason:)`` naming the first bad parameter.
    public func validate() throws {
        func finite(_ name: String, _ v: Double) throws {
            guard v.isFinite else { throw PitchError.invalidParameter(name: name, value: v, reason: "must be finite") }
        }
        try finite("timeStep", timeStep)
        try finite("pitchFloor", pitchFloor)
        try finite("silenceThreshold", silenceThreshold)
        try finite("voicingThreshold", voicingThreshold)
        try finite("octaveCost", octaveCost)
        try finite("octaveJumpCost", octaveJumpCost)
        try finite("voicedUnvoicedCost", voicedUnvoicedCost)
        try finite("pitchCeiling", pitchCeiling)
        guard timeStep >= 0 else {
            throw PitchError.invalidParameter(name: "timeStep", value: timeStep, reason: "must be 0 (automatic) or positive")
        }
        guard pitchFloor > 0 else {
            throw PitchError.invalidParameter(name: "pitchFloor", value: pitchFloor, reason: "must be positive")
        }
        guard maximumNumberOfCandidates >= 2 else {
            throw PitchError.invalidParameter(name: "maximumNumberOfCandidates", value: Double(maximumNumberOfCandidates),
                                              reason: "must be greater than 1")
        }
        guard maximumNumberOfCandidates <= 1_000 else {
            throw PitchError.invalidParameter(name: "maximumNumberOfCandidates", value: Double(maximumNumberOfCandidates),
                                              reason: "must be at most 1000")
        }
        guard pitchCeiling > pitchFloor else {
            throw PitchError.invalidParameter(name: "pitchCeiling", value: pitchCeiling,
                                              reason: "must be greater than the pitch floor (\(pitchFloor) Hz)")
        }
        guard pitchCeiling / pitchFloor <= 1_000 else {
            throw PitchError.invalidParameter(name: "pitchCeiling", value: pitchCeiling,
                                              reason: "must be at most 1000 times the pitch floor (the candidate count follows their ratio)")
        }
    }
}
