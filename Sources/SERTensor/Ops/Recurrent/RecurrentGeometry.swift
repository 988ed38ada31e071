/// Sizes of one recurrent call, the per-sequence lengths, and the layout of the saved buffers.
///
/// **Layout.** Every per-frame buffer is batch-first, row `(b, t)` at `b·time + t`, like the input
/// `[batch, time, features]`: the input projection of a whole layer is then one GEMM over `batch·time`
/// rows, the rows of one time step are a strided matrix (leading dimension `time·width`) that BLAS reads
/// and writes in place, and the weight gradients are single GEMMs over all rows.
///
/// **Lengths (masking).** Sequence `b` has `lengths[b]` valid frames (`1...time`), as with PyTorch's
/// `pack_padded_sequence`: frames `t >= lengths[b]` are never processed, so they neither change the state
/// nor produce output (the output there is 0). The forward direction runs `t = 0 ..< length`; the
/// reverse direction starts at `t = length − 1` from the initial state and runs down to 0. The final state
/// of each direction is its state after its last processed frame.
struct RecurrentGeometry {
    let kind: RecurrentKind
    let batch: Int
    let time: Int
    let inputSize: Int
    let hidden: Int
    let layers: Int
    let directions: Int
    /// Valid frames per sequence; all `time` when the caller gave no lengths.
    let lengths: [Int]

    /// Gates per cell (4 LSTM, 3 GRU).
    var gates: Int { kind.gateCount }
    /// Width of a gate row, `gates · hidden`.
    var gateWidth: Int { kind.gateCount * hidden }
    /// Features of a layer's output, `directions · hidden`.
    var outputWidth: Int { directions * hidden }
    /// Rows of every per-frame buffer, `batch · time`.
    var rows: Int { batch * time }
    /// Features read by `layer`.
    func layerInputSize(_ layer: Int) -> Int { layer == 0 ? inputSize : outputWidth }
    /// Number of (layer, direction) cells.
    var cellCount: Int { layers * directions }

    /// Elements of the final output `[batch, time, directions·hidden]`.
    var outputCount: Int { rows * outputWidth }
    /// Elements of one final-state tensor `[layers·directions, batch, hidden]`.
    var stateCount: Int { cellCount * batch * hidden }
    /// Elements of the packed result: output, then `h_n`, then (LSTM) `c_n`.
    var packedCount: Int { outputCount + stateCount * (kind == .lstm ? 2 : 1) }

    /// Whether frame `t` of sequence `b` is processed.
    @inline(__always) func isValid(_ b: Int, _ t: Int) -> Bool { t < lengths[b] }
    /// The first frame that `reverse` (or the forward direction) processes for sequence `b`.
    @inline(__always) func firstStep(_ b: Int, reverse: Bool) -> Int { reverse ? lengths[b] - 1 : 0 }
    /// The frame processed after `t` in this direction, or `nil` at the edge of the buffer.
    @inline(__always) func nextStep(_ t: Int, reverse: Bool) -> Int? {
        let n = reverse ? t - 1 : t + 1
        return n >= 0 && n < time ? n : nil
    }
    /// The frame handled at position `s` of the time loop (`0..<time`).
    @inline(__always) func frame(_ s: Int, reverse: Bool) -> Int { reverse ? time - 1 - s : s }
    /// True when every sequence covers all frames.
    var isFull: Bool { lengths.allSatisfy { $0 == time } }

    /// Checks `lengths` against the batch and time sizes.
    static func validatedLengths(_ lengths: [Int]?, batch: Int, time: Int) throws -> [Int] {
        guard let lengths else { return [Int](repeating: time, count: batch) }
        guard lengths.count == batch else {
            throw RecurrentError.invalidLengths("\(lengths.count) lengths for a batch of \(batch)")
        }
        if let (b, l) = lengths.enumerated().first(where: { $0.element < 1 || $0.element > time }) {
            throw RecurrentError.invalidLengths("sequence \(b) has length \(l); lengths must be in 1...\(time)")
        }
        return lengths
    }
}
