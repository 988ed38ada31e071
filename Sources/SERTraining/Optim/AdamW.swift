import SERTensor

/// AdamW (Loshchilov & Hutter) as `torch.optim.AdamW`: Adam with decoupled weight decay,
/// `p ← p·(1 − lr·λ)` before the Adam update, default λ = 0.01. See ``Adam``.
public final class AdamW: Adam {
    public init(groups: [ParameterGroup], beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                weightDecay: Double = 0.01) throws {
        try super.init(groups: groups, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay,
                       decoupledWeightDecay: true)
    }

    /// One group holding `parameters`.
    public convenience init(parameters: [(name: String, tensor: Tensor)], learningRate: Double = 1e-3,
                            beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                            weightDecay: Double = 0.01) throws {
        try self.init(groups: [ParameterGroup(name: ParameterGroup.defaultGroupName, parameters: parameters,
                                              learningRate: learningRate)],
                      beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay)
    }

    override public var kind: String { "AdamW" }
}
