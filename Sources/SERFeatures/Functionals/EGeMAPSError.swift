import Foundation

/// What can go wrong in eGeMAPS extraction. Silence and input shorter than one frame are *not* errors:
/// they give openSMILE's defined result (no frames, all functionals 0).
public enum EGeMAPSError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// Sample `index` (0-based) is NaN or infinite.
    case nonFiniteSample(index: Int)
    /// The sample rate is too low for the analysis (the 0–500 Hz and 500–1500 Hz spectral slopes and the
    /// 1–5 kHz alpha ratio need at least 3 kHz of bandwidth).
    case sampleRateTooLow(rate: Int, minimum: Int)

    public var description: String {
        switch self {
        case let .nonFiniteSample(index):
            return "eGeMAPS: sample \(index) is NaN or infinite; remove or repair it (e.g. clip the signal) first"
        case let .sampleRateTooLow(rate, minimum):
            return "eGeMAPS: sample rate \(rate) Hz is too low; resample to at least \(minimum) Hz (16 kHz is usual)"
        }
    }

    public var errorDescription: String? { description }
}
