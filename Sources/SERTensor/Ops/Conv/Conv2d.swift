/// 2-D cross-correlation (PyTorch `conv2d` semantics) by im2col + GEMM, with a hand-written backward.
///
/// Float32 3 × 3 convolutions with row stride 1 and "same"-style zero padding run without im2col
/// (``ConvGeometry/usesDirect(for:)``, ``DirectConv2d``); outputs with few channels run over cache-sized tiles of output rows
/// (``ConvGeometry/usesRowTiles``, `Conv2dRowTiles.swift`); the rest as below.
///
/// - input `[batch, inChannels, height, width]`, weight `[outChannels, inChannels, kernelH, kernelW]`,
///   bias `[outChannels]` (optional) → output `[batch, outChannels, outH, outW]`.
/// - A chunk of `nb` images is unfolded side by side into `cols` `[Cin·KH·KW, nb·P]` (`P = outH·outW`)
///   and multiplied in one GEMM, `Y = W·cols` `[Cout, nb·P]`, then scattered to `[nb, Cout, P]` with
///   the bias added. One wide GEMM runs far closer to peak than `nb` thin ones.
/// - Backward, per chunk: `dY` gathered to `[Cout, nb·P]`; `dW += dY·colsᵀ`; `dcols = Wᵀ·dY` folded
///   back by col2im into `dx`; `db = Σ dY` (cols recomputed rather than stored).
extension Tensor {
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil,
                              stride: (Int, Int) = (1, 1),
                              padding: (top: Int, bottom: Int, left: Int, right: Int) = (0, 0, 0, 0),
                              dilation: (Int, Int) = (1, 1), paddingMode: ConvPadding = .zeros) -> Tensor {
        let g = conv2dGeometry(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
                               paddingMode: paddingMode)
        let out = Tensor.empty([g.batch, g.outChannels, g.outH, g.outW], dtype: input.dtype)
        let direct = input.dtype == .float32 && g.usesDirect(for: .forward)
        let directBackward = input.dtype == .float32 && g.usesDirect(for: .backward)
        switch (input.dtype, g.usesRowTiles) {
        case (.float32, _) where direct: conv2dForwardDirect(g, input, weight, bias, out)
        case (.float32, false): conv2dForward(g, input, weight, bias, out, Float.self)
        case (.float64, false): conv2dForward(g, input, weight, bias, out, Double.self)
        case (.float32, true): conv2dForwardRowTiles(g, input, weight, bias, out, Float.self)
        case (.float64, true): conv2dForwardRowTiles(g, input, weight, bias, out, Double.self)
        }
        var inputs = [input, weight]
        if let bias { inputs.append(bias) }
        return record(out, "conv2d \(g.inChannels)->\(g.outChannels) \(g.kernelH)x\(g.kernelW)/\(g.strideH),\(g.strideW)", inputs) { dy in
            var grads: [Tensor?]
            switch dy.dtype {
            case .float32 where directBackward: grads = conv2dBackwardDirect(g, input, weight, dy)
            case .float32: grads = conv2dBackward(g, input, weight, dy, Float.self)
            case .float64: grads = conv2dBackward(g, input, weight, dy, Double.self)
            }
            if let bias { grads.append(bias.requiresGrad ? dy.sum(axes: [0, 2, 3]) : nil) }
            return grads
        }
    }

    /// The geometry of `conv2d(input, weight, …)`, after checking shapes, dtypes and sizes (preconditions: a
    /// programming error, not user data).
    static func conv2dGeometry(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: (Int, Int),
                               padding: (top: Int, bottom: Int, left: Int, right: Int), dilation: (Int, Int),
                               paddingMode: ConvPadding) -> ConvGeometry {
        precondition(input.rank == 4, "conv2d: input must be [batch, channels, height, width], got \(input.shape)")
        precondition(weight.rank == 4, "conv2d: weight must be [out, in, kH, kW], got \(weight.shape)")
        precondition(weight.shape[1] == input.shape[1],
                     "conv2d: weight expects \(weight.shape[1]) input channels, input has \(input.shape[1])")
        precondition(input.dtype == weight.dtype, "conv2d: dtypes differ")
        if let bias { precondition(bias.shape == [weight.shape[0]], "conv2d: bias shape \(bias.shape) for \(weight.shape[0]) channels") }
        precondition(stride.0 >= 1 && stride.1 >= 1 && dilation.0 >= 1 && dilation.1 >= 1, "conv2d: stride and dilation must be >= 1")
        let g = ConvGeometry(batch: input.shape[0], inChannels: input.shape[1], height: input.shape[2], width: input.shape[3],
                             outChannels: weight.shape[0], kernelH: weight.shape[2], kernelW: weight.shape[3],
                             strideH: stride.0, strideW: stride.1,
                             padTop: padding.top, padBottom: padding.bottom, padLeft: padding.left, padRight: padding.right,
                             dilationH: dilation.0, dilationW: dilation.1, mode: paddingMode)
        precondition(g.outH > 0 && g.outW > 0,
                     "conv2d: input \(input.shape) is too small for kernel \(weight.shape) with this padding/dilation")
        return g
    }

    static func conv2dForward<T: TensorScalar>(_ g: ConvGeometry, _ x: Tensor, _ w: Tensor, _ b: Tensor?,
                                                       _ out: Tensor, _: T.Type) {
        let px = x.storage.pointer(T.self), pw = w.storage.pointer(T.self), po = out.storage.pointer(T.self)
        let pb = b?.storage.pointer(T.self)
        let rows = g.colRows, p = g.colCols, cout = g.outChannels
        let imageSize = g.inChannels * g.height * g.width, outSize = cout * p
        let chunk = g.chunkSize(elementSize: MemoryLayout<T>.stride)
        StoragePool.withWorkspace(T.self, count: rows * chunk * p) { cols in
        StoragePool.withWorkspace(T.self, count: cout * chunk * p) { y in
        var n0 = 0
        while n0 < g.batch {
            let nb = Swift.min(chunk, g.batch - n0), ld = nb * p
            Parallel.forRanges(nb, costPerItem: rows * p) { r in
                for i in r { g.im2col(px + (n0 + i) * imageSize, cols + i * p, ld: ld) }
            }
            T.gemm(transA: false, transB: false, m: cout, n: ld, k: rows, alpha: 1, a: pw, lda: rows,
                   b: cols, ldb: ld, beta: 0, c: y, ldc: ld)
            Parallel.forRanges(nb, costPerItem: outSize) { r in
                for i in r {
                    for o in 0..<cout {
                        let dst = po + (n0 + i) * outSize + o * p, src = y + o * ld + i * p
                        if let pb { let bo = pb[o]; for j in 0..<p { dst[j] = src[j] + bo } } else { dst.update(from: src, count: p) }
                    }
                }
            }
            n0 += nb
        }
        }
        }
    }

    private static func conv2dBackward<T: TensorScalar>(_ g: ConvGeometry, _ x: Tensor, _ w: Tensor, _ dy: Tensor,
                                                        _: T.Type) -> [Tensor?] {
        let px = x.storage.pointer(T.self), pw = w.storage.pointer(T.self), pdy = dy.storage.pointer(T.self)
        let rows = g.colRows, p = g.colCols, cout = g.outChannels
        let imageSize = g.inChannels * g.height * g.width, outSize = cout * p
        let dx: Tensor? = x.requiresGrad ? Tensor.zeros(x.shape, dtype: x.dtype) : nil
        let dw: Tensor? = w.requiresGrad ? Tensor.zeros(w.shape, dtype: w.dtype) : nil
        if dx == nil && dw == nil { return [nil, nil] }
        if g.usesRowTiles && g.batch >= Parallel.workerCount {
            conv2dBackwardRowTiles(g, x, w, dy, dx: dx, dw: dw, T.self)
            return [dx, dw]
        }
        let chunk = g.chunkSize(elementSize: MemoryLayout<T>.stride)
        StoragePool.withWorkspace(T.self, count: rows * chunk * p) { cols in
        StoragePool.withWorkspace(T.self, count: cout * chunk * p) { dy2 in
        var n0 = 0
        while n0 < g.batch {
            let nb = Swift.min(chunk, g.batch - n0), ld = nb * p
            Parallel.forRanges(nb, costPerItem: outSize) { r in
                for i in r {
                    for o in 0..<cout { (dy2 + o * ld + i * p).update(from: pdy + (n0 + i) * outSize + o * p, count: p) }
                }
            }
            if let dw {
                Parallel.forRanges(nb, costPerItem: rows * p) { r in
                    for i in r { g.im2col(px + (n0 + i) * imageSize, cols + i * p, ld: ld) }
                }
                T.gemm(transA: false, transB: true, m: cout, n: rows, k: ld, alpha: 1, a: dy2, lda: ld,
                       b: cols, ldb: ld, beta: 1, c: dw.storage.pointer(T.self), ldc: rows)
            }
            if let dx {
                T.gemm(transA: true, transB: false, m: rows, n: ld, k: cout, alpha: 1, a: pw, lda: rows,
                       b: dy2, ldb: ld, beta: 0, c: cols, ldc: ld)
                let pdx = dx.storage.pointer(T.self)
                Parallel.forRanges(nb, costPerItem: rows * p) { r in
                    for i in r { g.col2imAdd(cols + i * p, pdx + (n0 + i) * imageSize, ld: ld) }
                }
            }
            n0 += nb
        }
        }
        }
        return [dx, dw]
    }
}
