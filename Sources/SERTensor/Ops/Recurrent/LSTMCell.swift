/// The time loop of one LSTM layer-direction, forward and backward (PyTorch's `nn.LSTM` cell):
///
///     i = σ(W_ii x + b_ii + W_hi h + b_hi)      f = σ(W_if x + b_if + W_hf h + b_hf)
///     g = tanh(W_ig x + b_ig + W_hg h + b_hg)   o = σ(W_io x + b_io + W_ho h + b_ho)
///     c' = f ⊙ c + i ⊙ g                        h' = o ⊙ tanh(c')
///
/// Shapes: `B` batch, `T` time, `H` hidden, gate rows `[4H]` in the order (i, f, g, o).
/// On entry `gates` holds `x·W_ihᵀ` for every frame (one GEMM done by the caller); each step adds
/// `h_{t−1}·W_hhᵀ` with one GEMM straight into the step's strided rows (`W_hh` packed once per sequence when
/// LaneGEMM runs it, ``RepeatedRightOperand``), then one fused pass applies the biases and nonlinearities and
/// updates the state. Nothing is allocated inside the loop.
enum LSTMCell {
    static func forward<T: TensorScalar>(_ geo: RecurrentGeometry, reverse: Bool,
                                         _ buf: RecurrentCellBuffers<T>, _ io: RecurrentCellIO<T>) {
        let B = geo.batch, TT = geo.time, H = geo.hidden, GH = 4 * H
        guard let cPrev = buf.cPrev, let cN = io.cN else { preconditionFailure("LSTMCell: missing cell-state buffers") }
        for b in 0..<B {
            let row = b * TT + geo.firstStep(b, reverse: reverse)
            if let h0 = io.h0 { (buf.hPrev + row * H).update(from: h0 + b * H, count: H) }
            else { (buf.hPrev + row * H).update(repeating: 0, count: H) }
            if let c0 = io.c0 { (cPrev + row * H).update(from: c0 + b * H, count: H) }
            else { (cPrev + row * H).update(repeating: 0, count: H) }
        }
        let bias = io.bias
        let recurrentWeight = RepeatedRightOperand(b: io.weightHH, ldb: H, transposed: true, k: H, n: GH, rows: B)
        for s in 0..<TT {
            let t = geo.frame(s, reverse: reverse)
            // gates[:, t] += h_{t−1} · W_hhᵀ   (m = B rows strided by T·4H, n = 4H, k = H)
            recurrentWeight.multiply(m: B, a: buf.hPrev + t * H, lda: TT * H, beta: 1, c: buf.gates + t * GH,
                                     ldc: TT * GH, splitting: io.threading.splitsGEMMs)
            io.threading.forRows(B, costPerItem: GH * 8) { range in
                for b in range where geo.isValid(b, t) {
                    let row = b * TT + t
                    let g = buf.gates + row * GH, cp = cPrev + row * H, tc = buf.aux + row * H
                    let hn = io.hN + b * H, cn = cN + b * H
                    // Base pointers per gate (no index arithmetic in the loops, so they vectorise).
                    let gi = g, gf = g + H, gg = g + 2 * H, go = g + 3 * H
                    for j in 0..<(2 * H) { g[j] = GateActivation.sigmoid(g[j] + bias[j]) }
                    for j in (2 * H)..<(3 * H) { g[j] = GateActivation.tanh(g[j] + bias[j]) }
                    for j in (3 * H)..<GH { g[j] = GateActivation.sigmoid(g[j] + bias[j]) }
                    for j in 0..<H { cn[j] = gf[j] * cp[j] + gi[j] * gg[j] }
                    for j in 0..<H { tc[j] = GateActivation.tanh(cn[j]) }
                    for j in 0..<H { hn[j] = go[j] * tc[j] }
                    (io.output + row * io.outputStride).update(from: hn, count: H)
                    if let next = geo.nextStep(t, reverse: reverse) {
                        let nrow = b * TT + next
                        (buf.hPrev + nrow * H).update(from: hn, count: H)
                        (cPrev + nrow * H).update(from: cn, count: H)
                    }
                }
            }
        }
    }

    /// Back-propagation through time, frames in the reverse of the forward order. Per frame one fused
    /// pass turns `∂h`, `∂c` into `∂(pre-activations)` (stored for the weight GEMMs done by the caller)
    /// and `∂c_{t−1}`; then `∂h_{t−1} = ∂gates · W_hh` is one GEMM accumulated into the running `∂h`.
    static func backward<T: TensorScalar>(_ geo: RecurrentGeometry, reverse: Bool,
                                          _ buf: RecurrentCellBuffers<T>, _ io: RecurrentCellGradIO<T>) {
        let B = geo.batch, TT = geo.time, H = geo.hidden, GH = 4 * H
        guard let cPrev = buf.cPrev, let dcRun = io.dc else { preconditionFailure("LSTMCell: missing cell-state buffers") }
        let dG = io.dGatesInput
        let recurrentWeight = RepeatedRightOperand(b: io.weightHH, ldb: H, transposed: false, k: GH, n: H, rows: B)
        for s in 0..<TT {
            let t = geo.frame(s, reverse: !reverse)
            io.threading.forRows(B, costPerItem: GH * 4) { range in
                for b in range where geo.isValid(b, t) {
                    let row = b * TT + t
                    let g = buf.gates + row * GH, cp = cPrev + row * H, tc = buf.aux + row * H
                    let dy = io.dOutput + row * io.outputStride
                    let dh = io.dh + b * H, dc = dcRun + b * H, d = dG + row * GH
                    // Short loops with one output each, so that the compiler vectorises them.
                    let gi = g, gf = g + H, gg = g + 2 * H, go = g + 3 * H
                    let di = d, df = d + H, dg = d + 2 * H, dout = d + 3 * H
                    for j in 0..<H { dh[j] += dy[j] }                                    // ∂h (output + recurrent)
                    for j in 0..<H { dc[j] += dh[j] * go[j] * (1 - tc[j] * tc[j]) }      // ∂c
                    for j in 0..<H { dout[j] = dh[j] * tc[j] * go[j] * (1 - go[j]) }     // ∂ô
                    for j in 0..<H { di[j] = dc[j] * gg[j] * gi[j] * (1 - gi[j]) }       // ∂î
                    for j in 0..<H { df[j] = dc[j] * cp[j] * gf[j] * (1 - gf[j]) }       // ∂f̂
                    for j in 0..<H { dg[j] = dc[j] * gi[j] * (1 - gg[j] * gg[j]) }       // ∂ĝ
                    for j in 0..<H { dc[j] *= gf[j] }                                    // ∂c_{t−1}
                    dh.update(repeating: 0, count: H)                                    // the GEMM adds ∂h_{t−1}
                }
            }
            // ∂h_{t−1} = ∂gates_t · W_hh  (rows of skipped sequences are zero and leave their ∂h unchanged)
            recurrentWeight.multiply(m: B, a: dG + t * GH, lda: TT * GH, beta: 1, c: io.dh, ldc: H,
                                     splitting: io.threading.splitsGEMMs)
        }
    }
}
