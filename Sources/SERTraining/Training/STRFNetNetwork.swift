import SERFeatures
import SERModels
import SERTensor

/// ``STRFNet`` on a ``FeatureStack`` as a ``TrainableNetwork``: batches of raw segments become
/// stacked log-mel channels (with frequency warping and SpecAugment when configured), the loss is
/// the class-weighted cross-entropy. With early fusion each segment also carries its whole utterance's
/// functionals, standardised with statistics of the training utterances (stored in the network).
final class STRFNetNetwork: TrainableNetwork {
    let configuration: TrainingConfiguration
    let model: STRFNet
    let features: FeatureStack
    let specAugment: SpecAugment?
    /// Statistics of the training speakers (with `speakerNormalization`), from ``prepare(_:progress:)``.
    var speakers: SpeakerNormalization?
    /// Early fusion: where the utterance functionals come from (nil without early fusion); after
    /// ``prepare(train:validation:progress:)``, those of the run's utterances computed once (others on demand).
    private var functionals: FunctionalsProvider?
    /// Early fusion: the functionals of the training utterances, in the sampler's order (from ``prepare(train:validation:progress:)``).
    private var trainingFunctionals: [[Double]] = []

    init(configuration: TrainingConfiguration, functionals: FunctionalsProvider? = nil) throws {
        self.configuration = configuration
        guard (functionals != nil) == (configuration.model.utteranceFunctionals != nil) else {
            throw TrainingError.invalidConfiguration("internal: early fusion needs a functionals provider, and only early fusion")
        }
        self.functionals = functionals
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

    func prepare(train: [Utterance], validation: [Utterance], progress: TrainingProgressHandler) throws {
        try prepare(train + validation, progress: progress)
        guard let base = functionals else { return }
        let lookup = try PrecomputedFunctionals(base, utterances: train + validation)   // validation: every epoch
        functionals = lookup
        trainingFunctionals = try lookup.rows(train)
        let standardizer = FeatureStandardizer.fit(trainingFunctionals)
        try model.setUtteranceStandardization(mean: standardizer.mean, scale: standardizer.scale)
    }

    func trainingBatch(sampler: inout BatchSampler, rng: inout RandomGenerator, classWeights: Tensor?,
                       share: BatchShare) throws -> PreparedTrainingStep {
        let c = configuration
        let whole = sampler.next(using: &rng)
        let allAlphas = c.frequencyWarping
            ? whole.labels.map { _ in FrequencyWarp.randomAlpha(using: &rng, range: -c.warpRange...c.warpRange) } : nil
        let range = share.range(batchSize: whole.labels.count)
        // Features are per item; SpecAugment draws for the whole batch, so with it the share is taken afterwards.
        let early = specAugment == nil
        let batch = early ? whole.items(range) : whole
        let alphas = early ? allAlphas.map { Array($0[range]) } : allAlphas
        var (x, mask) = try features(audio: batch.audio, pitchPulses: batch.pitchPulses, lengths: batch.lengths,
                                     warpAlphas: alphas)
        if configuration.speakerNormalization {
            guard let speakers else { throw TrainingError.invalidConfiguration("internal: speaker statistics were not prepared") }
            x = try speakers.apply(x, mask: mask, speakers: batch.speakers)
        }
        if let specAugment {
            x = try specAugment.stacked(x, mask: mask, training: true, using: &rng).batchItems(range)
            mask = mask.batchItems(range)
        }
        let rows = functionals.map { _ in whole.utterances[range].map { trainingFunctionals[$0] } }
        let (input, inputMask) = (x, mask)
        return PreparedTrainingStep { [model] in
            let utterance = try rows.map { try model.utteranceInput($0) }
            let logits = try model(input, mask: inputMask, utterance: utterance)
            let loss = Tensor.crossEntropy(logits: logits, targets: Array(whole.labels[range]), classWeights: classWeights)
            return share.scaled(loss, labels: whole.labels, classWeights: classWeights)
        }
    }

    var predictor: UtterancePredictor {
        Predictor(model: model, features: features, speakerNormalization: configuration.speakerNormalization, functionals: functionals)
    }

    var weightsMetadata: [String: String] { [:] }

    var modelFileNetwork: Module { model }

    var wav2vecConfiguration: Wav2VecConfig? { nil }
}
