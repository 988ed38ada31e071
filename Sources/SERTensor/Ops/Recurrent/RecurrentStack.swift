/// Runs a whole stack of recurrent layers (all layers, both directions) forward and backward.
///
/// Forward, per layer and direction: one GEMM `gates = X · W_ihᵀ` over all `B·T` frames (BLAS transpose
/// flag, no copy), then the cell's time loop (``LSTMCell``, ``GRUCell``). Layer `k + 1` reads layer `k`'s
/// output `[B, T, directions·H]` (forward columns first, then reverse). The top layer writes its output
/// and every layer its final states straight into the packed result buffer
/// `[output (B·T·D·H) | h_n (L·D·B·H) | c_n (L·D·B·H, LSTM)]`.
///
/// Backward, per layer from the top and per direction: the cell's backward time loop stores
/// `∂gates [B·T, G·H]`; then `∂W_ih = ∂gatesᵀ · X`, `∂W_hh = ∂gatesᵀ · H_prev` and `∂X (+)= ∂gates · W_ih`
/// are one GEMM each, and the bias gradients are column sums of `∂gates`.
enum RecurrentStack {
    /// - Parameter keepTape: keep what backward needs; when `false` (no gradient will be asked for), each
    ///   layer's buffers are released as soon as the next layer has consumed them.
    static func forward<T: TensorScalar>(_ geo: RecurrentGeometry, x: Tensor, weights: RecurrentWeights,
                                         h0: Tensor?, c0: Tensor?, packed: UnsafeMutablePointer<T>,
                                         keepTape: Bool) -> RecurrentTape<T> {
        let tape = RecurrentTape<T>(geo)
        let D = geo.directions, H = geo.hidden, GH = geo.gateWidth, B = geo.batch
        let bias = UnsafeMutablePointer<T>.allocate(capacity: GH)
        let biasN = UnsafeMutablePointer<T>.allocate(capacity: H)
        defer { bias.deallocate(); biasN.deallocate() }
        var input = UnsafePointer(x.storage.pointer(T.self))
        for l in 0..<geo.layers {
            let output: UnsafeMutablePointer<T>
            if l == geo.layers - 1 {
                output = packed
            } else {
                let s = RecurrentTape<T>.buffer(geo.rows * geo.outputWidth, zeroed: !geo.isFull)
                tape.layerOutputs.append(s)
                output = s.pointer(T.self)
            }
            let inSize = geo.layerInputSize(l)
            for d in 0..<D {
                let ci = l * D + d
                let w = weights.cells[ci]
                tape.addCell()
                let buf = tape.cell(ci)
                T.gemm(transA: false, transB: true, m: geo.rows, n: GH, k: inSize, alpha: 1,
                       a: input, lda: inSize, b: w.weightIH.storage.pointer(T.self), ldb: inSize,
                       beta: 0, c: buf.gates, ldc: GH)
                combinedBias(geo.kind, w, hidden: H, into: bias, hiddenN: biasN)
                let stateOffset = ci * B * H
                let io = RecurrentCellIO<T>(
                    weightHH: w.weightHH.storage.pointer(T.self), bias: bias,
                    biasHiddenN: geo.kind == .gru ? UnsafePointer(biasN) : nil,
                    h0: h0.map { UnsafePointer($0.storage.pointer(T.self) + stateOffset) },
                    c0: c0.map { UnsafePointer($0.storage.pointer(T.self) + stateOffset) },
                    output: output + d * H, outputStride: geo.outputWidth,
                    hN: packed + geo.outputCount + stateOffset,
                    cN: geo.kind == .lstm ? packed + geo.outputCount + geo.stateCount + stateOffset : nil)
                switch geo.kind {
                case .lstm: LSTMCell.forward(geo, reverse: d == 1, buf, io)
                case .gru: GRUCell.forward(geo, reverse: d == 1, buf, io)
                }
            }
            input = UnsafePointer(output)
            if !keepTape { tape.release(layer: l) }
        }
        return tape
    }

    /// The biases the cell kernels add before their nonlinearities (see ``RecurrentCellIO/bias``).
    private static func combinedBias<T: TensorScalar>(_ kind: RecurrentKind, _ w: RecurrentCellWeights, hidden H: Int,
                                                      into bias: UnsafeMutablePointer<T>,
                                                      hiddenN: UnsafeMutablePointer<T>) {
        let GH = kind.gateCount * H
        bias.update(repeating: 0, count: GH)
        hiddenN.update(repeating: 0, count: H)
        guard let bi = w.biasIH?.storage.pointer(T.self), let bh = w.biasHH?.storage.pointer(T.self) else { return }
        switch kind {
        case .lstm:
            for j in 0..<GH { bias[j] = bi[j] + bh[j] }
        case .gru:
            for j in 0..<(2 * H) { bias[j] = bi[j] + bh[j] }
            for j in 0..<H { bias[2 * H + j] = bi[2 * H + j]; hiddenN[j] = bh[2 * H + j] }
        }
    }

    /// Gradients of everything that fed the stack, from `∂L/∂packed`.
    ///
    /// - Returns: `∂x` (when `needInput`), the parameter gradients in PyTorch's order (`nil` for a
    ///   parameter that does not require gradients), `∂h0` and `∂c0` (LSTM) `[L·D, B, H]`.
    static func backward<T: TensorScalar>(_ geo: RecurrentGeometry, tape: RecurrentTape<T>, x: Tensor,
                                          weights: RecurrentWeights, gradPacked: Tensor, needInput: Bool)
        -> (dx: Tensor?, parameters: [Tensor?], dh0: Tensor, dc0: Tensor?) {
        let D = geo.directions, H = geo.hidden, GH = geo.gateWidth, rows = geo.rows
        let gp = UnsafePointer(gradPacked.storage.pointer(T.self))
        let stateShape = [geo.cellCount, geo.batch, H]
        // The running ∂h / ∂c start as ∂h_n / ∂c_n and end as ∂h0 / ∂c0.
        let dh0 = Tensor.empty(stateShape, dtype: T.dtype)
        dh0.storage.pointer(T.self).update(from: gp + geo.outputCount, count: geo.stateCount)
        var dc0: Tensor?
        if geo.kind == .lstm {
            let t = Tensor.empty(stateShape, dtype: T.dtype)
            t.storage.pointer(T.self).update(from: gp + geo.outputCount + geo.stateCount, count: geo.stateCount)
            dc0 = t
        }
        // Zero-filled once: rows of skipped frames are never written, so they stay zero for every cell.
        let dGx = RecurrentTape<T>.buffer(rows * GH)
        let dGh = geo.kind == .gru ? RecurrentTape<T>.buffer(rows * GH) : dGx
        let dx: Tensor? = needInput ? Tensor.empty(x.shape, dtype: T.dtype) : nil
        // ∂(layer outputs) below the top, ping-ponged between two buffers.
        let dYBuffers = geo.layers > 1 ? [RecurrentTape<T>.buffer(rows * geo.outputWidth, zeroed: false),
                                          RecurrentTape<T>.buffer(rows * geo.outputWidth, zeroed: false)] : []
        var dY = gp
        var parameterGrads = [[Tensor?]](repeating: [], count: geo.cellCount)
        for l in stride(from: geo.layers - 1, through: 0, by: -1) {
            let inSize = geo.layerInputSize(l)
            let X = l == 0 ? UnsafePointer(x.storage.pointer(T.self)) : UnsafePointer(tape.layerOutputs[l - 1].pointer(T.self))
            let dXDest: UnsafeMutablePointer<T>? = l > 0 ? dYBuffers[l % 2].pointer(T.self) : dx?.storage.pointer(T.self)
            for d in 0..<D {
                let ci = l * D + d
                let w = weights.cells[ci]
                let buf = tape.cell(ci)
                let wih = w.weightIH.storage.pointer(T.self), whh = w.weightHH.storage.pointer(T.self)
                let io = RecurrentCellGradIO<T>(
                    weightHH: whh, dOutput: dY + d * H, outputStride: geo.outputWidth,
                    dh: dh0.storage.pointer(T.self) + ci * geo.batch * H,
                    dc: dc0.map { $0.storage.pointer(T.self) + ci * geo.batch * H },
                    dGatesInput: dGx.pointer(T.self), dGatesHidden: dGh.pointer(T.self))
                switch geo.kind {
                case .lstm: LSTMCell.backward(geo, reverse: d == 1, buf, io)
                case .gru: GRUCell.backward(geo, reverse: d == 1, buf, io)
                }
                var grads: [Tensor?] = []
                if w.weightIH.requiresGrad {
                    let g = Tensor.empty([GH, inSize], dtype: T.dtype)
                    T.gemm(transA: true, transB: false, m: GH, n: inSize, k: rows, alpha: 1, a: dGx.pointer(T.self), lda: GH,
                           b: X, ldb: inSize, beta: 0, c: g.storage.pointer(T.self), ldc: inSize)
                    grads.append(g)
                } else { grads.append(nil) }
                if w.weightHH.requiresGrad {
                    let g = Tensor.empty([GH, H], dtype: T.dtype)
                    T.gemm(transA: true, transB: false, m: GH, n: H, k: rows, alpha: 1, a: dGh.pointer(T.self), lda: GH,
                           b: buf.hPrev, ldb: H, beta: 0, c: g.storage.pointer(T.self), ldc: H)
                    grads.append(g)
                } else { grads.append(nil) }
                if let bi = w.biasIH, let bh = w.biasHH {
                    let gi = bi.requiresGrad ? columnSums(dGx.pointer(T.self), rows: rows, columns: GH) : nil
                    let gh = !bh.requiresGrad ? nil :
                        (geo.kind == .lstm ? (gi?.copy() ?? columnSums(dGh.pointer(T.self), rows: rows, columns: GH))
                                           : columnSums(dGh.pointer(T.self), rows: rows, columns: GH))
                    grads += [gi, gh]
                }
                parameterGrads[ci] = grads
                if let dXDest {
                    T.gemm(transA: false, transB: false, m: rows, n: inSize, k: GH, alpha: 1, a: dGx.pointer(T.self), lda: GH,
                           b: wih, ldb: inSize, beta: d == 0 ? 0 : 1, c: dXDest, ldc: inSize)
                }
            }
            if let dXDest { dY = UnsafePointer(dXDest) }
        }
        return (dx, parameterGrads.flatMap { $0 }, dh0, dc0)
    }

    /// `Σ_rows m[row, :]` of a row-major `[rows, columns]` matrix, as a `[columns]` tensor.
    private static func columnSums<T: TensorScalar>(_ m: UnsafePointer<T>, rows: Int, columns: Int) -> Tensor {
        let out = Tensor(zeros: [columns], dtype: T.dtype)
        let o = out.storage.pointer(T.self)
        for r in 0..<rows {
            let row = m + r * columns
            for j in 0..<columns { o[j] += row[j] }
        }
        return out
    }
}
