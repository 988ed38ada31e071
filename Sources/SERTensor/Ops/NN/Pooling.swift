/// Average and max pooling over the last one or two dimensions (PyTorch `avg_pool1d/2d`,
/// `max_pool1d/2d` with `padding = 0`, `ceil_mode = false`).
///
/// Shapes: 1-D `[batch, channels, time]` → `[batch, channels, (time − kernel) / stride + 1]`;
/// 2-D `[batch, channels, H, W]` → `[batch, channels, (H − kH) / sH + 1, (W − kW) / sW + 1]`.
/// Max pooling sends the gradient to the first maximum of each window.
extension Tensor {
    private enum PoolKind { case average, max }

    private func pool2d(_ kind: PoolKind, kernel: (Int, Int), stride: (Int, Int)) -> Tensor {
        precondition(rank >= 2, "pool: input needs at least 2 dimensions, got \(shape)")
        let h = shape[rank - 2], w = shape[rank - 1]
        let (kh, kw) = kernel, (sh, sw) = stride
        precondition(kh >= 1 && kw >= 1 && sh >= 1 && sw >= 1, "pool: kernel and stride must be >= 1")
        precondition(h >= kh && w >= kw, "pool: input \(shape) smaller than kernel \(kernel)")
        let oh = (h - kh) / sh + 1, ow = (w - kw) / sw + 1
        let planes = count / Swift.max(h * w, 1)
        let outShape = Array(shape.dropLast(2)) + [oh, ow]
        let out = Tensor.empty(outShape, dtype: dtype)
        var argmax = kind == .max ? [Int32](repeating: 0, count: planes * oh * ow) : []
        func run<T: TensorScalar>(_: T.Type) {
            let x = storage.pointer(T.self), y = out.storage.pointer(T.self)
            let inv = 1 / T(kh * kw)
            argmax.withUnsafeMutableBufferPointer { am in
                Parallel.forRanges(planes, costPerItem: oh * ow * kh * kw) { range in
                    for p in range {
                        let src = x + p * h * w
                        for i in 0..<oh {
                            for j in 0..<ow {
                                let o = (p * oh + i) * ow + j
                                switch kind {
                                case .average:
                                    var s: T = 0
                                    for a in 0..<kh { for b in 0..<kw { s += src[(i * sh + a) * w + j * sw + b] } }
                                    y[o] = s * inv
                                case .max:
                                    var best = -T.infinity, at = (i * sh) * w + j * sw
                                    for a in 0..<kh {
                                        for b in 0..<kw {
                                            let k = (i * sh + a) * w + j * sw + b
                                            if src[k] > best || src[k].isNaN { best = src[k]; at = k; if best.isNaN { break } }
                                        }
                                    }
                                    y[o] = best
                                    am[o] = Int32(at)
                                }
                            }
                        }
                    }
                }
            }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        let inShape = shape
        return record(out, kind == .max ? "maxPool" : "avgPool", [self]) { g in
            let dx = Tensor.zeros(inShape, dtype: g.dtype)
            func back<T: TensorScalar>(_: T.Type) {
                let gy = g.storage.pointer(T.self), gx = dx.storage.pointer(T.self)
                let inv = 1 / T(kh * kw)
                for p in 0..<planes {
                    let dst = gx + p * h * w
                    for i in 0..<oh {
                        for j in 0..<ow {
                            let o = (p * oh + i) * ow + j
                            switch kind {
                            case .average:
                                let v = gy[o] * inv
                                for a in 0..<kh { for b in 0..<kw { dst[(i * sh + a) * w + j * sw + b] += v } }
                            case .max:
                                dst[Int(argmax[o])] += gy[o]
                            }
                        }
                    }
                }
            }
            switch g.dtype {
            case .float32: back(Float.self)
            case .float64: back(Double.self)
            }
            return [dx]
        }
    }

    /// Average pooling over the last two dimensions.
    public func avgPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil) -> Tensor {
        pool2d(.average, kernel: kernel, stride: stride ?? kernel)
    }

    /// Max pooling over the last two dimensions.
    public func maxPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil) -> Tensor {
        pool2d(.max, kernel: kernel, stride: stride ?? kernel)
    }

    /// Average pooling over the last dimension.
    public func avgPool1d(kernel: Int, stride: Int? = nil) -> Tensor {
        unsqueezed(-2).pool2d(.average, kernel: (1, kernel), stride: (1, stride ?? kernel)).squeezed(-2)
    }

    /// Max pooling over the last dimension.
    public func maxPool1d(kernel: Int, stride: Int? = nil) -> Tensor {
        unsqueezed(-2).pool2d(.max, kernel: (1, kernel), stride: (1, stride ?? kernel)).squeezed(-2)
    }

    /// Mean over `axis` counting only positions where `mask` is 1 (padding must not count).
    ///
    /// `self` is `[batch, time, ...]` with the time axis at `axis` (default 1); `mask` is `[batch, time]`
    /// with 1 for real frames and 0 for padding. A row with no real frames gives 0, not NaN.
    public func maskedMean(mask: Tensor, axis: Int = 1) -> Tensor {
        let a = ShapeMath.normalizeAxis(axis, rank: rank, op: "maskedMean")
        precondition(a == 1 && mask.shape == Array(shape[0...1]),
                     "maskedMean: mask \(mask.shape) must be [batch, time] of input \(shape) with time at axis 1")
        var mshape = mask.shape
        mshape.append(contentsOf: Array(repeating: 1, count: rank - 2))
        let m = mask.to(dtype).reshaped(mshape)
        let total = (self * m).sum(axes: [1])
        let n = Tensor.maximum(m.sum(axes: [1]), Tensor.full([], 1e-12, dtype: dtype))
        return total / n
    }
}
