import SERModels
import SERTensor

extension FrameBatch {
    /// `[B, frames, F]` holding frames `start ..< start + count` of `sequences[crop.utterance]` for each
    /// crop (zero after `count`), with lengths raised to `minimumFrames`.
    static func crops(_ crops: [SegmentCrop], of sequences: [Tensor], frames: Int, minimumFrames: Int) -> (frames: Tensor, lengths: [Int]) {
        let t = Swift.max(frames, minimumFrames)
        let f = sequences.first?.shape[1] ?? 0
        var out = [Float](repeating: 0, count: crops.count * t * f)
        out.withUnsafeMutableBufferPointer { dst in
            for (i, c) in crops.enumerated() {
                sequences[c.utterance].withUnsafeBuffer(Float.self) { src in
                    for k in 0..<(Swift.min(c.count, t) * f) { dst[i * t * f + k] = src[c.start * f + k] }
                }
            }
        }
        return (Tensor(shape: [crops.count, t, f], data: out), crops.map { Swift.max(minimumFrames, Swift.min($0.count, t)) })
    }
}
