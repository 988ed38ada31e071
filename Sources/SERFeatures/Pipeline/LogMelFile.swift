import Foundation
import SERAudio
import SERFeatures
import SERTensor

/// Why a log-mel feature file could not be produced.
public enum LogMelFeatureError: Error, CustomStringConvertible, LocalizedError {
    case unsupportedKind(String)
    case extractionFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unsupportedKind(let kind):
            return "feature kind '\(kind)' is not a log-mel kind (expected logmel or pitchpulse-logmel)"
        case let .extractionFailed(path, reason):
            return "\(path): log-mel extraction failed: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}

/// The file-level log-mel pipeline behind `ser-cli features`: audio file → mono → resampled → log-mel → `.npy`.
public enum LogMelFeatureFile {
    /// Reads `input` (any format SERAudio reads, downmixed to mono), resamples it to the configuration's rate
    /// (16 kHz by default; libsamplerate, best sinc) when needed, and writes its log-mel spectrogram
    /// `[frames, bands]` float32 to `output` as .npy (atomically).
    ///
    /// - `kind`: `"logmel"`, or `"pitchpulse-logmel"`: the log-mel of the pitch-pulse signal (paper Eq. 2) of
    ///   the (resampled) waveform: Praat's pitch (defaults) and cc pulses, then ``PitchPulseSignal/make(samples:sampleRate:pulseTimes:)``.
    ///   A sound shorter than the pitch analysis window (3 periods of 75 Hz) has no pulses: an all-zero signal.
    /// - `config`: the log-mel settings; the default is the paper's (``LogMelConfig``), log floor 1e-6.
    /// - `warpAlpha`: frequency-warp factor (paper Eq. 1), 0 for none.
    /// - Throws: SERAudio's errors for unreadable input, ``LogMelFeatureError`` otherwise, and the tensor I/O error
    ///   when the output cannot be written.
    public static func extract(input: URL, output: URL, kind: String, config: LogMelConfig = LogMelConfig(), warpAlpha: Double = 0) throws {
        guard kind == "logmel" || kind == "pitchpulse-logmel" else {
            throw LogMelFeatureError.unsupportedKind(kind)
        }
        let (_, buffer) = try AudioFile.read(input)
        let targetRate: Int
        do { targetRate = try config.integerSampleRate() } catch {
            throw LogMelFeatureError.extractionFailed(path: input.path, reason: "\(error)")
        }
        var samples = try config.resampled(buffer).samples
        let features: Tensor
        do {
            if kind == "pitchpulse-logmel" {
                samples = try PitchPulseExtraction.signal(samples: samples, sampleRate: Double(targetRate))
            }
            features = try LogMelExtractor(config: config).extract(samples, warpAlpha: warpAlpha)
        } catch {
            throw LogMelFeatureError.extractionFailed(path: input.path, reason: "\(error)")
        }
        try Npy.write(features, to: output)
    }
}
