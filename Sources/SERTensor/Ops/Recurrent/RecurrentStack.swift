import Dispatch

/// Runs a whole stack of recurrent layers (all layers, both directions) forward and backward.
///
/// Forward, per layer and direction: one GEMM `gates = X · W_ihᵀ` over all `B·T` frames (BLAS transpose
/// flag, no copy), then the cell's time loop (``LSTMCell``, ``GRUCell``); the two directions' loops run at
/// once, one per worker, when there are two (``RecurrentLoopThreading``). Layer `k + 1` reads layer `k`'s
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
        let threading = loopThreading(geo)
        let bias = UnsafeMutablePointer<T>.allocate(capacity: D * GH)
        let biasN = UnsafeMutablePointer<T>.allocate(capacity: D * H)
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
            var loops: [RecurrentCellIO<T>] = []
            for d in 0..<D {
                let ci = l * D + d
                let w = weights.cells[ci]
                tape.addCell()
                T.gemm(transA: false, transB: true, m: geo.rows, n: GH, k: inSize, alpha: 1,
                       a: input, lda: inSize, b: w.weightIH.storage.pointer(T.self), ldb: inSize,
                       beta: 0, c: tape.cell(ci).gates, ldc: GH)
                combinedBias(geo.kind, w, hidden: H, into: bias + d * GH, hiddenN: biasN + d * H)
                let stateOffset = ci * B * H
                loops.append(RecurrentCellIO<T>(
                    weightHH: w.weightHH.storage.pointer(T.self), bias: bias + d * GH,
                    biasHiddenN: geo.kind == .gru ? UnsafePointer(biasN + d * H) : nil,
                    h0: h0.map { UnsafePointer($0.storage.pointer(T.self) + stateOffset) },
                    c0: c0.map { UnsafePointer($0.storage.pointer(T.self) + stateOffset) },
                    output: output + d * H, outputStride: geo.outputWidth,
                    hN: packed + geo.outputCount + stateOffset,
                    cN: geo.kind == .lstm ? packed + geo.outputCount + geo.stateCount + stateOffset : nil,
                    threading: threading))
            }
            forEachDirection(D, threading) { d in
                let buf = tape.cell(l * D + d)
                switch geo.kind {
                case .lstm: LSTMCell.forward(geo, reverse: d == 1, buf, loops[d])
                case .gru: GRUCell.forward(geo, reverse: d == 1, buf, loops[d])
                }
            }
            input = UnsafePointer(output)
            if !keepTape { tape.release(layer: l) }
        }
        return tape
    }

    /// Two directions whose time loops are long enough run at once, one per worker; otherwise each loop
    /// has all workers (see ``RecurrentLoopThreading``). The two agree to float rounding (GEMMs threaded
    /// differently).
    static func loopThreading(_ geo: RecurrentGeometry) -> RecurrentLoopThreading {
        if let forcedLoopThreading { return forcedLoopThreading }
        return geo.directions == 2 && Parallel.workerCount >= 2 && geo.time >= 2 ? .ownWorker : .shared
    }

    /// Tests set this to run every stack with one threading (set it only while no recurrent op runs).
    nonisolated(unsafe) static var forcedLoopThreading: RecurrentLoopThreading?

    /// Calls `body(d)` for every direction: both at once, one per worker, under `.ownWorker` (with OpenBLAS
    /// single-threaded, ``GEMMThreading/withWorkerGEMMs(_:)``); one after the other otherwise.
    private static func forEachDirection(_ directions: Int, _ threading: RecurrentLoopThreading, _ body: (Int) -> Void) {
        guard threading == .ownWorker, directions > 1 else {
            for d in 0..<directions { body(d) }
            return
        }
        GEMMThreading.withWorkerGEMMs {
            withoutActuallyEscaping(body) { body in
                DispatchQueue.concurrentPerform(iterations: directions) { d in body(d) }
            }
        }
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
        // Directions running at once need their own buffers; one after the other they share one.
        let threading = loopThreading(geo)
        let gradientBufferSets = threading == .ownWorker ? D : 1
        let dGx = (0..<gradientBufferSets).map { _ in RecurrentTape<T>.buffer(rows * GH) }
        let dGh = geo.kind == .gru ? (0..<gradientBufferSets).map { _ in RecurrentTape<T>.buffer(rows * GH) } : dGx
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
            let layerDY = dY
            /// The time loop of direction `d`, leaving ∂gates in buffer set `set`.
            func backwardLoop(_ d: Int, set: Int) {
                let ci = l * D + d
                let io = RecurrentCellGradIO<T>(
                    weightHH: weights.cells[ci].weightHH.storage.pointer(T.self), dOutput: layerDY + d * H,
                    outputStride: geo.outputWidth,
                    dh: dh0.storage.pointer(T.self) + ci * geo.batch * H,
                    dc: dc0.map { $0.storage.pointer(T.self) + ci * geo.batch * H },
                    dGatesInput: dGx[set].pointer(T.self), dGatesHidden: dGh[set].pointer(T.self), threading: threading)
                switch geo.kind {
                case .lstm: LSTMCell.backward(geo, reverse: d == 1, tape.cell(ci), io)
                case .gru: GRUCell.backward(geo, reverse: d == 1, tape.cell(ci), io)
                }
            }
            /// Direction `d`'s weight and bias gradients and its share of ∂x, from buffer set `set`.
            func weightGradients(_ d: Int, set: Int) {
                let ci = l * D + d
                let w = weights.cells[ci]
                let gx = dGx[set].pointer(T.self), gh = dGh[set].pointer(T.self)
                var grads: [Tensor?] = []
                if w.weightIH.requiresGrad {
                    let g = Tensor.empty([GH, inSize], dtype: T.dtype)
                    T.gemm(transA: true, transB: false, m: GH, n: inSize, k: rows, alpha: 1, a: gx, lda: GH,
                           b: X, ldb: inSize, beta: 0, c: g.storage.pointer(T.self), ldc: inSize)
                    grads.append(g)
                } else { grads.append(nil) }
                if w.weightHH.requiresGrad {
                    let g = Tensor.empty([GH, H], dtype: T.dtype)
                    T.gemm(transA: true, transB: false, m: GH, n: H, k: rows, alpha: 1, a: gh, lda: GH,
                           b: tape.cell(ci).hPrev, ldb: H, beta: 0, c: g.storage.pointer(T.self), ldc: H)
                    grads.append(g)
                } else { grads.append(nil) }
                if let bi = w.biasIH, let bh = w.biasHH {
                    let gi = bi.requiresGrad ? columnSums(gx, rows: rows, columns: GH) : nil
                    let gh = !bh.requiresGrad ? nil :
                        (geo.kind == .lstm ? (gi?.copy() ?? columnSums(gh, rows: rows, columns: GH))
                                           : columnSums(gh, rows: rows, columns: GH))
                    grads += [gi, gh]
                }
                parameterGrads[ci] = grads
                if let dXDest {
                    T.gemm(transA: false, transB: false, m: rows, n: inSize, k: GH, alpha: 1, a: gx, lda: GH,
                           b: w.weightIH.storage.pointer(T.self), ldb: inSize, beta: d == 0 ? 0 : 1, c: dXDest, ldc: inSize)
                }
            }
            if gradientBufferSets > 1 {
                forEachDirection(D, threading) { d in backwardLoop(d, set: d) }
                for d in 0..<D { weightGradients(d, set: d) }
            } else {
                for d in 0..<D {
                    backwardLoop(d, set: 0)
                    weightGradients(d, set: 0)
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
