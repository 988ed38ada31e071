/// Factory functions. Random ones draw from a caller-supplied ``RandomGenerator``.
extension Tensor {
    /// All zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        Tensor(zeros: shape, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// All ones.
    public static func ones(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        full(shape, 1, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// Every element equal to `value`.
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32,
                            requiresGrad: Bool = false) -> Tensor {
        let t = Tensor.empty(shape, dtype: dtype)
        switch dtype {
        case .float32: t.storage.pointer(Float.self).update(repeating: Float(value), count: t.count)
        case .float64: t.storage.pointer(Double.self).update(repeating: value, count: t.count)
        }
        t.requiresGrad = requiresGrad
        return t
    }

    /// A tensor like `other` (shape and dtype) filled with `value`.
    public static func full(like other: Tensor, _ value: Double) -> Tensor {
        full(other.shape, value, dtype: other.dtype)
    }

    /// `start, start+step, …` below `end` (NumPy `arange`), 1-D.
    public static func arange(_ start: Double = 0, _ end: Double, step: Double = 1, dtype: DType = .float32) -> Tensor {
        precondition(step != 0, "arange: step must be non-zero")
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return fromFunction([n], dtype: dtype) { start + Double($0) * step }
    }

    /// `count` evenly spaced values from `start` to `end` inclusive (NumPy `linspace`), 1-D.
    public static func linspace(_ start: Double, _ end: Double, count: Int, dtype: DType = .float32) -> Tensor {
        precondition(count >= 0, "linspace: negative count")
        if count == 1 { return full([1], start, dtype: dtype) }
        let step = (end - start) / Double(Swift.max(count - 1, 1))
        return fromFunction([count], dtype: dtype) { i in i == count - 1 ? end : start + Double(i) * step }
    }

    /// Normal with the given mean and standard deviation.
    public static func randn(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32,
                             using rng: inout RandomGenerator) -> Tensor {
        fromFunction(shape, dtype: dtype) { _ in mean + std * rng.nextNormal() }
    }

    /// Uniform on `[low, high)`.
    public static func uniform(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = .float32,
                               using rng: inout RandomGenerator) -> Tensor {
        fromFunction(shape, dtype: dtype) { _ in rng.uniform(low, high) }
    }

    /// 1 with probability `p`, else 0.
    public static func bernoulli(_ shape: [Int], p: Double, dtype: DType = .float32,
                                 using rng: inout RandomGenerator) -> Tensor {
        precondition(p >= 0 && p <= 1, "bernoulli: probability \(p) outside [0, 1]")
        return fromFunction(shape, dtype: dtype) { _ in rng.nextUniform() < p ? 1 : 0 }
    }

    /// Element `i` (flat, row-major) is `f(i)`.
    public static func fromFunction(_ shape: [Int], dtype: DType = .float32, _ f: (Int) -> Double) -> Tensor {
        let t = Tensor.empty(shape, dtype: dtype)
        switch dtype {
        case .float32:
            let p = t.storage.pointer(Float.self)
            for i in 0..<t.count { p[i] = Float(f(i)) }
        case .float64:
            let p = t.storage.pointer(Double.self)
            for i in 0..<t.count { p[i] = f(i) }
        }
        return t
    }
}
