import SERFeatures
import SERModels
import SERTensor

/// ``STRFNet`` on a ``FeatureStack`` as a ``TrainableNetwork``: batches of raw segments become
/// stacked log-mel channels (with frequency warping and SpecAugment when configured), the loss is
/// the class-weighted cross-entropy.
final class STRFNetNetwork: TrainableNetwork {
    let configuration: TrainingConfiguration
    let model: STRFNet
    let features: FeatureStack
    let specAugment: SpecAugment?
    /// Statistics of the training speakers (with `speakerNormalization`), from ``prepare(_:progress:)``.
    var speakers: SpeakerNormalization?

    init(configuration: TrainingConfiguration) throws {
        self.configuration = configuration
        features = try configuration.featureStack()
        var rng = RandomGenerator(seed: configuration.seed)
        model = try STRFNet(configuration.model, rng: &rng)
        specAugment = try configuration.specAugment.map { try SpecAugment(config: $0) }
    }

    var module: Module { model }

    func parameterGroups() throws -> [ParameterGroup] {
        [ParameterGroup(name: ParameterGroup.defaultGroupName, parameters: model.namedParameters(), learningRate: configuration.learningRate)]
    }

    func prepare(_ utterances: [Utterance], progress: TrainingProgressHandler) throws {
        if configuration.speakerNormalization {
            speakers = try SpeakerNormalization.estimate(utterances, features: features)
        }
    }

    func trainingLoss(sampler: inout BatchSampler, rng: inout RandomGenerator, classWeights: Tensor?) throws -> Tensor {
        let c = configuration
        let batch = sampler.next(using: &rng)
        let alphas = c.frequencyWarping
            ? batch.labels.map { _ in FrequencyWarp.randomAlpha(using: &rng, range: -c.warpRange...c.warpRange) } : nil
        var (x, mask) = try features(audio: batch.audio, pitchPulses: batch.pitchPulses, lengths: batch.lengths,
                                     warpAlphas: alphas)
        if configuration.speakerNormalization {
            guard let speakers else { throw TrainingError.invalidConfiguration("internal: speaker statistics were not prepared") }
            x = try speakers.apply(x, mask: mask, speakers: batch.speakers)
        }
        if let specAugment { x = try specAugment.stacked(x, mask: mask, training: true, using: &rng) }
        let logits = try model(x, mask: mask)
        return Tensor.crossEntropy(logits: logits, targets: batch.labels, classWeights: classWeights)
    }

    var predictor: UtterancePredictor { Predictor(model: model, features: features, speakerNormalization: configuration.speakerNormalization) }

    var weightsMetadata: [String: String] { [:] }

    var modelFileNetwork: Module { model }

    var wav2vecConfiguration: Wav2VecConfig? { nil }
}
