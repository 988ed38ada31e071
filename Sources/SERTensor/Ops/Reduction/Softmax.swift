import RealModule

/// Softmax and log-softmax along one axis, with fused kernels (the max is subtracted for stability).
///
/// For `x` laid out as `[outer, n, inner]` around the axis:
/// `softmax(x)_i = exp(x_i − m) / Σ_j exp(x_j − m)`, `logSoftmax(x)_i = x_i − m − log Σ_j exp(x_j − m)`.
/// Backward: softmax `gx = y ⊙ (g − Σ g⊙y)`; log-softmax `gx = g − softmax(x) · Σ g`.
@inline(__always)
private func softmaxKernel<T: TensorScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                            outer: Int, n: Int, inner: Int, log: Bool) {
    Parallel.forRanges(outer * inner, costPerItem: n * 4) { range in
        for oi in range {
            let o = oi / inner, j = oi % inner
            let base = o * n * inner + j
            var m = -T.infinity
            for i in 0..<n { m = Swift.max(m, x[base + i * inner]) }
            if !m.isFinite { m = 0 }
            var s: T = 0
            for i in 0..<n { s += T.exp(x[base + i * inner] - m) }
            if log {
                let ls = T.log(s) + m
                for i in 0..<n { y[base + i * inner] = x[base + i * inner] - ls }
            } else {
                let inv = 1 / s
                for i in 0..<n { y[base + i * inner] = T.exp(x[base + i * inner] - m) * inv }
            }
        }
    }
}

@inline(__always)
private func softmaxBackwardKernel<T: TensorScalar>(_ y: UnsafePointer<T>, _ g: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>,
                                                    outer: Int, n: Int, inner: Int, log: Bool) {
    Parallel.forRanges(outer * inner, costPerItem: n * 3) { range in
        for oi in range {
            let o = oi / inner, j = oi % inner
            let base = o * n * inner + j
            if log {
                var s: T = 0
                for i in 0..<n { s += g[base + i * inner] }
                for i in 0..<n { let k = base + i * inner; gx[k] = g[k] - T.exp(y[k]) * s }
            } else {
                var s: T = 0
                for i in 0..<n { let k = base + i * inner; s += g[k] * y[k] }
                for i in 0..<n { let k = base + i * inner; gx[k] = y[k] * (g[k] - s) }
            }
        }
    }
}

extension Tensor {
    private func softmaxImpl(axis: Int, log: Bool) -> Tensor {
        let a = ShapeMath.normalizeAxis(axis, rank: rank, op: log ? "logSoftmax" : "softmax")
        let outer = shape[..<a].reduce(1, *), n = shape[a], inner = shape[(a + 1)...].reduce(1, *)
        let out = Tensor.empty(shape, dtype: dtype)
        switch dtype {
        case .float32: softmaxKernel(storage.pointer(Float.self), out.storage.pointer(Float.self), outer: outer, n: n, inner: inner, log: log)
        case .float64: softmaxKernel(storage.pointer(Double.self), out.storage.pointer(Double.self), outer: outer, n: n, inner: inner, log: log)
        }
        return record(out, log ? "logSoftmax" : "softmax", [self]) { [unowned out] g in
            let gx = Tensor.empty(g.shape, dtype: g.dtype)
            switch g.dtype {
            case .float32:
                softmaxBackwardKernel(out.storage.pointer(Float.self), g.storage.pointer(Float.self), gx.storage.pointer(Float.self),
                                      outer: outer, n: n, inner: inner, log: log)
            case .float64:
                softmaxBackwardKernel(out.storage.pointer(Double.self), g.storage.pointer(Double.self), gx.storage.pointer(Double.self),
                                      outer: outer, n: n, inner: inner, log: log)
            }
            return [gx]
        }
    }

    /// Softmax along `axis` (default: last).
    public func softmax(axis: Int = -1) -> Tensor { softmaxImpl(axis: axis, log: false) }

    /// Log-softmax along `axis` (default: last).
    public func logSoftmax(axis: Int = -1) -> Tensor { softmaxImpl(axis: axis, log: true) }
}
