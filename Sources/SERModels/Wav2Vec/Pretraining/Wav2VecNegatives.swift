import SERTensor

/// The distractor ("negative") frames of one batch for the wav2vec objective, as indices into each utterance's
/// encoder frames.
///
/// Layout `[batch, count, frames]`, row-major, as fairseq's `neg_idxs.view(bsz, n_negatives, tsz)`: element
/// `(b, n, t)` is the frame of utterance `b` used as the `n`-th distractor for target frame `t`. One set per
/// (utterance, target frame), shared by every prediction step whose target is that frame.
///
/// ``sample(batch:count:frames:using:)`` draws fairseq 2019's negatives (`torch.randint(0, T)`): uniform over all
/// `T` frames of the same utterance, so the target frame itself can be drawn. Pass explicit indices (e.g. a
/// reference implementation's) with ``init(batch:count:frames:indices:)``.
public struct Wav2VecNegatives: Equatable, Sendable {
    public let batch: Int
    /// Negatives per target frame.
    public let count: Int
    /// Frames per utterance (T).
    public let frames: Int
    /// `batch · count · frames` indices in `0..<frames`, layout `[batch, count, frames]`.
    public let indices: [Int]

    /// Explicit indices. - Throws: ``Wav2VecObjectiveError/invalidNegatives(_:)`` when the count does not match
    /// the shape or an index lies outside `0..<frames`.
    public init(batch: Int, count: Int, frames: Int, indices: [Int]) throws {
        guard batch >= 1, count >= 1, frames >= 1 else {
            throw Wav2VecObjectiveError.invalidNegatives("shape [\(batch), \(count), \(frames)] must be positive")
        }
        guard indices.count == batch * count * frames else {
            throw Wav2VecObjectiveError.invalidNegatives("\(indices.count) indices for shape [\(batch), \(count), \(frames)]")
        }
        if let i = indices.firstIndex(where: { $0 < 0 || $0 >= frames }) {
            throw Wav2VecObjectiveError.invalidNegatives("index \(indices[i]) at position \(i) outside 0..<\(frames)")
        }
        self.batch = batch
        self.count = count
        self.frames = frames
        self.indices = indices
    }

    private init(unchecked batch: Int, _ count: Int, _ frames: Int, _ indices: [Int]) {
        self.batch = batch
        self.count = count
        self.frames = frames
        self.indices = indices
    }

    /// Uniform draws from `0..<frames`, in layout order (utterance, negative, frame), from `rng`.
    public static func sample(batch: Int, count: Int, frames: Int, using rng: inout RandomGenerator) -> Wav2VecNegatives {
        precondition(batch >= 1 && count >= 1 && frames >= 1, "Wav2VecNegatives: shape [\(batch), \(count), \(frames)]")
        var idx = [Int](repeating: 0, count: batch * count * frames)
        for i in idx.indices { idx[i] = rng.nextInt(below: frames) }
        return Wav2VecNegatives(unchecked: batch, count, frames, idx)
    }

    /// The `n`-th distractor of target frame `t` in utterance `b`.
    @inline(__always)
    public subscript(b: Int, n: Int, t: Int) -> Int { indices[(b * count + n) * frames + t] }
}
