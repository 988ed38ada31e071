import SERTensor

/// Which parts of wav2vec are trained together with the classifier (the paper's Table 2).
public enum FineTuningStrategy: String, Codable, CaseIterable, Sendable {
    /// wav2vec frozen; its features can be precomputed and cached (``Wav2VecEmotionModel/precomputeFeatures(_:)``).
    case none
    /// Encoder and context network both trained.
    case all
    /// Only the encoder (feature extractor) trained; the context network frozen.
    case encoder
    /// Only the context network (aggregator) trained; the encoder frozen (the paper's best).
    case context

    /// Dotted-name prefixes of the wav2vec parameters that stay frozen.
    public var frozenPrefixes: [String] {
        switch self {
        case .none: return [Wav2VecEmotionModel.wav2vecPrefix]
        case .all: return []
        case .encoder: return ["\(Wav2VecEmotionModel.wav2vecPrefix).feature_aggregator"]
        case .context: return ["\(Wav2VecEmotionModel.wav2vecPrefix).feature_extractor"]
        }
    }
}

/// wav2vec 1.0 followed by the Fig. 1 classifier, trained end to end under a ``FineTuningStrategy``.
///
/// Parameter names: `wav2vec.*` (fairseq's names below it, e.g. `wav2vec.feature_extractor.conv_layers.0.0.weight`)
/// and `classifier.*`. The wav2vec parameters are meant for their own learning-rate group (prefix
/// ``wav2vecPrefix``). Input: 16 kHz waveforms `[batch, samples]` of equal length (wav2vec's group norm pools
/// over the whole utterance, so whole utterances of different lengths go one at a time).
public final class Wav2VecEmotionModel: Module {
    public static let wav2vecPrefix = "wav2vec"
    public let wav2vec: Wav2VecModel
    public let classifier: Wav2VecClassifier
    public private(set) var strategy: FineTuningStrategy

    public init(wav2vec: Wav2VecModel, classifier: Wav2VecClassifier, strategy: FineTuningStrategy) throws {
        guard wav2vec.config.contextChannels == classifier.configuration.inputSize else {
            throw ModelConfigurationError(model: "Wav2VecEmotionModel",
                                          problem: "wav2vec gives \(wav2vec.config.contextChannels)-dim features, the classifier expects \(classifier.configuration.inputSize)")
        }
        self.wav2vec = wav2vec
        self.classifier = classifier
        self.strategy = strategy
        super.init()
        registerModule(Wav2VecEmotionModel.wav2vecPrefix, wav2vec)
        registerModule("classifier", classifier)
        apply(strategy)
    }

    /// Freezes and unfreezes the wav2vec parts for `strategy` (the classifier always trains).
    public func apply(_ strategy: FineTuningStrategy) {
        self.strategy = strategy
        unfreeze(prefix: Wav2VecEmotionModel.wav2vecPrefix)
        for p in strategy.frozenPrefixes { freeze(prefix: p) }
    }

    /// Classifier output for waveforms `[batch, samples]` with optional real sample counts.
    /// - Throws: wav2vec's error for audio shorter than one frame, or the classifier's for too few frames.
    public func callAsFunction(_ wav: Tensor, sampleLengths: [Int]? = nil) throws -> Wav2VecClassifier.Output {
        let c: Tensor
        if strategy == .none {
            c = try withNoGrad { try wav2vec.features(wav).c }
        } else {
            c = try wav2vec.features(wav).c
        }
        let frames = c.permuted([0, 2, 1])                                      // [B, T, 512]
        let lengths = sampleLengths.map { $0.map { Swift.min(wav2vec.config.frameCount(samples: $0), frames.shape[1]) } }
        return try classifier(frames, lengths: lengths)
    }

    /// wav2vec context features `[frames, channels]` of one utterance, for the no-fine-tuning strategy
    /// (compute once, cache, train the classifier on them).
    public func precomputeFeatures(_ samples: [Float]) throws -> Tensor {
        try withNoGrad {
            wav2vec.eval()
            let c = try wav2vec.features(Tensor(shape: [1, samples.count], data: samples)).c   // [1, C, T]
            return c.squeezed(0).permuted([1, 0])
        }
    }
}
