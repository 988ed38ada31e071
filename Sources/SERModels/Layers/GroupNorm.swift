import SERTensor

/// Group normalisation (PyTorch `nn.GroupNorm`): the channels of `[batch, channels, ...]` are split
/// into `numGroups` groups, each normalised over its channels and all later axes (biased variance,
/// per example; no running statistics, same in training and evaluation), then a per-channel affine.
///
/// - State dict: `weight` `[channels]` (init 1), `bias` `[channels]` (init 0) when `affine`.
/// - Defaults as PyTorch: `eps = 1e-5`, affine.
public final class GroupNorm: Module, UnaryLayer {
    public let numGroups: Int
    public let numChannels: Int
    public let eps: Double
    public let weight: Tensor?
    public let bias: Tensor?

    public init(numGroups: Int, numChannels: Int, eps: Double = 1e-5, affine: Bool = true) {
        precondition(numGroups >= 1 && numChannels % numGroups == 0,
                     "GroupNorm: \(numChannels) channels are not divisible into \(numGroups) groups")
        self.numGroups = numGroups
        self.numChannels = numChannels
        self.eps = eps
        weight = affine ? Tensor.ones([numChannels]) : nil
        bias = affine ? Tensor.zeros([numChannels]) : nil
        super.init()
        if let weight { registerParameter("weight", weight) }
        if let bias { registerParameter("bias", bias) }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 2 && x.shape[1] == numChannels,
                     "GroupNorm: input \(x.shape) must be [batch, \(numChannels), ...]")
        return x.groupNorm(groups: numGroups, weight: weight?.to(x.dtype), bias: bias?.to(x.dtype), eps: eps)
    }
}
