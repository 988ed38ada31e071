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

    /// The output positions `xo` in `0..<count` whose source `first + xo·step` lies inside `0..<size`
    /// (a contiguous range, empty when none does); positions before it read the left padding, after
    /// it the right padding.
    @inline(__always)
    static func insideRange(first: Int, step: Int, count: Int, size: Int) -> Range<Int> {
        // first + xo·step ≥ 0  ⇔  xo ≥ ⌈−first / step⌉;   first + xo·step ≤ size − 1  ⇔  xo ≤ ⌊(size − 1 − first) / step⌋
        let lo = first >= 0 ? 0 : (-first + step - 1) / step
        let last = size - 1 - first
        let hi = last < 0 ? 0 : last / step + 1
        let l = Swift.min(lo, count), h = Swift.min(Swift.max(hi, l), count)
        return l..<h
    }

    /// Unfolds one image `x` `[inChannels, height, width]` into `cols` `[colRows, colCols]`, whose
    /// rows are `ld` elements apart (`ld ≥ colCols`, so several images can sit side by side).
    @inline(__always)
    func im2col<T: TensorScalar>(_ x: UnsafePointer<T>, _ cols: UnsafeMutablePointer<T>, ld: Int) {
        im2col(x, cols, ld: ld, outRows: 0..<outH)
    }

    /// The columns of output rows `outRows` only: `cols` `[colRows, outRows.count · outW]`, rows `ld` apart.
    @inline(__always)
    func im2col<T: TensorScalar>(_ x: UnsafePointer<T>, _ cols: UnsafeMutablePointer<T>, ld: Int, outRows: Range<Int>) {
        let ow = outW
        for c in 0..<inChannels {
            let plane = x + c * height * width
            for kh in 0..<kernelH {
                for kw in 0..<kernelW {
                    let row = cols + ((c * kernelH + kh) * kernelW + kw) * ld
                    for y in outRows {
                        let sy = ConvGeometry.source(y * strideH - padTop + kh * dilationH, size: height, mode: mode)
                        let dst = row + (y - outRows.lowerBound) * ow
                        if sy < 0 { dst.update(repeating: 0, count: ow); continue }
                        let src = plane + sy * width
                        let x0 = -padLeft + kw * dilationW
                        let inside = ConvGeometry.insideRange(first: x0, step: strideW, count: ow, size: width)
                        if inside.lowerBound > 0 {
                            let edge: T = mode == .zeros ? 0 : src[0]
                            dst.update(repeating: edge, count: inside.lowerBound)
                        }
                        if strideW == 1 {
                            (dst + inside.lowerBound).update(from: src + x0 + inside.lowerBound, count: inside.count)
                        } else {
                            var from = src + (x0 &+ inside.lowerBound &* strideW)
                            for xo in inside { dst[xo] = from.pointee; from += strideW }
                        }
                        if inside.upperBound < ow {
                            let edge: T = mode == .zeros ? 0 : src[width - 1]
                            (dst + inside.upperBound).update(repeating: edge, count: ow - inside.upperBound)
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
        col2imAdd(cols, dx, ld: ld, outRows: 0..<outH)
    }

    /// The adjoint of ``im2col(_:_:ld:outRows:)``: folds the columns of output rows `outRows` into `dx`.
    @inline(__always)
    func col2imAdd<T: TensorScalar>(_ cols: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, ld: Int, outRows: Range<Int>) {
        let ow = outW
        for c in 0..<inChannels {
            let plane = dx + c * height * width
            for kh in 0..<kernelH {
                for kw in 0..<kernelW {
                    let row = cols + ((c * kernelH + kh) * kernelW + kw) * ld
                    for y in outRows {
                        let sy = ConvGeometry.source(y * strideH - padTop + kh * dilationH, size: height, mode: mode)
                        if sy < 0 { continue }
                        let src = row + (y - outRows.lowerBound) * ow
                        let dst = plane + sy * width
                        let x0 = -padLeft + kw * dilationW
                        let inside = ConvGeometry.insideRange(first: x0, step: strideW, count: ow, size: width)
                        if strideW == 1 {
                            let d = dst + x0, from = src
                            for xo in inside { d[xo] += from[xo] }
                        } else {
                            var to = dst + (x0 &+ inside.lowerBound &* strideW)
                            for xo in inside { to.pointee += src[xo]; to += strideW }
                        }
                        if mode == .replicate {
                            for xo in 0..<inside.lowerBound { dst[0] += src[xo] }
                            for xo in inside.upperBound..<ow { dst[width - 1] += src[xo] }
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
