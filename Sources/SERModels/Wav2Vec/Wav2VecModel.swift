import SERTensor

/// wav2vec 1.0 (Schneider et al. 2019; fairseq `Wav2VecModel` with the CNN aggregator) without its prediction
/// head: the encoder f (``Wav2VecFeatureExtractor``, registered as `feature_extractor`) and the context network g
/// (``Wav2VecAggregator``, `feature_aggregator`), so every parameter has its fairseq state-dict name
/// (`feature_extractor.conv_layers.0.0.weight`, `feature_aggregator.conv_layers.11.3.bias`, …).
///
/// Input: mono 16 kHz float samples in [−1, 1) as `[batch, samples]`, equal lengths within a batch; no
/// normalisation. Because group norm pools over the whole utterance, outputs depend on the utterance length
/// (fairseq extracts one utterance at a time). See ``features(_:)``.
public final class Wav2VecModel: Module {
    public let config: Wav2VecConfig
    public let featureExtractor: Wav2VecFeatureExtractor
    public let featureAggregator: Wav2VecAggregator
    /// fairseq's `dropout_feats` (on z before the aggregator) and `dropout_agg` (on c); training only.
    public let featureDropout: Dropout
    public let aggregatorOutputDropout: Dropout

    /// A model with PyTorch-default random initialisation (group norms γ = 1, β = 0), in training mode.
    /// - Throws: ``Wav2VecError/invalidConfig(_:)`` when `config` fails ``Wav2VecConfig/validate()``.
    public init(_ config: Wav2VecConfig = .large, rng: inout RandomGenerator) throws {
        try config.validate()
        self.config = config
        featureExtractor = Wav2VecFeatureExtractor(config, rng: &rng)
        featureAggregator = Wav2VecAggregator(config, rng: &rng)
        featureDropout = Dropout(config.featureDropout, rng: &rng)
        aggregatorOutputDropout = Dropout(config.aggregatorOutputDropout, rng: &rng)
        super.init()
        registerModule("feature_extractor", featureExtractor)
        registerModule("feature_aggregator", featureAggregator)
        registerModule("dropout_feats", featureDropout)
        registerModule("dropout_agg", aggregatorOutputDropout)
    }

    /// A model initialised from `seed`.
    public convenience init(_ config: Wav2VecConfig = .large, seed: UInt64) throws {
        var rng = RandomGenerator(seed: seed)
        try self.init(config, rng: &rng)
    }

    /// The encoder output z and the context c for `wav` `[batch, samples]`:
    /// z `[batch, featureChannels, T]` with T = ``Wav2VecConfig/frameCount(samples:)``, and c
    /// `[batch, contextChannels, T']` (T' = T for stride-1 aggregators), 100 frames/s for 16 kHz input.
    ///
    /// Float32 input with no gradient to record (inside ``withNoGrad(_:)``, or with every parameter frozen and
    /// an input that does not require gradients) and no active dropout (evaluation mode, or p = 0) runs fused
    /// inference kernels (``Wav2VecInference``); otherwise the differentiable ops run (training, float64).
    ///
    /// - Throws: ``Wav2VecError/inputTooShort(samples:minimum:)`` when there is not one frame's worth of samples.
    public func features(_ wav: Tensor) throws -> (z: Tensor, c: Tensor) {
        precondition(wav.rank == 2, "Wav2VecModel: input \(wav.shape) must be [batch, samples]")
        guard config.frameCount(samples: wav.shape[1]) > 0 else {
            throw Wav2VecError.inputTooShort(samples: wav.shape[1], minimum: config.encoderReceptiveField)
        }
        if usesInferenceKernels(for: wav) {
            return Wav2VecInference(model: self).features(wav)
        }
        let z = featureExtractor(wav)
        let c = aggregatorOutputDropout(featureAggregator(featureDropout(z)))
        return (z, c)
    }

    /// c for `wav` (see ``features(_:)``).
    public func callAsFunction(_ wav: Tensor) throws -> Tensor { try features(wav).c }

    /// Whether ``features(_:)`` will use the inference kernels for `wav`.
    public func usesInferenceKernels(for wav: Tensor) -> Bool {
        guard wav.dtype == .float32, namedParameters().allSatisfy({ $0.tensor.dtype == .float32 }) else { return false }
        if GradMode.isEnabled && (wav.requiresGrad || parameters().contains(where: \.requiresGrad)) { return false }
        let dropouts = [featureDropout, aggregatorOutputDropout] + featureAggregator.dropouts
        return dropouts.allSatisfy { !$0.isTraining || $0.p == 0 }
    }
}
