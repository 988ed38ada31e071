import SERTensor

/// STFT magnitude or power spectrogram (`|STFT|^power`, librosa `stft` conventions; see ``STFTConfig``).
///
/// Output is frame-major: `[frames, fftSize/2 + 1]` for one signal, `[batch, frames, fftSize/2 + 1]` for a batch
/// (the transpose of librosa's `[bins, frames]`). Frames are computed in parallel with KissFFT.
public struct Spectrogram {
    public let config: STFTConfig
    let windowValues: [Float]

    /// Validates `config` and checks that an FFT of its size can be planned.
    public init(config: STFTConfig = STFTConfig()) throws {
        try config.validate()
        guard RealFFTPlanCache.shared.withPlan(size: config.fftSize, { $0 != nil }) else {
            throw SpectralError.fftUnavailable(size: config.fftSize)
        }
        self.config = config
        windowValues = config.window.values(length: config.windowLength).map { Float($0) }
    }

    /// `[frames, bins]` for one signal. Throws ``SpectralError/signalTooShort(samples:required:)`` when it
    /// has no frame (empty, or shorter than `fftSize` without centring).
    public func compute(_ samples: [Float]) throws -> Tensor {
        try compute(Tensor(samples))
    }

    /// `[frames, bins]` for a rank-1 signal, or `[batch, frames, bins]` for `[batch, samples]` (all items full length).
    public func compute(_ signal: Tensor) throws -> Tensor {
        let result = try compute(batch: signal, lengths: nil)
        if signal.rank == 1 {
            guard result.frameCounts[0] > 0 else {
                throw SpectralError.signalTooShort(samples: signal.count, required: config.center ? 1 : config.fftSize)
            }
            return result.features.reshaped(Array(result.features.shape.dropFirst()))
        }
        return result.features
    }

    /// Spectrogram of each item of `[batch, samples]` (or `[samples]`, a batch of one), item `b` using only its
    /// first `lengths[b]` samples exactly as if it were given alone (padding applies at its own end).
    /// Frames past an item's count are zero and masked out. Items may have zero frames.
    public func compute(batch signal: Tensor, lengths: [Int]?) throws -> SpectralBatch {
        let (data, batch, samples, lens) = try SignalBatch.prepare(signal, lengths: lengths, operation: "Spectrogram")
        let config = self.config, window = windowValues
        let counts = lens.map { config.frameCount(samples: $0) }
        let frames = counts.max() ?? 0
        let bins = config.binCount
        let out = Tensor(zeros: [batch, frames, bins])
        try data.withUnsafeBuffer(Float.self) { src in
            try out.withUnsafeMutableBuffer(Float.self) { dst in
                let items = (0..<batch).map { b in
                    FrameItem(signal: src.baseAddress! + b * samples, length: lens[b], frames: counts[b],
                              output: dst.baseAddress! + b * frames * bins, index: b)
                }
                try FrameScheduler.run(items, rowStride: bins, costPerFrame: 8 * config.fftSize,
                                       makeWorker: { try FrameAnalyzer(config: config, windowValues: window) },
                                       release: { $0.release() },
                                       body: { worker, item, t, row in
                                           worker.spectrum(of: item.signal, length: item.length, frame: t, into: row)
                                       })
            }
        }
        return SpectralBatch(features: out, mask: SignalBatch.mask(frameCounts: counts, frames: frames), frameCounts: counts)
    }
}
