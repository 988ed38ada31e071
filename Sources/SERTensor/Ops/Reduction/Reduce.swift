/// Reductions over any set of axes. Shapes: reducing axes `A` of `[d0, …, dn]` gives the shape with
/// those dimensions removed, or set to 1 when `keepDims` is true.
enum ReduceKind { case sum, max, min }

/// Reduces `r` contiguous elements into `y[0]` (sum, max or min; NaN propagates).
@inline(__always)
private func reduceRow<T: TensorScalar>(_ kind: ReduceKind, _ p: UnsafePointer<T>, _ r: Int, into y: UnsafeMutablePointer<T>) {
    switch kind {
    case .sum:
        // Eight independent partial sums: vectorises and keeps rounding error low.
        var acc = SIMD8<T>(repeating: 0)
        var i = 0
        while i + 8 <= r {
            acc += SIMD8<T>(p[i], p[i + 1], p[i + 2], p[i + 3], p[i + 4], p[i + 5], p[i + 6], p[i + 7])
            i += 8
        }
        var s = acc.sum()
        while i < r { s += p[i]; i += 1 }
        y.pointee = s
    case .max:
        var m = -T.infinity
        for i in 0..<r { let v = p[i]; if v > m || v.isNaN { m = v; if v.isNaN { break } } }
        y.pointee = m
    case .min:
        var m = T.infinity
        for i in 0..<r { let v = p[i]; if v < m || v.isNaN { m = v; if v.isNaN { break } } }
        y.pointee = m
    }
}

/// Reduces the middle axis of a `[outer, r, inner]` layout into `[outer, inner]`.
@inline(__always)
private func reduceMiddle<T: TensorScalar>(_ kind: ReduceKind, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                           outer: Int, r: Int, inner: Int) {
    if inner == 1 && outer < Parallel.workerCount && r * outer >= Parallel.minimumParallelElements {
        // Few long rows: split each row across the cores and combine the partial results.
        let parts = Parallel.workerCount
        let partial = UnsafeMutablePointer<T>.allocate(capacity: outer * parts)
        defer { partial.deallocate() }
        Parallel.forRanges(outer * parts, costPerItem: r / parts) { range in
            for job in range {
                let o = job / parts, p = job % parts
                let lo = r * p / parts, hi = r * (p + 1) / parts
                reduceRow(kind, x + o * r + lo, hi - lo, into: partial + job)
            }
        }
        for o in 0..<outer { reduceRow(kind, UnsafePointer(partial + o * parts), parts, into: y + o) }
        return
    }
    if inner == 1 {
        Parallel.forRanges(outer, costPerItem: r) { range in
            for o in range { reduceRow(kind, x + o * r, r, into: y + o) }
        }
        return
    }
    Parallel.forRanges(outer, costPerItem: r * inner) { range in
        for o in range {
            let dst = y + o * inner
            let src = x + o * r * inner
            for j in 0..<inner { dst[j] = src[j] }
            for i in 1..<max(r, 1) {
                let row = src + i * inner
                switch kind {
                case .sum: for j in 0..<inner { dst[j] += row[j] }
                case .max: for j in 0..<inner { dst[j] = (row[j] > dst[j] || row[j].isNaN) ? row[j] : dst[j] }
                case .min: for j in 0..<inner { dst[j] = (row[j] < dst[j] || row[j].isNaN) ? row[j] : dst[j] }
                }
            }
            if r == 0 {
                let fill: T = kind == .sum ? 0 : (kind == .max ? -T.infinity : T.infinity)
                for j in 0..<inner { dst[j] = fill }
            }
        }
    }
}

extension Tensor {
    /// Reduction without autograd. Coalesces runs of reduced / kept axes and reduces one run at a time.
    static func reduceRaw(_ x: Tensor, _ kind: ReduceKind, axes: [Int]) -> Tensor {
        let reduced = Set(axes)
        // Coalesce into groups of (size, isReduced).
        var groups: [(Int, Bool)] = []
        for (i, d) in x.shape.enumerated() {
            let r = reduced.contains(i)
            if let last = groups.last, last.1 == r { groups[groups.count - 1].0 *= d } else { groups.append((d, r)) }
        }
        var current = x
        var sizes = groups
        // Reduce the innermost reduced group first, repeatedly.
        while let gi = sizes.lastIndex(where: { $0.1 }) {
            let outer = sizes[..<gi].reduce(1) { $0 * $1.0 }
            let inner = sizes[(gi + 1)...].reduce(1) { $0 * $1.0 }
            let r = sizes[gi].0
            let next = Tensor.empty([outer * inner], dtype: x.dtype)
            switch x.dtype {
            case .float32:
                reduceMiddle(kind, current.storage.pointer(Float.self), next.storage.pointer(Float.self), outer: outer, r: r, inner: inner)
            case .float64:
                reduceMiddle(kind, current.storage.pointer(Double.self), next.storage.pointer(Double.self), outer: outer, r: r, inner: inner)
            }
            current = next
            sizes.remove(at: gi)
            // Merge neighbours that are now adjacent kept groups.
            if gi > 0 && gi < sizes.count && !sizes[gi - 1].1 && !sizes[gi].1 {
                sizes[gi - 1].0 *= sizes[gi].0
                sizes.remove(at: gi)
            }
        }
        if current === x { return x.copy() }
        return current
    }

    static func reducedShape(_ shape: [Int], _ axes: [Int], keepDims: Bool) -> [Int] {
        let set = Set(axes)
        var out: [Int] = []
        for (i, d) in shape.enumerated() {
            if set.contains(i) { if keepDims { out.append(1) } } else { out.append(d) }
        }
        return out
    }

    /// Sum over `axes` (all axes when `nil`).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ax = ShapeMath.normalizeAxes(axes, rank: rank, op: "sum")
        let raw = Tensor.reduceRaw(self, .sum, axes: ax)
        let keptShape = Tensor.reducedShape(shape, ax, keepDims: true)
        let out = Tensor(storage: raw.storage, shape: Tensor.reducedShape(shape, ax, keepDims: keepDims))
        let inShape = shape
        return record(out, "sum", [self]) { g in [g.reshaped(keptShape).expanded(to: inShape)] }
    }

    /// Sum over one axis.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    /// Mean over `axes` (all when `nil`).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ax = ShapeMath.normalizeAxes(axes, rank: rank, op: "mean")
        let n = ax.reduce(1) { $0 * shape[$1] }
        return sum(axes: ax, keepDims: keepDims) * (1.0 / Double(Swift.max(n, 1)))
    }

    /// Mean over one axis.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// Variance over `axes`: `Σ(x − mean)² / (N − 1)` when `unbiased` (PyTorch's default), else `/ N`.
    public func variance(axes: [Int]? = nil, unbiased: Bool = true, keepDims: Bool = false) -> Tensor {
        let ax = ShapeMath.normalizeAxes(axes, rank: rank, op: "variance")
        let n = ax.reduce(1) { $0 * shape[$1] }
        let centred = self - mean(axes: ax, keepDims: true)
        let denom = Double(Swift.max(unbiased ? n - 1 : n, 1))
        return (centred * centred).sum(axes: ax, keepDims: keepDims) * (1.0 / denom)
    }

    /// Maximum over `axes`. The gradient is shared equally among tied maxima (as `torch.amax`).
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        extremum(.max, axes: axes, keepDims: keepDims, name: "max")
    }

    /// Minimum over `axes`. The gradient is shared equally among tied minima (as `torch.amin`).
    public func min(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        extremum(.min, axes: axes, keepDims: keepDims, name: "min")
    }

    private func extremum(_ kind: ReduceKind, axes: [Int]?, keepDims: Bool, name: String) -> Tensor {
        let ax = ShapeMath.normalizeAxes(axes, rank: rank, op: name)
        let raw = Tensor.reduceRaw(self, kind, axes: ax)
        let keptShape = Tensor.reducedShape(shape, ax, keepDims: true)
        let out = Tensor(storage: raw.storage, shape: Tensor.reducedShape(shape, ax, keepDims: keepDims))
        let x = self
        return record(out, name, [self]) { g in
            let m = Tensor(storage: raw.storage, shape: keptShape)
            let hits = x.equal(m)
            let counts = hits.sum(axes: ax, keepDims: true)
            return [hits * (g.reshaped(keptShape) / counts)]
        }
    }

    /// Index of the maximum along `axis` (first one on ties), as a float tensor of indices.
    public func argmax(axis: Int, keepDims: Bool = false) -> Tensor {
        let a = ShapeMath.normalizeAxis(axis, rank: rank, op: "argmax")
        let outer = shape[..<a].reduce(1, *), r = shape[a], inner = shape[(a + 1)...].reduce(1, *)
        precondition(r > 0, "argmax: axis \(axis) has size 0")
        let vals = doubles
        var idx = [Float](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for j in 0..<inner {
                var best = 0, bv = vals[o * r * inner + j]
                for i in 1..<r {
                    let v = vals[(o * r + i) * inner + j]
                    if v > bv || (v.isNaN && !bv.isNaN) { bv = v; best = i }
                }
                idx[o * inner + j] = Float(best)
            }
        }
        return Tensor(shape: Tensor.reducedShape(shape, [a], keepDims: keepDims), data: idx).to(dtype)
    }

    /// `log Σ exp(x)` over `axes`, computed stably (the maximum is subtracted first).
    public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ax = ShapeMath.normalizeAxes(axes, rank: rank, op: "logSumExp")
        let m = withNoGrad { self.max(axes: ax, keepDims: true) }
        let safeM = withNoGrad { Tensor.where(m.isNonFinite(), Tensor.zeros([], dtype: dtype), m) }
        let s = (self - safeM).exp().sum(axes: ax, keepDims: true).log() + safeM
        return keepDims ? s : s.reshaped(Tensor.reducedShape(shape, ax, keepDims: false))
    }
}
