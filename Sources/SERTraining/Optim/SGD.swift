import SERTensor

/// Stochastic gradient descent with momentum, with PyTorch's `torch.optim.SGD` semantics (not maximising).
///
/// Per parameter `p` with gradient `g`:
/// ```
/// g ← g + λ·p                                  (weight decay λ)
/// b ← g                      on the first step (momentum μ ≠ 0)
/// b ← μ·b + (1 − dampening)·g  afterwards
/// g ← g + μ·b  (Nesterov)   or   g ← b
/// p ← p − lr·g
/// ```
/// State per parameter: `momentum_buffer` (when μ ≠ 0), plus the step count.
public final class SGD: Optimizer {
    public let momentum: Double
    public let dampening: Double
    public let nesterov: Bool

    /// - Throws: ``OptimizerError`` for negative momentum, dampening or weight decay, Nesterov without
    ///   momentum or with dampening (as PyTorch), invalid groups.
    public init(groups: [ParameterGroup], momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false,
                weightDecay: Double = 0) throws {
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        try super.init(groups: groups, defaultWeightDecay: weightDecay)
        try requireHyperparameter("momentum", momentum, momentum >= 0, ">= 0")
        try requireHyperparameter("dampening", dampening, dampening >= 0, ">= 0")
        if nesterov {
            try requireHyperparameter("momentum", momentum, momentum > 0, "> 0 with Nesterov momentum")
            try requireHyperparameter("dampening", dampening, dampening == 0, "0 with Nesterov momentum")
        }
    }

    /// One group holding `parameters`.
    public convenience init(parameters: [(name: String, tensor: Tensor)], learningRate: Double,
                            momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false,
                            weightDecay: Double = 0) throws {
        try self.init(groups: [ParameterGroup(name: ParameterGroup.defaultGroupName, parameters: parameters,
                                              learningRate: learningRate)],
                      momentum: momentum, dampening: dampening, nesterov: nesterov, weightDecay: weightDecay)
    }

    override public var kind: String { "SGD" }

    override public var hyperparameters: [String: Double] {
        ["momentum": momentum, "dampening": dampening, "nesterov": nesterov ? 1 : 0]
    }

    static let momentumBuffer = "momentum_buffer"

    override public var bufferNames: Set<String> { momentum != 0 ? [SGD.momentumBuffer] : [] }

    override public func bufferNames(afterSteps step: Int) -> Set<String> { step > 0 ? bufferNames : [] }

    override public func applySingle(parameter p: Tensor, gradient g: Tensor, state: inout ParameterState,
                                     learningRate lr: Double, weightDecay wd: Double) {
        var buffer: Tensor?
        var first = false
        if momentum != 0 {
            if let b = state.buffers[SGD.momentumBuffer] {
                buffer = b
            } else {
                let b = Tensor(zeros: p.shape, dtype: p.dtype)
                state.buffers[SGD.momentumBuffer] = b
                buffer = b
                first = true
            }
        }
        let c = Coefficients(weightDecay: wd, momentum: momentum, oneMinusDampening: 1 - dampening,
                             nesterov: nesterov, negLearningRate: -lr, firstStep: first)
        switch p.dtype {
        case .float32: SGD.update(Float.self, p, g, buffer, c)
        case .float64: SGD.update(Double.self, p, g, buffer, c)
        }
    }

    struct Coefficients {
        var weightDecay, momentum, oneMinusDampening: Double
        var nesterov: Bool
        var negLearningRate: Double
        var firstStep: Bool
    }

    /// In-place update in PyTorch's operation order (`add(alpha)`, `mul_`/`add_(alpha)`, `add_(alpha = −lr)`).
    static func update<T: TensorScalar>(_: T.Type, _ p: Tensor, _ g: Tensor, _ buffer: Tensor?, _ c: Coefficients) {
        let pp = p.storage.pointer(T.self), gp = g.storage.pointer(T.self)
        let bp = buffer?.storage.pointer(T.self)
        let wd = T(c.weightDecay), mu = T(c.momentum), damp = T(c.oneMinusDampening), negLR = T(c.negLearningRate)
        let useWD = c.weightDecay != 0, nesterov = c.nesterov, first = c.firstStep
        Parallel.forRanges(p.count, costPerItem: 6) { r in
            for i in r {
                var gi = gp[i]
                if useWD { gi = gi + wd * pp[i] }
                if let bp {
                    let b = first ? gi : bp[i] * mu + damp * gi
                    bp[i] = b
                    gi = nesterov ? gi + mu * b : b
                }
                pp[i] = pp[i] + negLR * gi
            }
        }
    }
}
