import SERTensor

/// The STRFNet-style baseline classifier for engineered features (paper §2.2; Vuong, Xia & Stern 2020):
/// front end (Conv2d and/or learnable STRFs) → BatchNorm + LeakyReLU → residual CNN → per-frame Linear
/// → GRU → self-attention pooling over time → MLP → class logits.
///
/// Input `[batch, channels, time, freq]` (a `[batch, time, freq]` input is taken as one channel) and an
/// optional frame mask `[batch, time]` (1 real, 0 padding) so padded frames never count in pooling.
/// Output: logits `[batch, classes]`.
///
/// Parameter names: `conv.*`, `strf.<i>.*` (one Gabor bank per STRF input), `front_bn.*`, `res.<i>.*`,
/// `proj.*`, `gru.*` (PyTorch `nn.GRU` names), `attention.*`, `mlp.*`.
public final class STRFNet: Module {
    public let configuration: STRFNetConfiguration
    public let conv: Conv2d?
    public let strf: [GaborSTRF]
    public let frontNorm: BatchNorm2d
    public let residual: Sequential
    public let projection: Linear
    public let gru: GRU
    public let attention: SelfAttentionPooling
    public let dropoutLayer: Dropout
    public let mlp: MLP

    public init(_ configuration: STRFNetConfiguration, rng: inout RandomGenerator) throws {
        try configuration.validate()
        self.configuration = configuration
        let c = configuration
        conv = c.convChannels > 0
            ? Conv2d(c.inputChannels.count, c.convChannels, kernelSize: (3, 3), padding: .symmetric(height: 1, width: 1), rng: &rng)
            : nil
        strf = c.strfInputs.map { _ in
            GaborSTRF(kernels: c.strfKernels, timeSupport: c.strfTimeSupport, frequencySupport: c.strfFrequencySupport, rng: &rng)
        }
        frontNorm = BatchNorm2d(c.frontEndChannels)
        var blocks: [any UnaryLayer] = []
        var channels = c.frontEndChannels
        for out in c.residualChannels {
            blocks.append(ResidualBlock2d(channels, out, stride: (1, 2), negativeSlope: c.negativeSlope, rng: &rng))
            channels = out
        }
        residual = Sequential(blocks)
        projection = Linear(channels * c.outputFrequencyBins, c.embeddingSize, rng: &rng)
        gru = GRU(inputSize: c.embeddingSize, hiddenSize: c.gruHidden, bidirectional: c.gruBidirectional, rng: &rng)
        let pooled = c.gruHidden * (c.gruBidirectional ? 2 : 1)
        attention = SelfAttentionPooling(inputSize: pooled, hiddenSize: c.attentionHidden, rng: &rng)
        dropoutLayer = Dropout(c.dropout, rng: &rng)
        mlp = MLP(inputSize: pooled, hiddenSizes: c.mlpHidden, outputSize: c.classes,
                  activation: .leakyRelu(negativeSlope: c.negativeSlope), rng: &rng)
        super.init()
        if let conv { registerModule("conv", conv) }
        if !strf.isEmpty {
            let bank = Module()
            for (i, s) in strf.enumerated() { bank.registerModule("\(i)", s) }
            registerModule("strf", bank)
        }
        registerModule("front_bn", frontNorm)
        registerModule("res", residual)
        registerModule("proj", projection)
        registerModule("gru", gru)
        registerModule("attention", attention)
        registerModule("dropout", dropoutLayer)
        registerModule("mlp", mlp)
    }

    /// Logits `[batch, classes]` for features `[batch, channels, time, freq]`.
    /// - Throws: ``ModelInputError`` when the input does not match the configuration.
    public func callAsFunction(_ features: Tensor, mask: Tensor? = nil) throws -> Tensor {
        let c = configuration
        let x = features.rank == 3 ? features.unsqueezed(1) : features
        guard x.rank == 4, x.shape[1] == c.inputChannels.count, x.shape[3] == c.frequencyBins, x.shape[2] >= 1 else {
            throw ModelInputError(model: "STRFNet", expected: "[batch, \(c.inputChannels.count), time, \(c.frequencyBins)]",
                                  got: features.shape)
        }
        if let mask, mask.shape != [x.shape[0], x.shape[2]] {
            throw ModelInputError(model: "STRFNet", expected: "mask [\(x.shape[0]), \(x.shape[2])]", got: mask.shape)
        }
        var parts: [Tensor] = []
        if let conv { parts.append(conv(x)) }
        for (bank, channel) in zip(strf, c.strfInputs) {
            parts.append(bank(x.narrowed(axis: 1, start: channel, length: 1)))
        }
        var h = parts.count == 1 ? parts[0] : Tensor.concat(parts, axis: 1)
        h = frontNorm(h).leakyRelu(slope: c.negativeSlope)
        h = residual(h)                                                  // [B, C, T, F']
        let (b, ch, t, f) = (h.shape[0], h.shape[1], h.shape[2], h.shape[3])
        h = h.permuted([0, 2, 1, 3]).reshaped([b, t, ch * f])
        h = projection(h).leakyRelu(slope: c.negativeSlope)
        let lengths = mask.map { m in m.sum(axes: [1]).scalars.map { Swift.max(1, Int($0.rounded())) } }
        h = try gru(h, lengths: lengths).output                          // [B, T, 2H]
        let pooled = attention(h, mask: mask)
        return mlp(dropoutLayer(pooled))
    }
}

/// An input whose shape does not fit the model.
public struct ModelInputError: Error, CustomStringConvertible, Equatable {
    public var model: String
    public var expected: String
    public var got: [Int]
    public var description: String { "\(model): expected input \(expected), got \(got)" }
}
