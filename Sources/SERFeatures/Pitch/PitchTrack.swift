/// One pitch candidate: a frequency (Hz; 0 = the unvoiced candidate) and its strength (normalised
/// autocorrelation, in [0, 1]).
public struct PitchCandidate: Equatable, Hashable, Sendable, Codable {
    public var frequency: Double
    public var strength: Double
    public init(frequency: Double, strength: Double) { self.frequency = frequency; self.strength = strength }
}

/// One analysis frame of a ``PitchTrack``.
public struct PitchFrame: Equatable, Sendable {
    /// Centre of the frame (s).
    public var time: Double
    /// Local peak / global peak of the sound, in [0, 1] (Praat's frame "intensity").
    public var intensity: Double
    /// All candidates of the frame; after path finding the winner is `candidates[0]`
    /// (Praat's candidate 1). The others keep their order except for the swap with the winner.
    public var candidates: [PitchCandidate]
}

/// The result of ``PraatPitch/compute(samples:sampleRate:parameters:)``: Praat's `Pitch` object.
///
/// Frame `i` (0-based) is centred at `axis.time(ofIndex: i + 1)`. A frame is voiced when its winning
/// frequency `f` satisfies `0 < f < ceiling` (Praat's definition); ``f0`` is then `f`, otherwise 0.
public struct PitchTrack: Equatable, Sendable {
    /// Frame timing in Praat's conventions: `axis.count` frames, first at `axis.x1`, spacing `axis.dx`,
    /// time domain `[axis.xmin, axis.xmax]` = the sound's.
    public let axis: PraatTimeAxis
    /// The (Nyquist-clipped) pitch ceiling (Hz) that defines voicing.
    public let ceiling: Double
    /// The frames, in time order.
    public let frames: [PitchFrame]

    public init(axis: PraatTimeAxis, ceiling: Double, frames: [PitchFrame]) {
        self.axis = axis; self.ceiling = ceiling; self.frames = frames
    }

    /// Number of frames.
    public var count: Int { frames.count }
    /// Frame centres (s).
    public var times: [Double] { frames.map(\.time) }
    /// Fundamental frequency per frame (Hz), 0 where unvoiced.
    public var f0: [Double] { frames.map { isVoiced(frequency: $0.candidates.first?.frequency ?? 0) ? $0.candidates[0].frequency : 0 } }
    /// Voicing decision per frame.
    public var voiced: [Bool] { frames.map { isVoiced(frequency: $0.candidates.first?.frequency ?? 0) } }

    @inline(__always) func isVoiced(frequency f: Double) -> Bool { f > 0 && f < ceiling }

    /// Winning frequency of frame `index` (0-based) when voiced, else nil.
    public func frequency(atFrame index: Int) -> Double? {
        guard index >= 0 && index < frames.count, let f = frames[index].candidates.first?.frequency,
              isVoiced(frequency: f) else { return nil }
        return f
    }

    /// Praat's `Get value at time` with linear interpolation (`Sampled_getValueAtX`): nil outside the time
    /// domain or when the nearest frame is unvoiced; the nearest frame's value when the other neighbour is
    /// missing or unvoiced; otherwise linear interpolation between the two neighbouring frames.
    public func value(at t: Double) -> Double? {
        if t < axis.xmin || t > axis.xmax { return nil }
        let indexReal = axis.realIndex(t)
        let leftIndex = PraatTimeAxis.ifloor(indexReal)
        var phase = indexReal - Double(leftIndex)
        let nearIndex: Int, farIndex: Int
        if phase < 0.5 {
            nearIndex = leftIndex; farIndex = leftIndex + 1
        } else {
            farIndex = leftIndex; nearIndex = leftIndex + 1
            phase = 1.0 - phase
        }
        guard nearIndex >= 1 && nearIndex <= axis.count, let nearValue = frequency(atFrame: nearIndex - 1) else {
            return nil
        }
        guard farIndex >= 1 && farIndex <= axis.count, let farValue = frequency(atFrame: farIndex - 1) else {
            return nearValue
        }
        return nearValue + phase * (farValue - nearValue)
    }
}
