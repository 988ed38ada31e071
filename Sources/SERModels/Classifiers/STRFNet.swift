import SERTensor

/// The STRFNet-style baseline classifier for engineered features (paper §2.2; Vuong, Xia & Stern 2020):
/// front end (Conv2d and/or learnable STRFs) → BatchNorm + LeakyReLU → residual CNN → per-frame Linear
/// → GRU → self-attention pooling over time → MLP → class logits.
///
/// Input `[batch, channels, time, freq]` (a `[batch, time, freq]` input is taken as one channel) and an
/// optional frame mask `[batch, time]` (1 real, 0 padding) so padded frames never count in pooling.
/// Output: logits `[batch, classes]`.
///
/// **Early fusion** (``STRFNetConfiguration/utteranceFunctionals``): each utterance's functionals, standardised
/// by ``utteranceInput(_:)`` into `[batch, count]`, are concatenated to the pooled embedding before the MLP.
///
/// Parameter names: `conv.*`, `strf.<i>.*` (one Gabor bank per STRF input), `front_bn.*`, `res.<i>.*`,
/// `proj.*`, `gru.*` (PyTorch `nn.GRU` names), `attention.*`, `mlp.*`; with early fusion the buffers
/// `utterance_norm.mean` and `utterance_norm.scale` `[count]`.
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
    /// Per-feature mean and divisor of the utterance functionals (early fusion only), `[count]` each: set from the
    /// training utterances (``setUtteranceStandardization(mean:scale:)``), saved with the weights.
    public let utteranceMean: Tensor?
    public let utteranceScale: Tensor?
    /// Standardised utterance functionals are clipped to `±utteranceClip`, so one far-off recording cannot
    /// dominate the logits.
    public static let utteranceClip = 5.0

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
        let extra = c.utteranceFunctionals?.count ?? 0
        mlp = MLP(inputSize: pooled + extra, hiddenSizes: c.mlpHidden, outputSize: c.classes,
                  activation: .leakyRelu(negativeSlope: c.negativeSlope), rng: &rng)
        utteranceMean = extra > 0 ? Tensor.zeros([extra]) : nil
        utteranceScale = extra > 0 ? Tensor.ones([extra]) : nil
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
        if let utteranceMean, let utteranceScale {
            let norm = registerModule("utterance_norm", Module())
            norm.registerBuffer("mean", utteranceMean)
            norm.registerBuffer("scale", utteranceScale)
        }
    }

    /// Sets the standardisation of the utterance functionals (`mean` and `scale` `[count]`, scale > 0), e.g. a
    /// `FeatureStandardizer` fitted on the training utterances.
    /// - Throws: ``ModelInputError`` without early fusion or for other lengths.
    public func setUtteranceStandardization(mean: [Double], scale: [Double]) throws {
        guard let utteranceMean, let utteranceScale, mean.count == utteranceMean.count, scale.count == mean.count,
              scale.allSatisfy({ $0 > 0 && $0.isFinite }), mean.allSatisfy(\.isFinite) else {
            throw ModelInputError(model: "STRFNet", expected: "utterance standardisation of \(utteranceMean?.count ?? 0) features (positive scales)",
                                  got: [mean.count, scale.count])
        }
        utteranceMean.assign(Tensor(shape: [mean.count], data: mean.map(Float.init)))
        utteranceScale.assign(Tensor(shape: [scale.count], data: scale.map(Float.init)))
    }

    /// The network's utterance input for rows `[utterances][count]` of raw functionals: `(x − mean) / scale` with the
    /// network's statistics, clipped to ±``utteranceClip``, as `[utterances, count]`.
    /// - Throws: ``ModelInputError`` without early fusion, or for rows of another length or with non-finite values.
    public func utteranceInput(_ rows: [[Double]]) throws -> Tensor {
        guard let utteranceMean, let utteranceScale else {
            throw ModelInputError(model: "STRFNet", expected: "no utterance functionals (no early fusion)", got: [rows.count])
        }
        let d = utteranceMean.count, mean = utteranceMean.scalars, scale = utteranceScale.scalars
        let clip = Float(Self.utteranceClip)
        var data = [Float]()
        data.reserveCapacity(rows.count * d)
        for row in rows {
            guard row.count == d, row.allSatisfy(\.isFinite) else {
                throw ModelInputError(model: "STRFNet", expected: "utterance functionals [\(d)] of finite values", got: [row.count])
            }
            for j in 0..<d { data.append(Swift.min(clip, Swift.max(-clip, (Float(row[j]) - mean[j]) / scale[j]))) }
        }
        return Tensor(shape: [rows.count, d], data: data)
    }

    /// Logits `[batch, classes]` for features `[batch, channels, time, freq]` and, with early fusion, the
    /// utterance input `[batch, count]` (``utteranceInput(_:)``).
    /// - Throws: ``ModelInputError`` when the input does not match the configuration.
    public func callAsFunction(_ features: Tensor, mask: Tensor? = nil, utterance: Tensor? = nil) throws -> Tensor {
        let c = configuration
        let x = features.rank == 3 ? features.unsqueezed(1) : features
        guard x.rank == 4, x.shape[1] == c.inputChannels.count, x.shape[3] == c.frequencyBins, x.shape[2] >= 1 else {
            throw ModelInputError(model: "STRFNet", expected: "[batch, \(c.inputChannels.count), time, \(c.frequencyBins)]",
                                  got: features.shape)
        }
        if let mask, mask.shape != [x.shape[0], x.shape[2]] {
            throw ModelInputError(model: "STRFNet", expected: "mask [\(x.shape[0]), \(x.shape[2])]", got: mask.shape)
        }
        let extra = c.utteranceFunctionals?.count ?? 0
        if (utterance?.shape ?? [x.shape[0], 0]) != [x.shape[0], extra] {
            throw ModelInputError(model: "STRFNet", expected: extra > 0 ? "utterance functionals [\(x.shape[0]), \(extra)]" : "no utterance functionals",
                                  got: utterance?.shape ?? [])
        }
        var h: Tensor
        if let conv, strf.isEmpty, let fused = convBatchNormInference(conv, frontNorm, x, negativeSlope: c.negativeSlope) {
            h = fused                                                    // evaluation: batch norm folded in
        } else {
            var parts: [Tensor] = []
            if let conv { parts.append(conv(x)) }
            for (bank, channel) in zip(strf, c.strfInputs) {
                parts.append(bank(x.narrowed(axis: 1, start: channel, length: 1)))
            }
            h = parts.count == 1 ? parts[0] : Tensor.concat(parts, axis: 1)
            h = frontNorm(h, leakyReluSlope: c.negativeSlope)
        }
        h = residual(h)                                                  // [B, C, T, F']
        let (b, ch, t, f) = (h.shape[0], h.shape[1], h.shape[2], h.shape[3])
        h = h.permuted([0, 2, 1, 3]).reshaped([b, t, ch * f])
        h = projection(h).leakyRelu(slope: c.negativeSlope)
        let lengths = mask.map { m in m.sum(axes: [1]).scalars.map { Swift.max(1, Int($0.rounded())) } }
        h = try gru(h, lengths: lengths).output                          // [B, T, 2H]
        var pooled = attention(h, mask: mask)
        if let utterance, extra > 0 { pooled = Tensor.concat([pooled, utterance], axis: 1) }
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
