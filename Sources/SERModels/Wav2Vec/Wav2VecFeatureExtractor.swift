import SERTensor

/// The wav2vec encoder f (fairseq `ConvFeatureExtractionModel`): raw audio `[batch, samples]` → z
/// `[batch, channels, frames]`, frames = ``Wav2VecConfig/frameCount(samples:)``.
///
/// Block i is a ``Sequential`` registered as `conv_layers.i`: `0` Conv1d (no bias, no padding, stride sᵢ),
/// `1` Dropout (p = 0, as fairseq builds it), `2` GroupNorm (1 group, eps 1e-5; affine per the config), `3` ReLU.
/// State-dict names are therefore fairseq's: `conv_layers.0.0.weight` `[c₀, 1, k₀]`, `conv_layers.0.2.weight`,
/// `conv_layers.0.2.bias` `[c₀]`, … With skip connections, a block whose input has its output's channel count
/// adds the input subsampled in time (`x[..., ::⌊Tin/Tout⌋][..., :Tout]`) and scales by `√residualScale`.
/// After the last block, `z = log(|x| + 1)` when log compression is on.
public final class Wav2VecFeatureExtractor: Module {
    public let config: Wav2VecConfig
    /// The blocks, registered as `conv_layers`.
    public let convLayers: Sequential
    /// Each block's convolution and group norm (the same modules as in ``convLayers``).
    public let convs: [Conv1d]
    public let norms: [GroupNorm]

    public init(_ config: Wav2VecConfig, rng: inout RandomGenerator) {
        self.config = config
        var blocks: [any UnaryLayer] = []
        var convs: [Conv1d] = [], norms: [GroupNorm] = []
        var cin = 1
        for l in config.featureExtractorLayers {
            let conv = Conv1d(cin, l.channels, kernelSize: l.kernelSize, stride: l.stride, bias: false, rng: &rng)
            let norm = GroupNorm(numGroups: 1, numChannels: l.channels, affine: config.groupNormAffine)
            blocks.append(Sequential(conv, Dropout(0, rng: &rng), norm, ReLU()))
            convs.append(conv)
            norms.append(norm)
            cin = l.channels
        }
        convLayers = Sequential(blocks)
        self.convs = convs
        self.norms = norms
        super.init()
        registerModule("conv_layers", convLayers)
    }

    /// z for `wav` `[batch, samples]` through the differentiable ops (any dtype; used for training and float64).
    public func callAsFunction(_ wav: Tensor) -> Tensor {
        precondition(wav.rank == 2, "Wav2VecFeatureExtractor: input \(wav.shape) must be [batch, samples]")
        let scale = config.residualScale.squareRoot()
        var x = wav.unsqueezed(1)
        for layer in convLayers.layers {
            let residual = x
            x = layer(x)
            if config.featureExtractorSkipConnections && x.shape[1] == residual.shape[1] {
                let t = x.shape[2], step = residual.shape[2] / t
                let r = residual.sliced(axis: 2, step: step).sliced(axis: 2, end: t)
                x = (x + r) * scale
            }
        }
        return config.logCompression ? (x.abs() + 1).log() : x
    }
}
