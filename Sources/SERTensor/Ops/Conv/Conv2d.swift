/// 2-D cross-correlation (PyTorch `conv2d` semantics) by im2col + GEMM, with a hand-written backward.
///
/// - input `[batch, inChannels, height, width]`, weight `[outChannels, inChannels, kernelH, kernelW]`,
///   bias `[outChannels]` (optional) → output `[batch, outChannels, outH, outW]`.
/// - Per image: `cols = im2col(x)` `[Cin·KH·KW, outH·outW]`, `y = W·cols + b`.
/// - Backward: `dW = Σ_b dy_b · cols_bᵀ`, `db = Σ dy`, `dx_b = col2im(Wᵀ · dy_b)` (cols recomputed).
extension Tensor {
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil,
                              stride: (Int, Int) = (1, 1),
                              padding: (top: Int, bottom: Int, left: Int, right: Int) = (0, 0, 0, 0),
                              dilation: (Int, Int) = (1, 1), paddingMode: ConvPadding = .zeros) -> Tensor {
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
        let out = Tensor.empty([g.batch, g.outChannels, g.outH, g.outW], dtype: input.dtype)
        switch input.dtype {
        case .float32: conv2dForward(g, input, weight, bias, out, Float.self)
        case .float64: conv2dForward(g, input, weight, bias, out, Double.self)
        }
        var inputs = [input, weight]
        if let bias { inputs.append(bias) }
        return record(out, "conv2d", inputs) { dy in
            var grads: [Tensor?]
            switch dy.dtype {
            case .float32: grads = conv2dBackward(g, input, weight, dy, Float.self)
            case .float64: grads = conv2dBackward(g, input, weight, dy, Double.self)
            }
            if bias != nil { grads.append(dy.sum(axes: [0, 2, 3])) }
            return grads
        }
    }

    private static func conv2dForward<T: TensorScalar>(_ g: ConvGeometry, _ x: Tensor, _ w: Tensor, _ b: Tensor?,
                                                       _ out: Tensor, _: T.Type) {
        let px = x.storage.pointer(T.self), pw = w.storage.pointer(T.self), po = out.storage.pointer(T.self)
        let pb = b?.storage.pointer(T.self)
        let colRows = g.colRows, colCols = g.colCols
        let imageSize = g.inChannels * g.height * g.width, outSize = g.outChannels * colCols
        let direct = g.kernelH == 1 && g.kernelW == 1 && g.strideH == 1 && g.strideW == 1 &&
            g.padTop + g.padBottom + g.padLeft + g.padRight == 0
        let cols = UnsafeMutablePointer<T>.allocate(capacity: direct ? 1 : colRows * colCols)
        defer { cols.deallocate() }
        for n in 0..<g.batch {
            let src: UnsafePointer<T>
            if direct { src = UnsafePointer(px + n * imageSize) } else { g.im2col(px + n * imageSize, cols); src = UnsafePointer(cols) }
            let dst = po + n * outSize
            if let pb {
                for o in 0..<g.outChannels { (dst + o * colCols).update(repeating: pb[o], count: colCols) }
            }
            T.gemm(transA: false, transB: false, m: g.outChannels, n: colCols, k: colRows, alpha: 1,
                   a: pw, lda: colRows, b: src, ldb: colCols, beta: pb == nil ? 0 : 1, c: dst, ldc: colCols)
        }
    }

    private static func conv2dBackward<T: TensorScalar>(_ g: ConvGeometry, _ x: Tensor, _ w: Tensor, _ dy: Tensor,
                                                        _: T.Type) -> [Tensor?] {
        let px = x.storage.pointer(T.self), pw = w.storage.pointer(T.self), pdy = dy.storage.pointer(T.self)
        let colRows = g.colRows, colCols = g.colCols
        let imageSize = g.inChannels * g.height * g.width, outSize = g.outChannels * colCols
        let dx: Tensor? = x.requiresGrad ? Tensor.zeros(x.shape, dtype: x.dtype) : nil
        let dw: Tensor? = w.requiresGrad ? Tensor.zeros(w.shape, dtype: w.dtype) : nil
        let cols = UnsafeMutablePointer<T>.allocate(capacity: colRows * colCols)
        defer { cols.deallocate() }
        for n in 0..<g.batch {
            let dyn = pdy + n * outSize
            if let dw {
                g.im2col(px + n * imageSize, cols)
                T.gemm(transA: false, transB: true, m: g.outChannels, n: colRows, k: colCols, alpha: 1,
                       a: dyn, lda: colCols, b: cols, ldb: colCols, beta: 1, c: dw.storage.pointer(T.self), ldc: colRows)
            }
            if let dx {
                T.gemm(transA: true, transB: false, m: colRows, n: colCols, k: g.outChannels, alpha: 1,
                       a: pw, lda: colRows, b: dyn, ldb: colCols, beta: 0, c: cols, ldc: colCols)
                g.col2imAdd(cols, dx.storage.pointer(T.self) + n * imageSize)
            }
        }
        return [dx, dw]
    }
}
