import Foundation

/// Everything that can go wrong in the Praat-compatible pitch and pulse analysis.
///
/// Bad input (an invalid parameter, a sound that is too short for the pitch floor, non-finite samples)
/// surfaces as one of these errors, never as a crash. The messages say which parameter or input is at
/// fault and what would fix it.
public enum PitchError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A parameter outside its valid range; `name` is the parameter, `reason` says what it must be.
    case invalidParameter(name: String, value: Double, reason: String)
    /// The sample rate is not a positive finite number of Hz.
    case invalidSampleRate(Double)
    /// The sound is too short for the requested analysis (Praat: "minimum pitch must not be less than ...",
    /// "the pitch analysis would give zero pitch frames", "analysis window too short").
    case soundTooShort(sampleCount: Int, sampleRate: Double, reason: String)
    /// Sample `index` (0-based) is NaN or infinite.
    case nonFiniteSample(index: Int)
    /// The pitch track does not belong to the sound it is paired with (different time domain).
    case mismatchedPitch(reason: String)

    public var description: String {
        switch self {
        case let .invalidParameter(name, value, reason):
            return "pitch parameter \(name) = \(value) is invalid: \(reason)"
        case let .invalidSampleRate(rate):
            return "invalid sample rate \(rate) Hz: must be a positive, finite number"
        case let .soundTooShort(count, rate, reason):
            let seconds = rate > 0 ? Double(count) / rate : 0
            return "sound of \(count) samples (\(seconds) s at \(rate) Hz) is too short: \(reason)"
        case let .nonFiniteSample(index):
            return "sample \(index) is not finite (NaN or infinity); pitch analysis needs finite samples"
        case let .mismatchedPitch(reason):
            return "pitch track does not match the sound: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
