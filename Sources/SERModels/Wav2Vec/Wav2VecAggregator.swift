import SERTensor

/// The wav2vec context network g (fairseq `ConvAggegator`): z `[batch, channels, frames]` → c
/// `[batch, channels', frames']` (frames' = frames for stride-1 layers).
///
/// Block i is a ``Sequential`` registered as `conv_layers.i`: `0` ``TimePadding`` (left `k − 1`, replicate or
/// zeros), `1` Conv1d (bias per the config), `2` Dropout (the config's `dropout`), `3` GroupNorm (1 group), `4` ReLU.
/// State-dict names: `conv_layers.i.1.weight` `[cᵢ, cᵢ₋₁, kᵢ]`, `conv_layers.i.1.bias`, `conv_layers.i.3.weight`,
/// `conv_layers.i.3.bias`. With skip connections each block computes `x ← (block(x) + r(x))·√residualScale`, where
/// `r` is the identity, or a bias-free 1×1 Conv1d `residual_proj.i.weight` `[cᵢ, cᵢ₋₁, 1]` when the channel
/// count changes (fairseq registers `residual_proj` entries only for those layers).
public final class Wav2VecAggregator: Module {
    public let config: Wav2VecConfig
    public let convLayers: Sequential
    /// `residual_proj`: a container whose children are named by layer index (only where projections exist).
    public let residualProjections: Module
    /// The projection of each layer, or nil.
    public let projections: [Conv1d?]
    /// Each block's convolution, dropout and group norm (the same modules as in ``convLayers``).
    public let convs: [Conv1d]
    public let dropouts: [Dropout]
    public let norms: [GroupNorm]

    public init(_ config: Wav2VecConfig, rng: inout RandomGenerator) {
        self.config = config
        var blocks: [any UnaryLayer] = []
        var projections: [Conv1d?] = []
        var convs: [Conv1d] = [], dropouts: [Dropout] = [], norms: [GroupNorm] = []
        let container = Module()
        var cin = config.featureChannels
        for (i, l) in config.aggregatorLayers.enumerated() {
            if config.aggregatorSkipConnections && cin != l.channels {
                let p = Conv1d(cin, l.channels, kernelSize: 1, bias: false, rng: &rng)
                container.registerModule(String(i), p)
                projections.append(p)
            } else {
                projections.append(nil)
            }
            let conv = Conv1d(cin, l.channels, kernelSize: l.kernelSize, stride: l.stride,
                              bias: config.aggregatorConvBias, rng: &rng)
            let dropout = Dropout(config.dropout, rng: &rng)
            let norm = GroupNorm(numGroups: 1, numChannels: l.channels, affine: config.groupNormAffine)
            blocks.append(Sequential(
                TimePadding(left: l.kernelSize - 1, mode: config.aggregatorZeroPadding ? .constant : .replicate),
                conv, dropout, norm, ReLU()))
            convs.append(conv)
            dropouts.append(dropout)
            norms.append(norm)
            cin = l.channels
        }
        convLayers = Sequential(blocks)
        residualProjections = container
        self.projections = projections
        self.convs = convs
        self.dropouts = dropouts
        self.norms = norms
        super.init()
        registerModule("conv_layers", convLayers)
        registerModule("residual_proj", container)
    }

    /// c for `z` `[batch, channels, frames]` through the differentiable ops.
    public func callAsFunction(_ z: Tensor) -> Tensor {
        precondition(z.rank == 3 && z.shape[1] == config.featureChannels,
                     "Wav2VecAggregator: input \(z.shape) must be [batch, \(config.featureChannels), frames]")
        let scale = config.residualScale.squareRoot()
        var x = z
        for (i, layer) in convLayers.layers.enumerated() {
            let residual = x
            x = layer(x)
            if config.aggregatorSkipConnections {
                let r = projections[i].map { $0(residual) } ?? residual  // same length: validate() requires stride 1
                x = (x + r) * scale
            }
        }
        return x
    }
}
