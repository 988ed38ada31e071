/// What the forward pass of a recurrent stack keeps for its backward pass, and the pointers the cell
/// kernels work on. `G·H` = gate width, rows batch-first (see ``RecurrentGeometry``).
///
/// Per cell (layer, direction):
/// - `gates [B, T, G·H]`: the gate activations (LSTM `i, f, g, o`; GRU `r, z, n`), post-nonlinearity;
/// - `hPrev [B, T, H]`: the hidden state entering each frame;
/// - `cPrev [B, T, H]` (LSTM): the cell state entering each frame;
/// - `aux [B, T, H]`: LSTM `tanh(c_t)`; GRU `W_hn·h_{t−1} + b_hn` (needed for `∂r`).
/// Per layer below the top: its output `[B, T, directions·H]` (the next layer's input, for `∂W_ih`).
/// With ragged lengths, frames past a sequence's length are zero in `hPrev`/`cPrev` and layer outputs
/// (the step GEMMs read them; the results are discarded) and ignored elsewhere. Without, every element
/// is written before it is read, so nothing is zero-filled.
final class RecurrentTape<T: TensorScalar> {
    let geometry: RecurrentGeometry
    var gates: [TensorStorage] = []
    var hPrev: [TensorStorage] = []
    var cPrev: [TensorStorage] = []
    var aux: [TensorStorage] = []
    /// Outputs of layers `0 ..< layers − 1` (the top layer writes straight into the result).
    var layerOutputs: [TensorStorage] = []

    init(_ geometry: RecurrentGeometry) {
        self.geometry = geometry
    }

    /// A buffer of `count` elements, zero-filled when `zeroed`.
    static func buffer(_ count: Int, zeroed: Bool = true) -> TensorStorage {
        TensorStorage(dtype: T.dtype, count: count, zeroed: zeroed)
    }

    /// Frees the per-cell buffers of `layer` and the output of the layer below it (inference: nothing
    /// will read them again). The arrays keep empty placeholders so that indices stay valid.
    func release(layer: Int) {
        let empty = Self.buffer(0)
        for d in 0..<geometry.directions {
            let ci = layer * geometry.directions + d
            gates[ci] = empty
            hPrev[ci] = empty
            if geometry.kind == .lstm { cPrev[ci] = empty }
            aux[ci] = empty
        }
        if layer > 0 { layerOutputs[layer - 1] = empty }
    }

    /// Pointers for one cell's kernels.
    func cell(_ index: Int) -> RecurrentCellBuffers<T> {
        RecurrentCellBuffers(gates: gates[index].pointer(T.self), hPrev: hPrev[index].pointer(T.self),
                             cPrev: geometry.kind == .lstm ? cPrev[index].pointer(T.self) : nil,
                             aux: aux[index].pointer(T.self))
    }

    /// Allocates the saved buffers of one cell (states zeroed when lengths are ragged, so that skipped
    /// frames hold finite values).
    func addCell() {
        let g = geometry, ragged = !g.isFull
        gates.append(Self.buffer(g.rows * g.gateWidth, zeroed: false))
        hPrev.append(Self.buffer(g.rows * g.hidden, zeroed: ragged))
        if g.kind == .lstm { cPrev.append(Self.buffer(g.rows * g.hidden, zeroed: ragged)) }
        aux.append(Self.buffer(g.rows * g.hidden, zeroed: false))
    }
}

/// Raw pointers to one cell's saved buffers (see ``RecurrentTape``).
struct RecurrentCellBuffers<T: TensorScalar> {
    let gates: UnsafeMutablePointer<T>
    let hPrev: UnsafeMutablePointer<T>
    let cPrev: UnsafeMutablePointer<T>?
    let aux: UnsafeMutablePointer<T>
}

/// The per-cell inputs and outputs of a cell kernel's time loop.
struct RecurrentCellIO<T: TensorScalar> {
    /// `W_hh [G·H, H]`.
    let weightHH: UnsafePointer<T>
    /// Biases added before the nonlinearities, `[G·H]`: LSTM `b_ih + b_hh`; GRU `b_ir + b_hr`,
    /// `b_iz + b_hz`, `b_in` (zeros without biases).
    let bias: UnsafePointer<T>
    /// GRU only: `b_hn [H]`, added to `W_hn·h` inside `r ⊙ (·)`.
    let biasHiddenN: UnsafePointer<T>?
    /// Initial hidden / cell state `[B, H]`, or `nil` for zeros.
    let h0: UnsafePointer<T>?
    let c0: UnsafePointer<T>?
    /// This direction's columns of the layer output (`+ direction·H`); row stride `outputStride`.
    let output: UnsafeMutablePointer<T>
    let outputStride: Int
    /// Final hidden / cell state `[B, H]` (written after every frame; ends as the last frame's state).
    let hN: UnsafeMutablePointer<T>
    let cN: UnsafeMutablePointer<T>?
    /// How the time loop uses the cores (``RecurrentLoopThreading``).
    let threading: RecurrentLoopThreading
}

/// The per-cell inputs and outputs of a cell kernel's backward time loop.
struct RecurrentCellGradIO<T: TensorScalar> {
    /// `W_hh [G·H, H]`.
    let weightHH: UnsafePointer<T>
    /// `∂L/∂output` for this direction's columns; row stride `outputStride`.
    let dOutput: UnsafePointer<T>
    let outputStride: Int
    /// Running `∂L/∂h` `[B, H]`: holds `∂L/∂h_n` on entry and `∂L/∂h_0` on exit.
    let dh: UnsafeMutablePointer<T>
    /// Running `∂L/∂c` (LSTM), likewise `∂L/∂c_n` → `∂L/∂c_0`.
    let dc: UnsafeMutablePointer<T>?
    /// `∂L/∂(input pre-activations)` `[B, T, G·H]`, zero on skipped frames (for `∂W_ih`, `∂b_ih`, `∂x`).
    let dGatesInput: UnsafeMutablePointer<T>
    /// `∂L/∂(recurrent pre-activations)` `[B, T, G·H]` (for `∂W_hh`, `∂b_hh`, `∂h`); the same buffer as
    /// `dGatesInput` for LSTM, whose gates add both projections before the nonlinearity.
    let dGatesHidden: UnsafeMutablePointer<T>
    /// How the time loop uses the cores (``RecurrentLoopThreading``).
    let threading: RecurrentLoopThreading
}
