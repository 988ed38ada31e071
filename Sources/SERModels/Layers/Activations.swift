import SERTensor

/// `max(x, 0)` (PyTorch `nn.ReLU`). No parameters.
public final class ReLU: Module, UnaryLayer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.relu() }
}

/// `x` for `x ≥ 0`, else `negativeSlope · x` (PyTorch `nn.LeakyReLU`, default slope 0.01). No parameters.
public final class LeakyReLU: Module, UnaryLayer {
    public let negativeSlope: Double
    public init(negativeSlope: Double = 0.01) {
        self.negativeSlope = negativeSlope
        super.init()
    }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.leakyRelu(slope: negativeSlope) }
}

/// Hyperbolic tangent (PyTorch `nn.Tanh`). No parameters.
public final class Tanh: Module, UnaryLayer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.tanh() }
}

/// Logistic sigmoid `1 / (1 + e^(−x))` (PyTorch `nn.Sigmoid`). No parameters.
public final class Sigmoid: Module, UnaryLayer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.sigmoid() }
}

/// Returns its input (PyTorch `nn.Identity`). No parameters.
public final class Identity: Module, UnaryLayer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x }
}

/// A choice of element-wise activation, for layers built from a configuration (``MLP``).
public enum Activation: Sendable, Equatable, Codable {
    case relu
    case leakyRelu(negativeSlope: Double)
    case tanh
    case sigmoid
    case identity

    /// A fresh module computing this activation.
    public func makeModule() -> any UnaryLayer {
        switch self {
        case .relu: return ReLU()
        case .leakyRelu(let s): return LeakyReLU(negativeSlope: s)
        case .tanh: return Tanh()
        case .sigmoid: return Sigmoid()
        case .identity: return Identity()
        }
    }

    /// Applies the activation directly.
    public func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: return x.relu()
        case .leakyRelu(let s): return x.leakyRelu(slope: s)
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        case .identity: return x
        }
    }
}
