/// Errors raised when building optimisers and restoring their state.
public enum OptimizerError: Error, CustomStringConvertible, Equatable {
    /// A hyperparameter outside its valid range, e.g. a negative learning rate.
    case invalidHyperparameter(optimizer: String, name: String, value: Double, requirement: String)
    /// Parameter groups that cannot form one optimiser: every problem found.
    case invalidGroups([String])
    /// A state dict that does not fit this optimiser: every offending key.
    case stateDictMismatch(optimizer: String, problems: [String])
    /// Scalar state (kind, hyperparameters, groups) saved by a differently configured optimiser.
    case scalarStateMismatch(optimizer: String, problems: [String])

    public var description: String {
        switch self {
        case let .invalidHyperparameter(o, n, v, req):
            return "\(o): invalid \(n) \(v) (must be \(req))"
        case let .invalidGroups(ps):
            return "invalid parameter groups:\n  " + ps.joined(separator: "\n  ")
        case let .stateDictMismatch(o, ps):
            return "optimiser state dict does not match \(o) (\(ps.count) problem\(ps.count == 1 ? "" : "s")):\n  "
                + ps.joined(separator: "\n  ")
        case let .scalarStateMismatch(o, ps):
            return "optimiser scalar state does not match \(o):\n  " + ps.joined(separator: "\n  ")
        }
    }
}
