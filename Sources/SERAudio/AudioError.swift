import Foundation

/// Everything that can go wrong reading, writing, resampling or validating audio.
///
/// Every case names the file it concerns (`path`) where there is one, and its ``description`` says
/// what went wrong in words a user can act on. Bad input always surfaces as one of these errors,
/// never as a crash.
public enum AudioError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// No file exists at `path`.
    case fileNotFound(path: String)
    /// The file exists but could not be read: a directory, no permission, a malformed header, a
    /// decoder error. `reason` is libsndfile's or the system's message.
    case unreadable(path: String, reason: String)
    /// The file is not in a format (or encoding) libsndfile can decode, e.g. a text file named `.wav`.
    case unsupportedFormat(path: String, reason: String)
    /// The file is cut short: its header promises more audio than the file holds.
    case truncated(path: String, reason: String)
    /// The file decodes to zero samples.
    case empty(path: String)
    /// Sample `sampleIndex` (a frame index, 0-based) is NaN or infinite.
    case nonFinite(path: String, sampleIndex: Int)
    /// A sample rate that is not a positive integer, or that a format or the resampler cannot take.
    case invalidSampleRate(rate: Int, reason: String)
    /// A parameter outside its valid range (a channel count, a duration, a gain range, ...).
    case invalidArgument(String)
    /// Writing `path` failed; nothing was left at `path` (writes are atomic).
    case writeFailed(path: String, reason: String)
    /// libsamplerate reported an error.
    case resamplingFailed(reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .unreadable(let path, let reason):
            return "\(path): cannot read audio: \(reason)"
        case .unsupportedFormat(let path, let reason):
            return "\(path): unsupported or unrecognised audio format: \(reason)"
        case .truncated(let path, let reason):
            return "\(path): truncated or corrupt audio file: \(reason)"
        case .empty(let path):
            return "\(path): audio file contains no samples"
        case .nonFinite(let path, let index):
            return "\(path): sample \(index) is not finite (NaN or infinity)"
        case .invalidSampleRate(let rate, let reason):
            return "invalid sample rate \(rate) Hz: \(reason)"
        case .invalidArgument(let message):
            return "invalid argument: \(message)"
        case .writeFailed(let path, let reason):
            return "\(path): cannot write audio: \(reason)"
        case .resamplingFailed(let reason):
            return "resampling failed: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
