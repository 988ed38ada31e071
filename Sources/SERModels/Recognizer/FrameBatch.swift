import SERTensor

/// Batches of per-utterance frame sequences (`[frames, features]`) for the ``Wav2VecClassifier``
/// (input `[batch, time, features]` with real-frame lengths).
///
/// The classifier's CNN block needs at least `minimumFrames` frames
/// (``Wav2VecClassifierConfiguration/minimumInputFrames``, 26 = 0.26 s for the paper's block); shorter
/// items are zero-padded to it and the padding counts as real frames.
package enum FrameBatch {
    /// `[B, T, F]` from `sequences` `[T_i, F]` (zero-padded, T = max(T_i, minimumFrames)) and the lengths.
    package static func pad(_ sequences: [Tensor], minimumFrames: Int) -> (frames: Tensor, lengths: [Int]) {
        let f = sequences.first?.shape[1] ?? 0
        let t = Swift.max(minimumFrames, sequences.map { $0.shape[0] }.max() ?? 0)
        var out = [Float](repeating: 0, count: sequences.count * t * f)
        out.withUnsafeMutableBufferPointer { dst in
            for (i, s) in sequences.enumerated() {
                s.withUnsafeBuffer(Float.self) { src in
                    for k in 0..<src.count { dst[i * t * f + k] = src[k] }
                }
            }
        }
        let lengths = sequences.map { Swift.max(minimumFrames, $0.shape[0]) }
        return (Tensor(shape: [sequences.count, t, f], data: out), lengths)
    }

    /// `x` `[B, T, F]` zero-padded in time to at least `minimumFrames`, lengths raised to it.
    package static func atLeast(_ x: Tensor, lengths: [Int], minimumFrames: Int) -> (frames: Tensor, lengths: [Int]) {
        let (b, t, f) = (x.shape[0], x.shape[1], x.shape[2])
        let padded = t >= minimumFrames ? x : Tensor.concat([x, Tensor.zeros([b, minimumFrames - t, f], dtype: x.dtype)], axis: 1)
        return (padded, lengths.map { Swift.max(minimumFrames, $0) })
    }

    /// Real frames per item of a frame mask `[B, T]` (1 real, 0 padding).
    package static func lengths(mask: Tensor) -> [Int] {
        mask.sum(axes: [1]).scalars.map { Int($0.rounded()) }
    }

    /// Each item normalised to zero mean and unit variance per feature over its real frames: the one
    /// per-utterance normalisation, ``FeatureNormalization/utterance``, on `[B, 1, T, F]`; padding frames
    /// stay 0. Differentiable.
    package static func normalized(_ x: Tensor, lengths: [Int]) -> Tensor {
        let (b, t, f) = (x.shape[0], x.shape[1], x.shape[2])
        let mask = Tensor.fromFunction([b, t], dtype: x.dtype) { i in i % t < lengths[i / t] ? 1 : 0 }
        return FeatureNormalization.utterance.apply(x.reshaped([b, 1, t, f]), mask: mask).reshaped([b, t, f])
    }
}
