/// A signal cut or zero-padded to a fixed length, with a mask of which samples are real.
public struct FixedLengthClip: Equatable, Sendable {
    /// Exactly `length` samples.
    public var samples: [Float]
    /// Same length as `samples`: 1 where the sample comes from the source, 0 where it is padding.
    public var mask: [Float]
    /// Index in the source of the first sample taken (0 when the whole source fits).
    public var sourceOffset: Int
    /// Index in `samples` where the source material starts (leading padding; 0 for a crop).
    public var outputOffset: Int
    /// Number of real (source) samples: the count of ones in `mask`.
    public var validCount: Int
    /// Sample rate of the clip, Hz.
    public var sampleRate: Int

    /// The clip's samples as a buffer (padding included).
    public var buffer: AudioBuffer { AudioBuffer(validSamples: samples, sampleRate: sampleRate) }
}

/// Where a too-long signal is cut or a too-short signal is placed.
public enum ClipPlacement: Sendable, Equatable {
    /// Crop from the start; pad at the end.
    case start
    /// Crop the middle (offset `(count - length) / 2`, rounded down); pad equally on both sides
    /// (the extra sample, if any, at the end).
    case center
}

extension AudioBuffer {
    /// Number of samples in `seconds` at this rate, rounded to nearest.
    /// - Throws: ``AudioError/invalidArgument(_:)`` for a non-finite, negative or zero-sample duration.
    public func sampleCount(forDuration seconds: Double) throws -> Int {
        guard seconds.isFinite, seconds > 0 else {
            throw AudioError.invalidArgument("clip duration must be positive and finite, got \(seconds) s")
        }
        let n = (seconds * Double(sampleRate)).rounded()
        guard n >= 1, n <= Double(Int32.max) else {
            throw AudioError.invalidArgument("a \(seconds) s clip at \(sampleRate) Hz has \(n) samples")
        }
        return Int(n)
    }

    /// A training clip of exactly `length` samples.
    ///
    /// Longer signals are cropped at an offset drawn uniformly from `0...(count - length)`; shorter ones
    /// are zero-padded at the end (`padRandomly == false`, the default) or placed at an offset drawn
    /// uniformly from `0...(length - count)` (`padRandomly == true`). Draws one integer from `rng` only
    /// when there is a choice to make. `length` must be positive.
    public func randomClip(length: Int, padRandomly: Bool = false, using rng: inout RandomGenerator) -> FixedLengthClip {
        precondition(length > 0, "randomClip: length must be positive")
        let n = samples.count
        if n > length {
            return clip(length: length, sourceOffset: rng.nextInt(below: n - length + 1), outputOffset: 0)
        }
        let lead = (padRandomly && n < length) ? rng.nextInt(below: length - n + 1) : 0
        return clip(length: length, sourceOffset: 0, outputOffset: lead)
    }

    /// ``randomClip(length:padRandomly:using:)`` for a duration in seconds (3 s by default).
    public func randomClip(duration seconds: Double = 3, padRandomly: Bool = false,
                           using rng: inout RandomGenerator) throws -> FixedLengthClip {
        randomClip(length: try sampleCount(forDuration: seconds), padRandomly: padRandomly, using: &rng)
    }

    /// A deterministic clip of exactly `length` samples (for evaluation); see ``ClipPlacement``.
    public func clip(length: Int, placement: ClipPlacement = .start) -> FixedLengthClip {
        precondition(length > 0, "clip: length must be positive")
        let n = samples.count
        switch placement {
        case .start:
            return clip(length: length, sourceOffset: 0, outputOffset: 0)
        case .center:
            return n >= length
                ? clip(length: length, sourceOffset: (n - length) / 2, outputOffset: 0)
                : clip(length: length, sourceOffset: 0, outputOffset: (length - n) / 2)
        }
    }

    /// ``clip(length:placement:)`` for a duration in seconds (3 s by default).
    public func clip(duration seconds: Double = 3, placement: ClipPlacement = .start) throws -> FixedLengthClip {
        clip(length: try sampleCount(forDuration: seconds), placement: placement)
    }

    /// Copies `samples[sourceOffset...]` to `out[outputOffset...]`, as much as fits in `length`.
    func clip(length: Int, sourceOffset: Int, outputOffset: Int) -> FixedLengthClip {
        let valid = max(0, min(samples.count - sourceOffset, length - outputOffset))
        var out = [Float](repeating: 0, count: length)
        var mask = [Float](repeating: 0, count: length)
        if valid > 0 {
            out.withUnsafeMutableBufferPointer { o in
                samples.withUnsafeBufferPointer { s in
                    (o.baseAddress! + outputOffset).update(from: s.baseAddress! + sourceOffset, count: valid)
                }
            }
            mask.withUnsafeMutableBufferPointer { m in
                (m.baseAddress! + outputOffset).update(repeating: 1, count: valid)
            }
        }
        return FixedLengthClip(samples: out, mask: mask, sourceOffset: sourceOffset, outputOffset: outputOffset,
                               validCount: valid, sampleRate: sampleRate)
    }
}
