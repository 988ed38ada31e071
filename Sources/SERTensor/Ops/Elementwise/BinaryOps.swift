import RealModule

/// Elementwise functions of two tensors, with NumPy broadcasting.
public enum BinaryFunction: String, Sendable {
    case add, sub, mul, div, pow, maximum, minimum

    @inline(__always)
    func apply<T: TensorScalar>(_ a: T, _ b: T) -> T {
        switch self {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        case .pow: return T.pow(a, b)
        case .maximum: return Swift.max(a, b)
        case .minimum: return Swift.min(a, b)
        }
    }
}

/// Broadcast iteration plan: output shape and the strides of each input over it, with the last
/// dimension handled by a contiguous inner loop.
@usableFromInline
struct BroadcastPlan {
    let outShape: [Int]
    let strideA: [Int]
    let strideB: [Int]
    let inner: Int
    let rows: Int

    init(_ a: [Int], _ b: [Int], op: String) {
        outShape = ShapeMath.broadcast(a, b, op: op)
        strideA = ShapeMath.broadcastStrides(a, to: outShape)
        strideB = ShapeMath.broadcastStrides(b, to: outShape)
        inner = outShape.last ?? 1
        rows = inner == 0 ? 0 : Tensor.elementCount(outShape) / inner
    }

    /// Offsets into `a` and `b` of the first element of output row `row`.
    @inline(__always)
    func offsets(row: Int) -> (Int, Int) {
        var r = row, oa = 0, ob = 0
        var d = outShape.count - 2
        while d >= 0 {
            let size = outShape[d]
            let i = r % size
            r /= size
            oa += i * strideA[d]
            ob += i * strideB[d]
            d -= 1
        }
        return (oa, ob)
    }
}

/// `out[i] = fn(a[i·sa], b[i·sb])` for `i` in `range`, with `sa`, `sb` ∈ {0, 1} (0 broadcasts a scalar).
/// The switch on `fn` sits outside the loops, so each loop is a direct, vectorisable expression.
@inline(__always)
private func binaryRun<T: TensorScalar>(_ fn: BinaryFunction, _ a: UnsafePointer<T>, _ sa: Int, _ b: UnsafePointer<T>, _ sb: Int,
                                        _ out: UnsafeMutablePointer<T>, _ range: Range<Int>) {
    switch (fn, sa, sb) {
    case (.add, 1, 1): for i in range { out[i] = a[i] + b[i] }
    case (.add, 1, 0): let s = b[0]; for i in range { out[i] = a[i] + s }
    case (.add, 0, 1): let s = a[0]; for i in range { out[i] = s + b[i] }
    case (.sub, 1, 1): for i in range { out[i] = a[i] - b[i] }
    case (.sub, 1, 0): let s = b[0]; for i in range { out[i] = a[i] - s }
    case (.sub, 0, 1): let s = a[0]; for i in range { out[i] = s - b[i] }
    case (.mul, 1, 1): for i in range { out[i] = a[i] * b[i] }
    case (.mul, 1, 0): let s = b[0]; for i in range { out[i] = a[i] * s }
    case (.mul, 0, 1): let s = a[0]; for i in range { out[i] = s * b[i] }
    case (.div, 1, 1): for i in range { out[i] = a[i] / b[i] }
    case (.div, 1, 0): let s = b[0]; for i in range { out[i] = a[i] / s }
    case (.div, 0, 1): let s = a[0]; for i in range { out[i] = s / b[i] }
    default: for i in range { out[i] = fn.apply(a[i * sa], b[i * sb]) }
    }
}

private func binaryKernel<T: TensorScalar>(_ fn: BinaryFunction, _ a: Tensor, _ b: Tensor, _ out: Tensor,
                                           _ plan: BroadcastPlan, _: T.Type) {
    let pa = UnsafePointer(a.storage.pointer(T.self)), pb = UnsafePointer(b.storage.pointer(T.self))
    let po = out.storage.pointer(T.self)
    let n = plan.rows * plan.inner
    if a.count == n && b.count == n {
        Parallel.forRanges(n) { r in binaryRun(fn, pa, 1, pb, 1, po, r) }
    } else if b.count == 1 {
        Parallel.forRanges(n) { r in binaryRun(fn, pa, 1, pb, 0, po, r) }
    } else if a.count == 1 {
        Parallel.forRanges(n) { r in binaryRun(fn, pa, 0, pb, 1, po, r) }
    } else {
        let inner = plan.inner
        let ia = plan.strideA.last ?? 0, ib = plan.strideB.last ?? 0
        Parallel.forRanges(plan.rows, costPerItem: inner) { rows in
            for row in rows {
                let (oa, ob) = plan.offsets(row: row)
                if ia == 0 && ib == 0 {
                    let v = fn.apply(pa[oa], pb[ob])
                    (po + row * inner).update(repeating: v, count: inner)
                } else {
                    binaryRun(fn, pa + oa, ia, pb + ob, ib, po + row * inner, 0..<inner)
                }
            }
        }
    }
}

extension Tensor {
    /// Applies `fn` to `a` and `b` broadcast together (no autograd; used by the differentiable wrappers).
    static func binaryRaw(_ fn: BinaryFunction, _ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.dtype == b.dtype, "\(fn.rawValue): dtypes \(a.dtype) and \(b.dtype) differ")
        let plan = BroadcastPlan(a.shape, b.shape, op: fn.rawValue)
        let out = Tensor.empty(plan.outShape, dtype: a.dtype)
        switch a.dtype {
        case .float32: binaryKernel(fn, a, b, out, plan, Float.self)
        case .float64: binaryKernel(fn, a, b, out, plan, Double.self)
        }
        return out
    }

    /// The gradient `g` of a broadcast result, summed back to `shape`.
    public func sumToShape(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let axes = ShapeMath.broadcastAxes(target, to: shape)
        return sum(axes: axes, keepDims: true).reshaped(target)
    }

    /// `a + b`, broadcast.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let out = binaryRaw(.add, a, b)
        return record(out, "add", [a, b]) { g in [g.sumToShape(a.shape), g.sumToShape(b.shape)] }
    }

    /// `a - b`, broadcast.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let out = binaryRaw(.sub, a, b)
        return record(out, "sub", [a, b]) { g in [g.sumToShape(a.shape), (-g).sumToShape(b.shape)] }
    }

    /// `a * b`, broadcast.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let out = binaryRaw(.mul, a, b)
        return record(out, "mul", [a, b]) { g in
            [a.requiresGrad ? (g * b).sumToShape(a.shape) : nil,
             b.requiresGrad ? (g * a).sumToShape(b.shape) : nil]
        }
    }

    /// `a / b`, broadcast.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = binaryRaw(.div, a, b)
        return record(out, "div", [a, b]) { g in
            [a.requiresGrad ? (g / b).sumToShape(a.shape) : nil,
             b.requiresGrad ? (-(g * a) / (b * b)).sumToShape(b.shape) : nil]
        }
    }

    /// `a ** b`, broadcast. The gradient with respect to `b` uses `log(a)` and needs `a > 0`.
    public func pow(_ exponent: Tensor) -> Tensor {
        let a = self, b = exponent
        let out = Tensor.binaryRaw(.pow, a, b)
        return record(out, "pow", [a, b]) { [unowned out] g in
            [a.requiresGrad ? (g * b * Tensor.binaryRaw(.pow, a, b - Tensor(scalar: 1, dtype: b.dtype))).sumToShape(a.shape) : nil,
             b.requiresGrad ? (g * out * a.log()).sumToShape(b.shape) : nil]
        }
    }

    /// Elementwise maximum; on ties the gradient goes to `a`.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        let out = binaryRaw(.maximum, a, b)
        return record(out, "maximum", [a, b]) { g in
            let takeA = a.greaterEqual(b)
            return [Tensor.where(takeA, g, Tensor.zeros([], dtype: g.dtype)).sumToShape(a.shape),
                    Tensor.where(takeA, Tensor.zeros([], dtype: g.dtype), g).sumToShape(b.shape)]
        }
    }

    /// Elementwise minimum; on ties the gradient goes to `a`.
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
        let out = binaryRaw(.minimum, a, b)
        return record(out, "minimum", [a, b]) { g in
            let takeA = b.greaterEqual(a)
            return [Tensor.where(takeA, g, Tensor.zeros([], dtype: g.dtype)).sumToShape(a.shape),
                    Tensor.where(takeA, Tensor.zeros([], dtype: g.dtype), g).sumToShape(b.shape)]
        }
    }

    // Scalar conveniences (the scalar is a 0-d tensor of the same dtype).
    public static func + (a: Tensor, s: Double) -> Tensor { a + Tensor.full([], s, dtype: a.dtype) }
    public static func + (s: Double, a: Tensor) -> Tensor { Tensor.full([], s, dtype: a.dtype) + a }
    public static func - (a: Tensor, s: Double) -> Tensor { a - Tensor.full([], s, dtype: a.dtype) }
    public static func - (s: Double, a: Tensor) -> Tensor { Tensor.full([], s, dtype: a.dtype) - a }
    public static func * (a: Tensor, s: Double) -> Tensor { a * Tensor.full([], s, dtype: a.dtype) }
    public static func * (s: Double, a: Tensor) -> Tensor { Tensor.full([], s, dtype: a.dtype) * a }
    public static func / (a: Tensor, s: Double) -> Tensor { a / Tensor.full([], s, dtype: a.dtype) }
    public static func / (s: Double, a: Tensor) -> Tensor { Tensor.full([], s, dtype: a.dtype) / a }
}
