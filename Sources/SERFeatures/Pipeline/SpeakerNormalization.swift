import SERTensor

/// Per-speaker standardisation of stacked log-mel features `[batch, channels, frames, bands]`: each
/// speaker's features get zero mean and unit variance per channel and band, with statistics over
/// the real frames of all that speaker's utterances in the set being processed (training set, or the
/// utterances being evaluated). Removes speaker identity (vocal tract, habitual pitch and voice
/// quality) while keeping the differences between one speaker's utterances, which carry emotion.
///
/// Statistics come from the ``FeatureStack``'s output (after its per-utterance normalisation; use it
/// with ``FeatureNormalization/level`` so recording level is removed first), without augmentation.
/// Evaluating a test speaker uses that speaker's unlabelled utterances, as speaker normalisation in
/// the emotion-recognition literature does; `ser-cli predict` treats each file as its own speaker.
public struct SpeakerNormalization: Sendable {
    /// Mean and reciprocal standard deviation of one speaker, `[channels · bands]` each.
    public struct Statistics: Sendable, Equatable {
        public var mean: [Float]
        public var inverseScale: [Float]
        /// Real frames the statistics were taken over.
        public var frames: Int
    }

    public let channels: Int
    public let bands: Int
    public private(set) var speakers: [String: Statistics]
    /// Added to the variance before the square root (natural-log units squared).
    public static let varianceFloor = 1e-4

    /// Per-speaker sums over the real frames of feature batches, for ``statistics()``.
    public struct Accumulator {
        public let channels: Int
        public let bands: Int
        private var sums: [String: (sum: [Double], squares: [Double], frames: Int)] = [:]

        public init(channels: Int, bands: Int) {
            self.channels = channels
            self.bands = bands
        }

        /// Adds a batch `[batch, channels, frames, bands]` with its mask `[batch, frames]` and speakers.
        public mutating func add(_ x: Tensor, mask: Tensor, speakers names: [String]) {
            let frames = x.shape[2], width = channels * bands
            let values = x.doubles, real = mask.doubles
            for (i, speaker) in names.enumerated() {
                var entry = sums[speaker] ?? ([Double](repeating: 0, count: width), [Double](repeating: 0, count: width), 0)
                for t in 0..<frames where real[i * frames + t] > 0 {
                    for c in 0..<channels {
                        let base = ((i * channels + c) * frames + t) * bands
                        for f in 0..<bands {
                            let v = values[base + f]
                            entry.sum[c * bands + f] += v
                            entry.squares[c * bands + f] += v * v
                        }
                    }
                    entry.frames += 1
                }
                sums[speaker] = entry
            }
        }

        /// Mean and reciprocal standard deviation per speaker.
        /// - Throws: ``SpeakerNormalizationError/noFrames(speaker:)`` for a speaker without real frames.
        public func statistics() throws -> SpeakerNormalization {
            var speakers: [String: Statistics] = [:]
            for (speaker, s) in sums {
                guard s.frames > 0 else { throw SpeakerNormalizationError.noFrames(speaker: speaker) }
                let n = Double(s.frames)
                let mean = s.sum.map { $0 / n }
                let inverse = zip(s.squares, mean).map { sq, m in Float(1 / (Swift.max(sq / n - m * m, 0) + varianceFloor).squareRoot()) }
                speakers[speaker] = Statistics(mean: mean.map { Float($0) }, inverseScale: inverse, frames: s.frames)
            }
            return SpeakerNormalization(channels: channels, bands: bands, speakers: speakers)
        }
    }

    /// `(x − mean_s) / sd_s` per item with its speaker's statistics; padded frames (mask 0) stay 0.
    /// Throws if a speaker has no statistics.
    public func apply(_ x: Tensor, mask: Tensor, speakers names: [String]) throws -> Tensor {
        let b = x.shape[0]
        guard x.rank == 4, x.shape[1] == channels, x.shape[3] == bands, names.count == b, mask.shape == [b, x.shape[2]] else {
            throw SpeakerNormalizationError.shapeMismatch("features \(x.shape), mask \(mask.shape), \(names.count) speakers do not fit \(channels) channels × \(bands) bands")
        }
        var mean = [Float](), scale = [Float]()
        mean.reserveCapacity(b * channels * bands)
        scale.reserveCapacity(b * channels * bands)
        for name in names {
            guard let s = speakers[name] else {
                throw SpeakerNormalizationError.unknownSpeaker(name)
            }
            mean += s.mean
            scale += s.inverseScale
        }
        let shape = [b, channels, 1, bands]
        let m = Tensor(shape: shape, data: mean).to(x.dtype), k = Tensor(shape: shape, data: scale).to(x.dtype)
        return (x - m) * k * mask.reshaped([b, 1, x.shape[2], 1]).to(x.dtype)
    }
}


/// Why speaker normalisation cannot be applied.
public enum SpeakerNormalizationError: Error, CustomStringConvertible, Equatable {
    /// A speaker's utterances hold no real frames.
    case noFrames(speaker: String)
    /// Features of a speaker whose statistics were not gathered.
    case unknownSpeaker(String)
    /// Features, mask and speaker list do not fit the statistics.
    case shapeMismatch(String)

    public var description: String {
        switch self {
        case .noFrames(let speaker): return "speaker normalisation: speaker '\(speaker)' has no audio frames"
        case .unknownSpeaker(let name): return "speaker normalisation: no statistics for speaker '\(name)'"
        case .shapeMismatch(let m): return "speaker normalisation: \(m)"
        }
    }
}
