import Foundation
import SERTensor

/// Adam (Kingma & Ba), with PyTorch's `torch.optim.Adam` semantics (amsgrad off, not maximising).
///
/// Per parameter `p` with gradient `g`, at step `t` (counted per parameter, from 1):
/// ```
/// g ← g + λ·p                       (L2 weight decay λ, when not decoupled)
/// p ← p·(1 − lr·λ)                  (decoupled weight decay, AdamW)
/// m ← m + (1 − β1)·(g − m)
/// v ← β2·v + (1 − β2)·g²
/// p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
/// ```
/// ε is added after dividing √v by its bias correction, as PyTorch does. The scalar coefficients are
/// computed in double precision and rounded to the parameter's dtype; elements are updated in place.
/// State per parameter: `exp_avg` (m) and `exp_avg_sq` (v), plus the step count.
public class Adam: Optimizer {
    public let beta1: Double
    public let beta2: Double
    public let eps: Double
    /// Decoupled weight decay (AdamW) instead of L2 added to the gradient.
    public let decoupledWeightDecay: Bool

    /// - Parameters:
    ///   - groups: parameter groups with their learning rates (and optional weight decays).
    ///   - weightDecay: weight decay of groups that do not set their own (PyTorch default 0).
    /// - Throws: ``OptimizerError`` for betas outside [0, 1), negative eps or weight decay, invalid groups.
    public init(groups: [ParameterGroup], beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                weightDecay: Double = 0, decoupledWeightDecay: Bool = false) throws {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.decoupledWeightDecay = decoupledWeightDecay
        try super.init(groups: groups, defaultWeightDecay: weightDecay)
        try requireHyperparameter("beta1", beta1, beta1 >= 0 && beta1 < 1, "in [0, 1)")
        try requireHyperparameter("beta2", beta2, beta2 >= 0 && beta2 < 1, "in [0, 1)")
        try requireHyperparameter("eps", eps, eps >= 0, ">= 0")
    }

    /// One group holding `parameters` (e.g. `module.namedParameters()`).
    public convenience init(parameters: [(name: String, tensor: Tensor)], learningRate: Double = 1e-3,
                            beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                            weightDecay: Double = 0) throws {
        try self.init(groups: [ParameterGroup(name: ParameterGroup.defaultGroupName, parameters: parameters,
                                              learningRate: learningRate)],
                      beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay)
    }

    override public var kind: String { "Adam" }

    override public var hyperparameters: [String: Double] {
        ["beta1": beta1, "beta2": beta2, "eps": eps, "decoupled_weight_decay": decoupledWeightDecay ? 1 : 0]
    }

    static let expAvg = "exp_avg", expAvgSq = "exp_avg_sq"

    override public var bufferNames: Set<String> { [Adam.expAvg, Adam.expAvgSq] }

    override public func bufferNames(afterSteps step: Int) -> Set<String> { step > 0 ? bufferNames : [] }

    override public func applySingle(parameter p: Tensor, gradient g: Tensor, state: inout ParameterState,
                                     learningRate lr: Double, weightDecay wd: Double) {
        let m = state.buffers[Adam.expAvg] ?? Tensor(zeros: p.shape, dtype: p.dtype)
        let v = state.buffers[Adam.expAvgSq] ?? Tensor(zeros: p.shape, dtype: p.dtype)
        state.buffers[Adam.expAvg] = m
        state.buffers[Adam.expAvgSq] = v
        let t = Double(state.step)
        let c = AdamCoefficients(
            l2: decoupledWeightDecay ? 0 : wd,
            decay: decoupledWeightDecay && wd != 0 ? 1 - lr * wd : 1,
            oneMinusBeta1: 1 - beta1, beta2: beta2, oneMinusBeta2: 1 - beta2,
            biasCorrection2Sqrt: (1 - Foundation.pow(beta2, t)).squareRoot(), eps: eps,
            negStepSize: -(lr / (1 - Foundation.pow(beta1, t))))
        switch p.dtype {
        case .float32: Adam.update(Float.self, p, g, m, v, c)
        case .float64: Adam.update(Double.self, p, g, m, v, c)
        }
    }

    /// The scalars of one Adam update, in double precision.
    struct AdamCoefficients {
        var l2, decay, oneMinusBeta1, beta2, oneMinusBeta2, biasCorrection2Sqrt, eps, negStepSize: Double
    }

    /// In-place update, operation for operation in PyTorch's order (`lerp_`, `mul_`/`addcmul_`,
    /// `sqrt`/`div`/`add_`, `addcdiv_`), so float32 results agree to a few ulps.
    static func update<T: TensorScalar>(_: T.Type, _ p: Tensor, _ g: Tensor, _ m: Tensor, _ v: Tensor,
                                        _ c: AdamCoefficients) {
        let pp = p.storage.pointer(T.self), gp = g.storage.pointer(T.self)
        let mp = m.storage.pointer(T.self), vp = v.storage.pointer(T.self)
        let l2 = T(c.l2), decay = T(c.decay), w1 = T(c.oneMinusBeta1), b2 = T(c.beta2), w2 = T(c.oneMinusBeta2)
        let bc2 = T(c.biasCorrection2Sqrt), eps = T(c.eps), negStep = T(c.negStepSize)
        let useL2 = c.l2 != 0, useDecay = c.decay != 1
        Parallel.forRanges(p.count, costPerItem: 8) { r in
            for i in r {
                var pi = pp[i], gi = gp[i]
                if useDecay { pi = pi * decay }
                if useL2 { gi = gi + l2 * pi }
                let mi = mp[i].addingProduct(w1, gi - mp[i])
                let vi = vp[i] * b2 + w2 * gi * gi
                mp[i] = mi
                vp[i] = vi
                let denom = vi.squareRoot() / bc2 + eps
                pp[i] = pi + negStep * mi / denom
            }
        }
    }
}
