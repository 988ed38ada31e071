import RealModule

/// The elementwise functions of one tensor. Each case's forward is `forward(_:)` and its derivative,
/// written beside it, is `derivative(x:y:)` (in terms of the input `x` and output `y`).
public enum UnaryFunction: Sendable, Equatable {
    case neg, exp, log, log1p, sqrt, abs, sin, cos, tanh, sigmoid, relu
    /// `log(1 + exp(x))`, computed stably; derivative `sigmoid(x)`.
    case softplus
    /// `x` if `x > 0`, else `slope * x`.
    case leakyRelu(slope: Double)
    /// `min(max(x, low), high)`; gradient 1 where `low <= x <= high` (PyTorch's convention).
    case clamp(low: Double, high: Double)
    /// `x ** exponent` for a constant exponent.
    case power(Double)

    @inline(__always)
    func forward<T: TensorScalar>(_ x: T) -> T {
        switch self {
        case .neg: return -x
        case .exp: return T.exp(x)
        case .log: return T.log(x)
        case .log1p: return T.log(onePlus: x)
        case .sqrt: return x.squareRoot()
        case .abs: return Swift.abs(x)
        case .sin: return T.sin(x)
        case .cos: return T.cos(x)
        case .tanh: return T.tanh(x)
        case .sigmoid: return x >= 0 ? 1 / (1 + T.exp(-x)) : T.exp(x) / (1 + T.exp(x))
        case .relu: return x > 0 ? x : 0
        case .softplus: return Swift.max(x, 0) + T.log(onePlus: T.exp(-Swift.abs(x)))
        case .leakyRelu(let s): return x > 0 ? x : T(s) * x
        case .clamp(let lo, let hi): return Swift.min(Swift.max(x, T(lo)), T(hi))
        case .power(let p): return T.pow(x, T(p))
        }
    }

    /// dy/dx at input `x` with output `y`.
    @inline(__always)
    func derivative<T: TensorScalar>(x: T, y: T) -> T {
        switch self {
        case .neg: return -1
        case .exp: return y
        case .log: return 1 / x
        case .log1p: return 1 / (1 + x)
        case .sqrt: return 1 / (2 * y)
        case .abs: return x > 0 ? 1 : (x < 0 ? -1 : 0)
        case .sin: return T.cos(x)
        case .cos: return -T.sin(x)
        case .tanh: return 1 - y * y
        case .sigmoid: return y * (1 - y)
        case .relu: return x > 0 ? 1 : 0
        case .softplus: return UnaryFunction.sigmoid.forward(x)
        case .leakyRelu(let s): return x > 0 ? 1 : T(s)
        case .clamp(let lo, let hi): return (x >= T(lo) && x <= T(hi)) ? 1 : 0
        case .power(let p): return p == 0 ? 0 : T(p) * T.pow(x, T(p - 1))
        }
    }

    /// Whether the derivative needs the input (otherwise only the output is kept for backward).
    var name: String { "\(self)" }
}

/// `y[i] = f(x[i])` over `range`; the switch sits outside the loops so common cases vectorise.
@inline(__always)
private func mapRun<T: TensorScalar>(_ f: UnaryFunction, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ range: Range<Int>) {
    switch f {
    case .neg: for i in range { y[i] = -x[i] }
    case .relu: for i in range { y[i] = x[i] > 0 ? x[i] : 0 }
    case .abs: for i in range { y[i] = Swift.abs(x[i]) }
    case .sqrt: for i in range { y[i] = x[i].squareRoot() }
    case .exp: for i in range { y[i] = T.exp(x[i]) }
    case .log: for i in range { y[i] = T.log(x[i]) }
    case .tanh: for i in range { y[i] = T.tanh(x[i]) }
    case .leakyRelu(let s): let ts = T(s); for i in range { y[i] = x[i] > 0 ? x[i] : ts * x[i] }
    case .clamp(let lo, let hi): let l = T(lo), h = T(hi); for i in range { y[i] = Swift.min(Swift.max(x[i], l), h) }
    default: for i in range { y[i] = f.forward(x[i]) }
    }
}

private func mapKernel<T: TensorScalar>(_ f: UnaryFunction, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
    Parallel.forRanges(n) { r in mapRun(f, x, y, r) }
}

/// `gx[i] = gy[i]·f'(x[i])` over `range` (derivative in terms of input `x` and output `y`); the
/// switch sits outside the loops so the common cases vectorise.
@inline(__always)
private func derivativeRun<T: TensorScalar>(_ f: UnaryFunction, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>,
                                            _ gy: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>, _ range: Range<Int>) {
    switch f {
    case .neg: for i in range { gx[i] = -gy[i] }
    case .relu: for i in range { gx[i] = x[i] > 0 ? gy[i] : 0 }
    case .leakyRelu(let s): let ts = T(s); for i in range { gx[i] = x[i] > 0 ? gy[i] : ts * gy[i] }
    case .exp: for i in range { gx[i] = gy[i] * y[i] }
    case .tanh: for i in range { gx[i] = gy[i] * (1 - y[i] * y[i]) }
    case .sigmoid: for i in range { gx[i] = gy[i] * y[i] * (1 - y[i]) }
    case .sqrt: for i in range { gx[i] = gy[i] / (2 * y[i]) }
    case .log: for i in range { gx[i] = gy[i] / x[i] }
    default: for i in range { gx[i] = gy[i] * f.derivative(x: x[i], y: y[i]) }
    }
}

private func derivativeKernel<T: TensorScalar>(_ f: UnaryFunction, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>,
                                               _ gy: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>, _ n: Int) {
    Parallel.forRanges(n) { r in derivativeRun(f, x, y, gy, gx, r) }
}

extension Tensor {
    /// Applies `f` elementwise. Output has the input's shape.
    public func apply(_ f: UnaryFunction) -> Tensor {
        let out = Tensor.empty(shape, dtype: dtype)
        switch dtype {
        case .float32: mapKernel(f, storage.pointer(Float.self), out.storage.pointer(Float.self), count)
        case .float64: mapKernel(f, storage.pointer(Double.self), out.storage.pointer(Double.self), count)
        }
        let x = self
        return record(out, f.name, [self]) { [unowned out] g in
            let gx = Tensor.empty(x.shape, dtype: x.dtype)
            switch x.dtype {
            case .float32:
                derivativeKernel(f, x.storage.pointer(Float.self), out.storage.pointer(Float.self),
                                 g.storage.pointer(Float.self), gx.storage.pointer(Float.self), x.count)
            case .float64:
                derivativeKernel(f, x.storage.pointer(Double.self), out.storage.pointer(Double.self),
                                 g.storage.pointer(Double.self), gx.storage.pointer(Double.self), x.count)
            }
            return [gx]
        }
    }

    public func exp() -> Tensor { apply(.exp) }
    public func log() -> Tensor { apply(.log) }
    public func log1p() -> Tensor { apply(.log1p) }
    public func sqrt() -> Tensor { apply(.sqrt) }
    public func abs() -> Tensor { apply(.abs) }
    public func sin() -> Tensor { apply(.sin) }
    public func cos() -> Tensor { apply(.cos) }
    public func tanh() -> Tensor { apply(.tanh) }
    public func sigmoid() -> Tensor { apply(.sigmoid) }
    public func relu() -> Tensor { apply(.relu) }
    /// `log(1 + exp(x))`, stable for large |x|.
    public func softplus() -> Tensor { apply(.softplus) }
    /// `x` where positive, `slope * x` elsewhere (PyTorch default slope 0.01).
    public func leakyRelu(slope: Double = 0.01) -> Tensor { apply(.leakyRelu(slope: slope)) }
    /// Limits every element to `[low, high]`.
    public func clamp(min low: Double = -.infinity, max high: Double = .infinity) -> Tensor {
        apply(.clamp(low: low, high: high))
    }
    /// `x ** exponent` for a constant exponent.
    public func pow(_ exponent: Double) -> Tensor { apply(.power(exponent)) }
    /// `x * x`.
    public func square() -> Tensor { self * self }

    public static prefix func - (x: Tensor) -> Tensor { x.apply(.neg) }
}
