/// Why a recurrent op (``Tensor/lstm(_:weights:h0:c0:lengths:)``, ``Tensor/gru(_:weights:h0:lengths:)``)
/// or a ``RecurrentWeights`` constructor rejected its arguments. Each case names the offending tensor or
/// parameter and says what was expected, so a bad checkpoint or a bad batch is easy to trace.
public enum RecurrentError: Error, CustomStringConvertible, Equatable {
    /// A parameter named like PyTorch (`weight_ih_l0_reverse`, …) is absent from a keyed set.
    case missingParameter(String)
    /// A keyed set holds a name that this configuration does not use.
    case unexpectedParameter(String)
    /// An ordered parameter list has the wrong length for the configuration.
    case wrongParameterCount(expected: Int, got: Int)
    /// A parameter has the wrong shape.
    case parameterShape(name: String, expected: [Int], got: [Int])
    /// A tensor's dtype differs from the input's.
    case dtypeMismatch(name: String, expected: DType, got: DType)
    /// The input or an initial state has the wrong shape.
    case inputShape(name: String, expected: String, got: [Int])
    /// `lengths` has the wrong count or a length outside `1...time`.
    case invalidLengths(String)
    /// The configuration itself is invalid (no layers, zero hidden size).
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .missingParameter(let n):
            return "recurrent weights: parameter '\(n)' is missing"
        case .unexpectedParameter(let n):
            return "recurrent weights: unexpected parameter '\(n)' for this configuration"
        case .wrongParameterCount(let e, let g):
            return "recurrent weights: expected \(e) parameters in PyTorch order, got \(g)"
        case .parameterShape(let n, let e, let g):
            return "recurrent weights: parameter '\(n)' has shape \(g), expected \(e)"
        case .dtypeMismatch(let n, let e, let g):
            return "recurrent op: '\(n)' has dtype \(g.rawValue), expected \(e.rawValue) like the input"
        case .inputShape(let n, let e, let g):
            return "recurrent op: '\(n)' has shape \(g), expected \(e)"
        case .invalidLengths(let m):
            return "recurrent op: invalid lengths: \(m)"
        case .invalidConfiguration(let m):
            return "recurrent weights: \(m)"
        }
    }
}
