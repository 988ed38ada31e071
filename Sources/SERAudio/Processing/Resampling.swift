import CSampleRate

/// libsamplerate's converters, best first.
public enum ResamplingQuality: String, Sendable, CaseIterable, Codable {
    /// Band-limited sinc, 97 dB SNR, 97 % bandwidth (libsamplerate `SRC_SINC_BEST_QUALITY`). Default.
    case sincBest
    /// Band-limited sinc, 97 dB SNR, 90 % bandwidth (`SRC_SINC_MEDIUM_QUALITY`).
    case sincMedium
    /// Band-limited sinc, 97 dB SNR, 80 % bandwidth (`SRC_SINC_FASTEST`).
    case sincFastest
    /// Zero-order hold: repeats samples; no anti-aliasing (`SRC_ZERO_ORDER_HOLD`).
    case zeroOrderHold
    /// Linear interpolation; no anti-aliasing (`SRC_LINEAR`).
    case linear

    var converterType: Int32 {
        switch self {
        case .sincBest: return Int32(SRC_SINC_BEST_QUALITY)
        case .sincMedium: return Int32(SRC_SINC_MEDIUM_QUALITY)
        case .sincFastest: return Int32(SRC_SINC_FASTEST)
        case .zeroOrderHold: return Int32(SRC_ZERO_ORDER_HOLD)
        case .linear: return Int32(SRC_LINEAR)
        }
    }
}

/// Sample-rate conversion with libsamplerate (`src_simple`, whole signal at once).
public enum Resampler {
    /// libsamplerate accepts conversion ratios in `[1/256, 256]`.
    public static let maximumRatio = 256.0

    /// Resamples mono `samples` from `sourceRate` Hz to `targetRate` Hz.
    ///
    /// The output has `ceil(count * targetRate / sourceRate)` samples (what libsamplerate produces
    /// when flushed, trimmed to that length), time-aligned with the input: output sample `j` is at
    /// time `j / targetRate` s. Equal rates return the input unchanged. Sinc converters low-pass
    /// the signal below the lower Nyquist frequency; the others do not (they alias).
    /// - Throws: ``AudioError/invalidSampleRate(rate:reason:)`` for a non-positive rate or a ratio
    ///   outside `[1/256, 256]`; ``AudioError/resamplingFailed(reason:)`` with libsamplerate's message.
    public static func resample(_ samples: [Float], from sourceRate: Int, to targetRate: Int,
                                quality: ResamplingQuality = .sincBest) throws -> [Float] {
        guard sourceRate > 0 else {
            throw AudioError.invalidSampleRate(rate: sourceRate, reason: "source rate must be positive")
        }
        guard targetRate > 0 else {
            throw AudioError.invalidSampleRate(rate: targetRate, reason: "target rate must be positive")
        }
        if sourceRate == targetRate || samples.isEmpty { return samples }
        let ratio = Double(targetRate) / Double(sourceRate)
        guard ratio <= maximumRatio, ratio >= 1 / maximumRatio else {
            throw AudioError.invalidSampleRate(
                rate: targetRate, reason: "converting from \(sourceRate) Hz needs a ratio within 1/256...256")
        }
        let expected = Int((Double(samples.count) * ratio).rounded(.up))
        // Room for libsamplerate's rounding of the flushed tail.
        var output = [Float](repeating: 0, count: expected + 16)
        var generated = 0
        let status: Int32 = samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                var data = SRC_DATA()
                data.data_in = input.baseAddress
                data.data_out = out.baseAddress
                data.input_frames = input.count
                data.output_frames = out.count
                data.end_of_input = 1
                data.src_ratio = ratio
                let status = src_simple(&data, quality.converterType, 1)
                generated = data.output_frames_gen
                return status
            }
        }
        guard status == 0 else {
            throw AudioError.resamplingFailed(reason: String(cString: src_strerror(status)))
        }
        // src_simple may stop a sample short of the ideal length; pad that tail with zeros.
        if generated < expected {
            for i in generated..<expected { output[i] = 0 }
        }
        output.removeLast(output.count - expected)
        return output
    }
}

extension AudioBuffer {
    /// This signal at `targetRate` Hz; see ``Resampler/resample(_:from:to:quality:)``.
    public func resampled(to targetRate: Int, quality: ResamplingQuality = .sincBest) throws -> AudioBuffer {
        let out = try Resampler.resample(samples, from: sampleRate, to: targetRate, quality: quality)
        return AudioBuffer(validSamples: out, sampleRate: targetRate)
    }

    /// Converts this signal to `targetRate` Hz in place; see ``resampled(to:quality:)``.
    public mutating func resample(to targetRate: Int, quality: ResamplingQuality = .sincBest) throws {
        self = try resampled(to: targetRate, quality: quality)
    }
}
