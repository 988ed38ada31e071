/// A mono audio signal in memory: `samples` at `sampleRate` Hz.
///
/// **Convention.** Samples are 32-bit floats, nominally in `[-1, 1]` (full scale = 1; integer PCM is
/// read as `k / 2^(bits-1)`, so it stays in `[-1, 1)`). Float files may carry values beyond ±1; they
/// are kept as they are, not clipped. Multichannel files are averaged to mono when read.
///
/// Value type: every operation returns a new buffer.
public struct AudioBuffer: Equatable, Sendable {
    /// The samples, one per frame, in time order.
    public var samples: [Float]
    /// Samples per second (Hz), always positive.
    public let sampleRate: Int

    /// A buffer holding `samples` at `sampleRate` Hz.
    /// - Throws: ``AudioError/invalidSampleRate(rate:reason:)`` when `sampleRate <= 0`.
    public init(samples: [Float], sampleRate: Int) throws {
        guard sampleRate > 0 else {
            throw AudioError.invalidSampleRate(rate: sampleRate, reason: "must be a positive number of Hz")
        }
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// For library code that already validated `sampleRate`.
    init(validSamples samples: [Float], sampleRate: Int) {
        assert(sampleRate > 0)
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// Number of samples (frames).
    @inlinable public var count: Int { samples.count }

    /// True when the buffer holds no samples.
    @inlinable public var isEmpty: Bool { samples.isEmpty }

    /// Length in seconds: `count / sampleRate`.
    public var duration: Double { Double(samples.count) / Double(sampleRate) }
}
