/// How a convolution fills positions outside its input.
public enum ConvPadding: Sendable, Equatable {
    /// Zero padding of the given sizes on each side (PyTorch `padding_mode="zeros"`).
    case zeros
    /// Repeat the edge value (PyTorch `padding_mode="replicate"`).
    case replicate
}

/// Geometry of a 2-D convolution over `[batch, channels, height, width]` (1-D convolutions use
/// height 1). Output size per axis: `(in + padBefore + padAfter − dilation·(kernel − 1) − 1) / stride + 1`.
struct ConvGeometry {
    var batch, inChannels, height, width: Int
    var outChannels, kernelH, kernelW: Int
    var strideH, strideW: Int
    var padTop, padBottom, padLeft, padRight: Int
    var dilationH, dilationW: Int
    var mode: ConvPadding

    var outH: Int { (height + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH + 1 }
    var outW: Int { (width + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW + 1 }
    /// Rows of the im2col matrix: one per (input channel, kernel row, kernel column).
    var colRows: Int { inChannels * kernelH * kernelW }
    /// Columns of the im2col matrix: one per output position.
    var colCols: Int { outH * outW }

    /// Source index along one axis, or -1 when it falls in zero padding.
    @inline(__always)
    static func source(_ i: Int, size: Int, mode: ConvPadding) -> Int {
        if i >= 0 && i < size { return i }
        switch mode {
        case .zeros: return -1
        case .replicate: return i < 0 ? 0 : size - 1
        }
    }

    /// Unfolds one image `x` `[inChannels, height, width]` into `cols` `[colRows, colCols]`, whose
    /// rows are `ld` elements apart (`ld ≥ colCols`, so several images can sit side by side).
    @inline(__always)
    func im2col<T: TensorScalar>(_ x: UnsafePointer<T>, _ cols: UnsafeMutablePointer<T>, ld: Int) {
        let oh = outH, ow = outW
        for c in 0..<inChannels {
            let plane = x + c * height * width
            for kh in 0..<kernelH {
                for kw in 0..<kernelW {
                    let row = cols + ((c * kernelH + kh) * kernelW + kw) * ld
                    for y in 0..<oh {
                        let sy = ConvGeometry.source(y * strideH - padTop + kh * dilationH, size: height, mode: mode)
                        let dst = row + y * ow
                        if sy < 0 { dst.update(repeating: 0, count: ow); continue }
                        let src = plane + sy * width
                        let x0 = -padLeft + kw * dilationW
                        if strideW == 1 && x0 >= 0 && x0 + ow <= width {
                            dst.update(from: src + x0, count: ow)
                        } else {
                            for xo in 0..<ow {
                                let sx = ConvGeometry.source(xo * strideW + x0, size: width, mode: mode)
                                dst[xo] = sx < 0 ? 0 : src[sx]
                            }
                        }
                    }
                }
            }
        }
    }

    /// Folds `cols` `[colRows, colCols]` (rows `ld` apart) back into `dx` `[inChannels, height, width]`,
    /// adding (the adjoint of ``im2col(_:_:ld:)``).
    @inline(__always)
    func col2imAdd<T: TensorScalar>(_ cols: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, ld: Int) {
        let oh = outH, ow = outW
        for c in 0..<inChannels {
            let plane = dx + c * height * width
            for kh in 0..<kernelH {
                for kw in 0..<kernelW {
                    let row = cols + ((c * kernelH + kh) * kernelW + kw) * ld
                    for y in 0..<oh {
                        let sy = ConvGeometry.source(y * strideH - padTop + kh * dilationH, size: height, mode: mode)
                        if sy < 0 { continue }
                        let src = row + y * ow
                        let dst = plane + sy * width
                        let x0 = -padLeft + kw * dilationW
                        if strideW == 1 && x0 >= 0 && x0 + ow <= width {
                            for xo in 0..<ow { dst[x0 + xo] += src[xo] }
                        } else {
                            for xo in 0..<ow {
                                let sx = ConvGeometry.source(xo * strideW + x0, size: width, mode: mode)
                                if sx >= 0 { dst[sx] += src[xo] }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension ConvGeometry {
    /// Images per GEMM: the batch is processed in chunks whose im2col matrix stays under
    /// ``columnBudgetBytes``, so one large GEMM replaces many thin ones.
    func chunkSize(elementSize: Int) -> Int {
        let perImage = Swift.max(colRows * colCols * elementSize, 1)
        return Swift.max(1, Swift.min(batch, ConvGeometry.columnBudgetBytes / perImage))
    }

    static let columnBudgetBytes = 96 << 20
}
