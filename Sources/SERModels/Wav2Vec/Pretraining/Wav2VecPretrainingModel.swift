import SERTensor

/// wav2vec 1.0 as fairseq trains it: the encoder and context network of a ``Wav2VecModel`` plus the prediction
/// head ``Wav2VecPredictions``, with fairseq's state-dict names (`feature_extractor.*`, `feature_aggregator.*`,
/// `wav2vec_predictions.project_to_steps.{weight,bias}`).
///
/// The encoder and aggregator modules are registered directly (they are the same objects as in ``wav2vec``), so a
/// trained model's ``wav2vec`` is ready for feature extraction, and a saved file (``write(to:)``) loads with
/// ``Wav2VecModel/read(from:)`` as well (which ignores the head).
public final class Wav2VecPretrainingModel: Module {
    /// The encoder + context network (shares its parameters with this model).
    public let wav2vec: Wav2VecModel
    public let predictions: Wav2VecPredictions
    public let objective: Wav2VecObjective

    public var config: Wav2VecConfig { wav2vec.config }
    /// The prediction offset in frames (``Wav2VecObjective/resolvedOffset(for:)``).
    public var offset: Int { objective.resolvedOffset(for: config) }

    /// A freshly initialised model (PyTorch default initialisation), in training mode.
    /// - Throws: ``Wav2VecError/invalidConfig(_:)``, ``Wav2VecObjectiveError/invalidObjective(_:)``.
    public convenience init(_ config: Wav2VecConfig, objective: Wav2VecObjective = .init(), rng: inout RandomGenerator) throws {
        try objective.validate()
        let model = try Wav2VecModel(config, rng: &rng)
        try self.init(wav2vec: model, objective: objective, rng: &rng)
    }

    /// A model initialised from `seed`.
    public convenience init(_ config: Wav2VecConfig, objective: Wav2VecObjective = .init(), seed: UInt64) throws {
        var rng = RandomGenerator(seed: seed)
        try self.init(config, objective: objective, rng: &rng)
    }

    /// `wav2vec` (e.g. an imported model, to continue pretraining it) with a new prediction head drawn from `rng`.
    public convenience init(wav2vec: Wav2VecModel, objective: Wav2VecObjective = .init(), rng: inout RandomGenerator) throws {
        try objective.validate()
        let head = Wav2VecPredictions(contextChannels: wav2vec.config.contextChannels,
                                      featureChannels: wav2vec.config.featureChannels,
                                      steps: objective.predictionSteps, dropout: wav2vec.config.dropout, rng: &rng)
        try self.init(wav2vec: wav2vec, predictions: head, objective: objective)
    }

    /// Assembles a model from its parts (the head must fit `wav2vec`'s channels and the objective's steps).
    public init(wav2vec: Wav2VecModel, predictions: Wav2VecPredictions, objective: Wav2VecObjective) throws {
        try objective.validate()
        guard predictions.contextChannels == wav2vec.config.contextChannels,
              predictions.featureChannels == wav2vec.config.featureChannels,
              predictions.steps == objective.predictionSteps else {
            throw Wav2VecObjectiveError.shapeMismatch("head [\(predictions.contextChannels), \(predictions.featureChannels), 1, "
                + "\(predictions.steps)] does not fit c of \(wav2vec.config.contextChannels) channels, z of "
                + "\(wav2vec.config.featureChannels) and \(objective.predictionSteps) steps")
        }
        self.wav2vec = wav2vec
        self.predictions = predictions
        self.objective = objective
        super.init()
        registerModule("feature_extractor", wav2vec.featureExtractor)
        registerModule("feature_aggregator", wav2vec.featureAggregator)
        registerModule("dropout_feats", wav2vec.featureDropout)
        registerModule("dropout_agg", wav2vec.aggregatorOutputDropout)
        registerModule("wav2vec_predictions", predictions)
        // Keep the wrapped model's own mode flag in step with the registered parts.
        wav2vec.train(isTraining)
    }

    /// Sets training or evaluation mode here and on ``wav2vec``.
    public func setTraining(_ on: Bool) {
        train(on)
        wav2vec.train(on)
    }

    /// The objective on `wav` `[batch, samples]` (equal lengths) with explicit `negatives` `[batch, N, T]`
    /// (T = ``Wav2VecConfig/frameCount(samples:)``). With gradients recorded (training), the encoder and aggregator
    /// run through the differentiable ops, never the inference kernels.
    /// - Throws: ``Wav2VecError/inputTooShort(samples:minimum:)``, ``Wav2VecObjectiveError``.
    public func loss(_ wav: Tensor, negatives: Wav2VecNegatives) throws -> Wav2VecPredictionResult {
        try checkLength(wav)
        let (z, c) = try wav2vec.features(wav)
        return try predictions.loss(context: c, targets: z, negatives: negatives, offset: offset, infoNCE: objective.infoNCE)
    }

    /// The objective on `wav` with negatives drawn from `rng` (``Wav2VecNegatives/sample(batch:count:frames:using:)``).
    public func loss(_ wav: Tensor, using rng: inout RandomGenerator) throws -> Wav2VecPredictionResult {
        try checkLength(wav)
        let t = config.frameCount(samples: wav.shape[1])
        let negatives = Wav2VecNegatives.sample(batch: wav.shape[0], count: objective.negatives, frames: t, using: &rng)
        return try loss(wav, negatives: negatives)
    }

    /// Shortest input (samples) with at least one prediction: `R + offset·H` (1,345 for wav2vec large and base).
    public var minimumSamples: Int { config.encoderReceptiveField + offset * config.encoderHop }

    private func checkLength(_ wav: Tensor) throws {
        precondition(wav.rank == 2, "Wav2VecPretrainingModel: input \(wav.shape) must be [batch, samples]")
        let t = config.frameCount(samples: wav.shape[1])
        guard t > offset else {
            if t == 0 { throw Wav2VecError.inputTooShort(samples: wav.shape[1], minimum: config.encoderReceptiveField) }
            throw Wav2VecObjectiveError.tooFewFrames(frames: t, minimum: offset + 1)
        }
    }
}
