import SERTensor

/// SpecAugment on log-mel features: optional time warp, then frequency masks, then time masks (Park et al., 2019).
///
/// Works on `[frames, bands]` or `[batch, frames, bands]`. With a `[batch, frames]` mask of real frames (or explicit
/// frame counts), time warps and masks only use each item's real frames, and padded frames are left as they are.
/// Per item, in order: the time warp's two draws (``TimeWarp``), then for each frequency mask a width
/// `f ∈ 0...F` and start `f0 ∈ 0...bands − f`, then for each time mask a width `t ∈ 0...min(T, ⌊p·τ⌋)` and start
/// `t0 ∈ 0...τ − t`; items are processed in order from one ``RandomGenerator``, so a seed fixes the result.
/// Only applied when `training` is true; otherwise the input is returned as is. The output is a new float32 tensor
/// without autograd history (features are fixed inputs).
public struct SpecAugment: Sendable {
    public let config: SpecAugmentConfig

    public init(config: SpecAugmentConfig = SpecAugmentConfig()) throws {
        try config.validate()
        self.config = config
    }

    /// Augments `features`; `mask` (`[batch, frames]`, 1 for real frames, leading ones) marks the real frames.
    public func callAsFunction(_ features: Tensor, mask: Tensor? = nil, training: Bool,
                               using rng: inout RandomGenerator) throws -> Tensor {
        guard training else { return features }
        var counts: [Int]? = nil
        if let mask {
            let batch = features.rank == 3 ? features.shape[0] : 1
            let frames = features.rank >= 2 ? features.shape[features.rank - 2] : 0
            guard mask.shape == [batch, frames] || (features.rank == 2 && mask.shape == [frames]) else {
                throw SpectralError.badShape(operation: "SpecAugment mask", shape: mask.shape,
                                             expected: "[\(batch), \(frames)] for features \(features.shape)")
            }
            let m = mask.scalars
            counts = (0..<batch).map { b in m[(b * frames)..<((b + 1) * frames)].reduce(0) { $0 + ($1 > 0.5 ? 1 : 0) } }
        }
        return try apply(features, frameCounts: counts, training: true, using: &rng)
    }

    /// Augments `features`, item `b` using its first `frameCounts[b]` frames (`nil`: all frames).
    public func apply(_ features: Tensor, frameCounts: [Int]?, training: Bool, using rng: inout RandomGenerator) throws -> Tensor {
        guard training else { return features }
        guard features.rank == 2 || features.rank == 3 else {
            throw SpectralError.badShape(operation: "SpecAugment", shape: features.shape,
                                         expected: "[frames, bands] or [batch, frames, bands]")
        }
        let batch = features.rank == 3 ? features.shape[0] : 1
        let frames = features.shape[features.rank - 2], bands = features.shape[features.rank - 1]
        let counts = frameCounts ?? Array(repeating: frames, count: batch)
        guard counts.count == batch, counts.allSatisfy({ $0 >= 0 && $0 <= frames }) else {
            throw SpectralError.badLengths(operation: "SpecAugment",
                                           detail: "frame counts \(counts) do not fit \(batch) items of \(frames) frames")
        }
        let input = features.dtype == .float32 ? features.detach() : features.to(.float32)
        let out = input.copy()
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(frames * bands, 1))
        defer { scratch.deallocate() }
        out.withUnsafeMutableBuffer(Float.self) { buffer in
            for b in 0..<batch {
                augmentItem(buffer.baseAddress! + b * frames * bands, frames: counts[b], bands: bands,
                            scratch: scratch, using: &rng)
            }
        }
        return out
    }

    /// Augments one item's `frames × bands` block in place.
    private func augmentItem(_ x: UnsafeMutablePointer<Float>, frames: Int, bands: Int,
                             scratch: UnsafeMutablePointer<Float>, using rng: inout RandomGenerator) {
        guard frames > 0, bands > 0 else { return }
        if config.maxTimeWarp > 0, let (centre, shift) = TimeWarp.draw(frames: frames, maxShift: config.maxTimeWarp, using: &rng) {
            scratch.update(from: x, count: frames * bands)
            TimeWarp.apply(scratch, x, frames: frames, width: bands, centre: centre, shift: shift)
        }
        var fill: Float = 0
        if config.maskValue == .mean {
            var sum = 0.0
            for i in 0..<(frames * bands) { sum += Double(x[i]) }
            fill = Float(sum / Double(frames * bands))
        }
        for _ in 0..<config.frequencyMaskCount {
            let width = rng.nextInt(below: min(config.maxFrequencyMaskWidth, bands) + 1)
            let start = rng.nextInt(below: bands - width + 1)
            for t in 0..<frames { for m in start..<(start + width) { x[t * bands + m] = fill } }
        }
        let maxT = min(config.maxTimeMaskWidth, Int(config.maxTimeMaskFraction * Double(frames)))
        for _ in 0..<config.timeMaskCount {
            let width = rng.nextInt(below: maxT + 1)
            let start = rng.nextInt(below: frames - width + 1)
            (x + start * bands).update(repeating: fill, count: width * bands)
        }
    }
}

extension SpecAugment {
    /// Augments stacked features `[batch, channels, frames, bands]` with their mask `[batch, frames]`: every
    /// channel of every item is augmented on its own (its own masks and warp), items in order and channels in
    /// order within each item, from one generator. What training does to the stacked log-mel channels.
    public func stacked(_ x: Tensor, mask: Tensor, training: Bool, using rng: inout RandomGenerator) throws -> Tensor {
        guard training else { return x }
        guard x.rank == 4, mask.shape == [x.shape[0], x.shape[2]] else {
            throw SpectralError.badShape(operation: "SpecAugment stacked features", shape: x.shape,
                                         expected: "[batch, channels, frames, bands] with a [batch, frames] mask, got mask \(mask.shape)")
        }
        let channels = x.shape[1]
        let flat = x.reshaped([x.shape[0] * channels, x.shape[2], x.shape[3]])
        let m = Tensor.concat(Array(repeating: mask.unsqueezed(1), count: channels), axis: 1).reshaped([x.shape[0] * channels, x.shape[2]])
        return try self(flat, mask: m, training: true, using: &rng).reshaped(x.shape)
    }
}
