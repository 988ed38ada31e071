import Foundation

/// Errors of a wav2vec pretraining run, each naming the file or setting at fault.
public enum Wav2VecPretrainingError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    case invalidConfiguration(String)
    /// The input (folder or manifest) does not exist.
    case inputNotFound(path: String)
    /// The input (folder or manifest) holds no audio file.
    case noAudio(path: String)
    /// Files that could not be read or resampled: (path, reason) pairs.
    case unreadableAudio([AudioProblem])
    /// No file is long enough for one prediction (each needs `minimumSamples` at 16 kHz).
    case allTooShort(files: Int, minimumSamples: Int)
    /// A checkpoint that cannot be written, read or used.
    case checkpoint(path: String, reason: String)
    /// The loss or the gradient norm became NaN or infinite.
    case nonFinite(update: Int, what: String)
    /// The output files cannot be written.
    case output(path: String, reason: String)

    public struct AudioProblem: Equatable, Sendable, Codable {
        public var path: String
        public var reason: String
        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    public var description: String {
        switch self {
        case .invalidConfiguration(let m): return "invalid wav2vec pretraining configuration: \(m)"
        case .inputNotFound(let p): return "\(p): no such folder or manifest file"
        case .noAudio(let p):
            return "\(p): no audio files found (looked for \(CorpusFiles.audioExtensions.sorted().joined(separator: ", ")))"
        case .unreadableAudio(let problems):
            let shown = problems.prefix(20).map { "  \($0.path): \($0.reason)" }
            let more = problems.count > 20 ? ["  … and \(problems.count - 20) more"] : []
            return (["\(problems.count) audio file(s) could not be read:"] + shown + more).joined(separator: "\n")
        case let .allTooShort(n, m):
            return "none of the \(n) audio files is long enough for one prediction (\(m) samples at 16 kHz = "
                + String(format: "%.3f s)", Double(m) / 16000)
        case let .checkpoint(p, r): return "checkpoint \(p): \(r)"
        case let .nonFinite(u, what):
            return "the \(what) became NaN or infinite at update \(u); lower the learning rate or the gradient clip norm "
                + "(the last checkpoint is intact; resume from it after changing the configuration)"
        case let .output(p, r): return "\(p): cannot be written: \(r)"
        }
    }

    public var errorDescription: String? { description }
}
