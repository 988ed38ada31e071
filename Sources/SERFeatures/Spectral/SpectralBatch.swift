import SERTensor

/// Frame-wise features of a batch of signals of different lengths.
public struct SpectralBatch {
    /// `[batch, frames, channels]` float32; rows past an item's own frame count are 0.
    public var features: Tensor
    /// `[batch, frames]` float32: 1 for a real frame, 0 for padding (the layout `Tensor.maskedMean` expects).
    public var mask: Tensor
    /// Real frames per item.
    public var frameCounts: [Int]
}

/// Checks and normalises a batched signal input.
enum SignalBatch {
    /// `signal` as contiguous float32 `[batch, samples]` (a rank-1 tensor is a batch of one), with per-item
    /// lengths (`nil`: every item uses all `samples`).
    static func prepare(_ signal: Tensor, lengths: [Int]?, operation: String) throws -> (data: Tensor, batch: Int, samples: Int, lengths: [Int]) {
        guard signal.rank == 1 || signal.rank == 2 else {
            throw SpectralError.badShape(operation: operation, shape: signal.shape, expected: "[samples] or [batch, samples]")
        }
        let batch = signal.rank == 2 ? signal.shape[0] : 1
        let samples = signal.shape[signal.rank - 1]
        let data = signal.dtype == .float32 ? signal : signal.to(.float32)
        let lens = lengths ?? Array(repeating: samples, count: batch)
        guard lens.count == batch else {
            throw SpectralError.badLengths(operation: operation, detail: "\(lens.count) lengths for a batch of \(batch)")
        }
        if let bad = lens.firstIndex(where: { $0 < 0 || $0 > samples }) {
            throw SpectralError.badLengths(operation: operation,
                                           detail: "length \(lens[bad]) of item \(bad) is outside 0...\(samples)")
        }
        return (data, batch, samples, lens)
    }

    /// A `[batch, frames]` float32 mask with `frameCounts[b]` leading ones per row.
    static func mask(frameCounts: [Int], frames: Int) -> Tensor {
        let m = Tensor(zeros: [frameCounts.count, frames])
        m.withUnsafeMutableBuffer(Float.self) { p in
            for (b, n) in frameCounts.enumerated() { for t in 0..<n { p[b * frames + t] = 1 } }
        }
        return m
    }
}
