import Foundation
import SERFeatures
import SERModels
import SERTensor

/// The paper's wav2vec classifier (Fig. 1, loss Eq. 3) as a ``TrainableNetwork``, in three forms:
///
/// - on log-mel frames: batches of raw segments (random gain) → one-channel ``FeatureStack`` (frequency
///   warping, SpecAugment, normalisation as configured) → `[batch, time, bands]`; trains the classifier;
/// - on frozen wav2vec features (fine-tuning `none`): c of every utterance computed once
///   (``Wav2VecFeatureStore``), batches cropped from it (same utterance draw and random positions as the
///   raw segments, no gain); trains the classifier;
/// - on fine-tuned wav2vec (`all` / `encoder` / `context`): batches of raw segments (random gain) through
///   wav2vec with gradients (the strategy freezes the rest), then the classifier; trains the
///   ``Wav2VecEmotionModel`` (`wav2vec.*` in its own learning-rate group, `classifier.*`).
final class Wav2VecClassifierNetwork: TrainableNetwork {
    enum Source {
        case logMel(FeatureStack, SpecAugment?)
        case frozen(Wav2VecFeatureStore)
        case fineTuned(Wav2VecEmotionModel, validation: Wav2VecFeatureStore)
    }

    let configuration: TrainingConfiguration
    let settings: Wav2VecClassifierSettings
    let classifier: Wav2VecClassifier
    let source: Source
    let module: Module
    /// Frozen features of the sampler's utterances, in its order (filled on first use).
    private var trainFeatures: [Tensor]?

    /// - Parameter features: a store of frozen features to share (e.g. between cross-validation folds);
    ///   nil loads the configured model. `cache` is the disk cache of a store made here.
    /// - Throws: ``TrainingError/wav2vecModel(path:reason:)`` when the model file cannot be used,
    ///   ``TrainingError/invalidConfiguration(_:)`` when its feature size does not fit the classifier.
    init(configuration: TrainingConfiguration, settings: Wav2VecClassifierSettings, features: Wav2VecFeatureStore? = nil,
         cache: FeatureCache? = nil) throws {
        self.configuration = configuration
        self.settings = settings
        var rng = RandomGenerator(seed: configuration.seed)
        classifier = try Wav2VecClassifier(settings.classifier, rng: &rng)
        switch settings.input {
        case .logMel:
            let stack = try configuration.featureStack()
            source = .logMel(stack, try configuration.specAugment.map { try SpecAugment(config: $0) })
            module = classifier
        case .wav2vec:
            guard let v = settings.wav2vec else {
                throw TrainingError.invalidConfiguration("wav2vecClassifier: input wav2vec needs 'wav2vec' with the model file")
            }
            let width = settings.classifier.inputSize
            func checkWidth(_ model: Wav2VecModel) throws {
                guard model.config.contextChannels == width else {
                    throw TrainingError.invalidConfiguration("wav2vecClassifier.classifier.inputSize is \(width), but the wav2vec model "
                                                             + "\(v.modelURL.path) gives \(model.config.contextChannels)-dimensional features")
                }
            }
            if v.fineTuning == .none {
                let store = try features ?? Wav2VecFeatureStore(model: v.loadModel(), cache: cache)
                try checkWidth(store.model)
                source = .frozen(store)
                module = classifier
            } else {
                let wav2vec = try v.loadModel()
                try checkWidth(wav2vec)
                let model = try Wav2VecEmotionModel(wav2vec: wav2vec, classifier: classifier, strategy: v.fineTuning)
                source = .fineTuned(model, validation: Wav2VecFeatureStore(model: wav2vec, memoize: false))
                module = model
            }
        }
    }

    func parameterGroups() throws -> [ParameterGroup] {
        let lr = configuration.learningRate
        if case .fineTuned(let model, _) = source {
            let rule = ParameterGroupRule("wav2vec", prefix: Wav2VecEmotionModel.wav2vecPrefix,
                                          learningRate: settings.wav2vec?.learningRate ?? lr)
            return try ParameterGroup.groups(from: model, rules: [rule], defaultLearningRate: lr)
        }
        return [ParameterGroup(name: ParameterGroup.defaultGroupName, parameters: classifier.namedParameters(), learningRate: lr)]
    }

    func prepare(_ utterances: [Utterance], progress: TrainingProgressHandler) throws {
        guard case .frozen(let store) = source else { return }
        try store.prefetch(utterances) { done, total in progress(.featureExtraction(done: done, total: total)) }
    }

    func trainingBatch(sampler: inout BatchSampler, rng: inout RandomGenerator, classWeights: Tensor?,
                       share: BatchShare) throws -> PreparedTrainingStep {
        let c = configuration
        let minimum = settings.classifier.minimumInputFrames
        let x: Tensor, lengths: [Int], allLabels: [Int], range: Range<Int>
        let classifier = classifier
        switch source {
        case let .logMel(stack, specAugment):
            let whole = sampler.next(using: &rng)
            let allAlphas = c.frequencyWarping
                ? whole.labels.map { _ in FrequencyWarp.randomAlpha(using: &rng, range: -c.warpRange...c.warpRange) } : nil
            range = share.range(batchSize: whole.labels.count)
            // Features are per item; SpecAugment draws for the whole batch, so with it the share is taken afterwards.
            let early = specAugment == nil
            let batch = early ? whole.items(range) : whole
            let (f, fullMask) = try stack(audio: batch.audio, lengths: batch.lengths, warpAlphas: early ? allAlphas.map { Array($0[range]) } : allAlphas)
            var frames = f.reshaped([f.shape[0], f.shape[2], f.shape[3]])
            var mask = fullMask
            if let specAugment {
                frames = try specAugment(frames, mask: mask, training: true, using: &rng).batchItems(range)
                mask = mask.batchItems(range)
            }
            (x, lengths) = FrameBatch.atLeast(frames, lengths: FrameBatch.lengths(mask: mask), minimumFrames: minimum)
            allLabels = whole.labels
        case .frozen(let store):
            if trainFeatures == nil { trainFeatures = try sampler.utterances.map { try store.features($0) } }
            let sequences = trainFeatures ?? []
            let segmentFrames = store.contextFrames(samples: sampler.segmentSamples)
            let all = sampler.nextCrops(frameCounts: sequences.map { $0.shape[0] }, segmentFrames: segmentFrames, using: &rng)
            range = share.range(batchSize: all.count)
            let (frames, l) = FrameBatch.crops(Array(all[range]), of: sequences, frames: segmentFrames, minimumFrames: minimum)
            (x, lengths) = (c.normalization == .utterance ? FrameBatch.normalized(frames, lengths: l) : frames, l)
            allLabels = all.map(\.label)
        case .fineTuned(let model, _):
            // The drawing happens now; wav2vec, which is trained, runs in the step.
            let whole = sampler.next(using: &rng)
            let shareRange = share.range(batchSize: whole.labels.count)
            let batch = whole.items(shareRange)
            let segmentSeconds = c.segmentSeconds, normalization = c.normalization
            return PreparedTrainingStep {
                let features = try model.wav2vec.features(batch.audio).c.permuted([0, 2, 1])    // [B, T, C]
                let t = features.shape[1]
                guard t >= minimum else {
                    throw TrainingError.invalidConfiguration("segments of \(segmentSeconds) s give \(t) wav2vec frames; the classifier needs \(minimum)")
                }
                let config = model.wav2vec.config
                let l = batch.lengths.map { Swift.min(t, Swift.max(minimum, config.contextFrameCount(frames: config.frameCount(samples: $0)))) }
                let x = normalization == .utterance ? FrameBatch.normalized(features, lengths: l) : features
                return try Self.loss(classifier, x, lengths: l, labels: whole.labels, range: shareRange, classWeights: classWeights, share: share)
            }
        }
        let input = x, inputLengths = lengths
        return PreparedTrainingStep {
            try Self.loss(classifier, input, lengths: inputLengths, labels: allLabels, range: range, classWeights: classWeights, share: share)
        }
    }

    /// The classifier's class-weighted loss on `x` (the share `range` of a batch whose labels are `labels`).
    private static func loss(_ classifier: Wav2VecClassifier, _ x: Tensor, lengths: [Int], labels: [Int], range: Range<Int>,
                             classWeights: Tensor?, share: BatchShare) throws -> Tensor {
        let output = try classifier(x, lengths: lengths)
        let loss = Wav2VecClassifier.loss(output, targets: Array(labels[range]), classWeights: classWeights)
        return share.scaled(loss, labels: labels, classWeights: classWeights)
    }

    var predictor: UtterancePredictor {
        switch source {
        case .logMel(let stack, _):
            return Wav2VecClassifierPredictor(classifier: classifier, frames: .logMel(stack))
        case .frozen(let store):
            return Wav2VecClassifierPredictor(classifier: classifier, frames: .wav2vec(store, utteranceNormalization: configuration.normalization == .utterance))
        case .fineTuned(_, let store):
            return Wav2VecClassifierPredictor(classifier: classifier, frames: .wav2vec(store, utteranceNormalization: configuration.normalization == .utterance))
        }
    }

    var weightsMetadata: [String: String] {
        switch source {
        case .logMel: return [:]
        case .frozen(let store):
            return [Wav2VecRunMetadata.file: settings.wav2vec?.modelFile ?? "", Wav2VecRunMetadata.fingerprint: store.fingerprint]
        case .fineTuned(let model, _):
            return [Wav2VecModel.configMetadataKey: model.wav2vec.configJSON, Wav2VecRunMetadata.fineTuning: model.strategy.rawValue]
        }
    }
}

extension Wav2VecClassifierNetwork {
    var modelFileNetwork: Module {
        get throws {
            switch source {
            case .logMel: return classifier
            case .frozen(let store): return try Wav2VecEmotionModel(wav2vec: store.model, classifier: classifier, strategy: .none)
            case .fineTuned(let model, _): return model
            }
        }
    }

    var wav2vecConfiguration: Wav2VecConfig? {
        switch source {
        case .logMel: return nil
        case .frozen(let store): return store.model.config
        case .fineTuned(let model, _): return model.wav2vec.config
        }
    }
}

/// Keys of the metadata stored with a wav2vec-feature run's weights (`best.safetensors`).
enum Wav2VecRunMetadata {
    /// The frozen model's file and ``Wav2VecModel/fingerprint()`` (its weights are not in the run).
    static let file = "wav2vec_file", fingerprint = "wav2vec_fingerprint"
    /// The fine-tuning strategy of a run whose weights hold the whole ``Wav2VecEmotionModel``.
    static let fineTuning = "wav2vec_fine_tuning"
}
