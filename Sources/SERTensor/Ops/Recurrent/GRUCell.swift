/// The time loop of one GRU layer-direction, forward and backward (PyTorch's `nn.GRU` cell):
///
///     r = σ(W_ir x + b_ir + W_hr h + b_hr)      z = σ(W_iz x + b_iz + W_hz h + b_hz)
///     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
///     h' = (1 − z) ⊙ n + z ⊙ h
///
/// Shapes: `B` batch, `T` time, `H` hidden, gate rows `[3H]` in the order (r, z, n).
/// On entry `gates` holds `x·W_ihᵀ` for every frame (one GEMM by the caller). Because `r`
/// multiplies the recurrent part of `n`, each step's `h_{t−1}·W_hhᵀ` goes to a scratch `[B, 3H]`, and
/// one fused pass combines both projections, applies the nonlinearities and updates the state.
enum GRUCell {
    static func forward<T: TensorScalar>(_ geo: RecurrentGeometry, reverse: Bool,
                                         _ buf: RecurrentCellBuffers<T>, _ io: RecurrentCellIO<T>) {
        let B = geo.batch, TT = geo.time, H = geo.hidden, GH = 3 * H
        for b in 0..<B {
            let first = buf.hPrev + (b * TT + geo.firstStep(b, reverse: reverse)) * H
            if let h0 = io.h0 { first.update(from: h0 + b * H, count: H) } else { first.update(repeating: 0, count: H) }
        }
        let bias = io.bias
        guard let biasN = io.biasHiddenN else { preconditionFailure("GRUCell: missing b_hn") }
        let scratch = UnsafeMutablePointer<T>.allocate(capacity: B * GH)
        defer { scratch.deallocate() }
        let recurrentWeight = RepeatedRightOperand(b: io.weightHH, ldb: H, transposed: true, k: H, n: GH, rows: B)
        for s in 0..<TT {
            let t = geo.frame(s, reverse: reverse)
            // scratch = h_{t−1} · W_hhᵀ   (m = B rows strided by T·H, n = 3H, k = H)
            recurrentWeight.multiply(m: B, a: buf.hPrev + t * H, lda: TT * H, beta: 0, c: scratch, ldc: GH,
                                     splitting: io.threading.splitsGEMMs)
            io.threading.forRows(B, costPerItem: GH * 8) { range in
                for b in range where geo.isValid(b, t) {
                    let row = b * TT + t
                    let g = buf.gates + row * GH, u = scratch + b * GH
                    let hp = buf.hPrev + row * H, an = buf.aux + row * H, hn = io.hN + b * H
                    // Base pointers per gate (no index arithmetic in the loops, so they vectorise).
                    let r = g, z = g + H, n = g + 2 * H, un = u + 2 * H, bn = bias + 2 * H
                    for j in 0..<(2 * H) { g[j] = GateActivation.sigmoid(g[j] + u[j] + bias[j]) }
                    // Loops never read and write the same buffer at different offsets (the compiler would
                    // fall back to scalar code); `hn` holds n's pre-activation until the last loop.
                    for j in 0..<H { an[j] = un[j] + biasN[j] }
                    for j in 0..<H { hn[j] = n[j] + bn[j] + r[j] * an[j] }
                    for j in 0..<H { n[j] = GateActivation.tanh(hn[j]) }
                    for j in 0..<H { hn[j] = (1 - z[j]) * n[j] + z[j] * hp[j] }
                    (io.output + row * io.outputStride).update(from: hn, count: H)
                    if let next = geo.nextStep(t, reverse: reverse) {
                        (buf.hPrev + (b * TT + next) * H).update(from: hn, count: H)
                    }
                }
            }
        }
    }

    /// Back-propagation through time, frames in the reverse of the forward order:
    ///
    ///     ∂n̂ = ∂h'(1 − z)(1 − n²)        ∂ẑ = ∂h'(h − n) z(1 − z)       ∂r̂ = ∂n̂ (W_hn h + b_hn) r(1 − r)
    ///     input side (r̂, ẑ, ∂n̂)          hidden side (r̂, ẑ, r ∂n̂)       ∂h = ∂h' z + ∂(hidden side) · W_hh
    static func backward<T: TensorScalar>(_ geo: RecurrentGeometry, reverse: Bool,
                                          _ buf: RecurrentCellBuffers<T>, _ io: RecurrentCellGradIO<T>) {
        let B = geo.batch, TT = geo.time, H = geo.hidden, GH = 3 * H
        let dGx = io.dGatesInput, dGh = io.dGatesHidden
        let recurrentWeight = RepeatedRightOperand(b: io.weightHH, ldb: H, transposed: false, k: GH, n: H, rows: B)
        for s in 0..<TT {
            let t = geo.frame(s, reverse: !reverse)
            io.threading.forRows(B, costPerItem: GH * 4) { range in
                for b in range where geo.isValid(b, t) {
                    let row = b * TT + t
                    let g = buf.gates + row * GH, hp = buf.hPrev + row * H, an = buf.aux + row * H
                    let dy = io.dOutput + row * io.outputStride, dh = io.dh + b * H
                    let dx = dGx + row * GH, dhid = dGh + row * GH
                    // Short loops with one output each, so that the compiler vectorises them.
                    let r = g, z = g + H, n = g + 2 * H
                    let dr = dx, dz = dx + H, dn = dx + 2 * H, dhn = dhid + 2 * H
                    for j in 0..<H { dh[j] += dy[j] }                                          // ∂h'
                    // No loop reads and writes one buffer at different offsets (that defeats vectorisation).
                    for j in 0..<H { dn[j] = dh[j] * (1 - z[j]) * (1 - n[j] * n[j]) }          // ∂n̂
                    for j in 0..<H { dz[j] = dh[j] * (hp[j] - n[j]) * z[j] * (1 - z[j]) }      // ∂ẑ
                    for j in 0..<H {                                                           // ∂r̂ = ∂n̂·a·r(1−r)
                        dr[j] = dh[j] * (1 - z[j]) * (1 - n[j] * n[j]) * an[j] * r[j] * (1 - r[j])
                    }
                    dhid.update(from: dx, count: 2 * H)
                    for j in 0..<H { dhn[j] = dn[j] * r[j] }                                   // r ⊙ ∂n̂
                    for j in 0..<H { dh[j] *= z[j] }                                           // direct path to h
                }
            }
            // ∂h_{t−1} += ∂hidden_t · W_hh  (zero rows for skipped sequences leave their ∂h unchanged)
            recurrentWeight.multiply(m: B, a: dGh + t * GH, lda: TT * GH, beta: 1, c: io.dh, ldc: H,
                                     splitting: io.threading.splitsGEMMs)
        }
    }
}
