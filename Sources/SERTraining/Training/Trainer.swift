import Foundation
import SERAudio
import SERFeatures
import SERModels
import SERTensor

/// Trains one model on one fold: the paper's procedure (§3.2) with validation on whole utterances
/// after every epoch, the best model kept by validation UA, early stopping, and a checkpoint every
/// epoch from which `resume` continues exactly.
///
/// The network is the configuration's ``ModelKind``: an ``STRFNet`` on stacked log-mel channels, or the
/// paper's ``Wav2VecClassifier`` on log-mel frames or wav2vec features (frozen or fine-tuned). Each is a
/// ``TrainableNetwork``; the epoch loop, class weights, validation, best-model keeping, early stopping
/// and checkpoints are shared.
///
/// Files in `runDirectory`: `config.json` (the ``TrainingConfiguration``), `checkpoint/` (latest
/// state), `best.safetensors` (best model by validation UA), `model.safetensors` (the same weights as a
/// self-describing model file, ``EmotionModelFile``, loadable with ``EmotionRecognizer/init(contentsOf:)``;
/// rewritten with every new best), `history.json`.
public final class Trainer {
    public let configuration: TrainingConfiguration
    public let runDirectory: URL
    public let progress: TrainingProgressHandler
    let train: [Utterance]
    let validation: [Utterance]
    let network: TrainableNetwork
    let optimizer: Optimizer
    let classWeights: Tensor?
    /// How each step's batch is divided over ranks and micro-batches (default: one process, whole batches).
    /// Under several ranks only rank 0 writes files; the run folder must be on a file system every rank sees.
    public var parallel = DataParallelism.single
    /// Whether each step's batch is prepared on a loader thread while the previous step runs (``BatchLoader``;
    /// whole batches in one process only). The same results either way.
    var preparesBatchesAhead = BatchLoader.isEnabled

    /// Prepares a run on already-loaded utterances.
    /// - Parameters:
    ///   - wav2vecFeatures: frozen wav2vec features to share between runs (e.g. the folds of a
    ///     cross-validation, see ``Wav2VecFeatureStore/forConfiguration(_:cache:)``); nil: a store is made
    ///     here when the configuration needs one.
    ///   - cache: disk cache for the frozen wav2vec features of a store made here.
    /// - Throws: ``TrainingError`` for an invalid configuration, empty splits, or an unusable wav2vec model file.
    public init(configuration: TrainingConfiguration, train: [Utterance], validation: [Utterance], runDirectory: URL,
                progress: @escaping TrainingProgressHandler = { _ in }, wav2vecFeatures: Wav2VecFeatureStore? = nil,
                cache: FeatureCache? = nil, functionals: FunctionalsProvider? = nil) throws {
        try configuration.validate()
        guard !configuration.isCombined else {
            throw TrainingError.invalidConfiguration("an ensemble or fusion trains several models; train it with CombinedTraining (`ser-cli train` or `cv`)")
        }
        guard !train.isEmpty else { throw TrainingError.emptySplit("no training utterances") }
        guard !validation.isEmpty else { throw TrainingError.emptySplit("no validation utterances") }
        self.configuration = configuration
        self.runDirectory = runDirectory
        self.progress = progress
        self.train = train
        self.validation = validation
        if let settings = configuration.wav2vecClassifier {
            network = try Wav2VecClassifierNetwork(configuration: configuration, settings: settings, features: wav2vecFeatures,
                                                   cache: cache)
        } else {
            network = try STRFNetNetwork(configuration: configuration,
                                         functionals: configuration.isEarlyFusion ? functionals ?? configuration.fusionFunctionalsProvider(cache: cache) : nil)
        }
        optimizer = try (configuration.optimizer ?? .adam).make(groups: network.parameterGroups())
        if configuration.classWeighting {
            // w_c = N / (C · N_c): inversely proportional to the class counts, mean weight 1 over the data.
            var counts = [Double](repeating: 0, count: configuration.classes.count)
            for u in train { counts[u.label] += 1 }
            let n = Double(train.count), c = Double(counts.count)
            classWeights = Tensor(shape: [counts.count], scalars: counts.map { $0 > 0 ? n / (c * $0) : 0 }).to(.float32)
        } else {
            classWeights = nil
        }
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
    }

    var checkpointURL: URL { runDirectory.appendingPathComponent("checkpoint") }
    public var bestModelURL: URL { runDirectory.appendingPathComponent("best.safetensors") }
    /// The model file (``EmotionModelFile``) of the best weights.
    public var modelFileURL: URL { runDirectory.appendingPathComponent(EmotionModelFile.fileName) }

    /// Writes the network's current weights as the model file, with `provenance` (epoch, validation UA).
    func writeModelFile(provenance: [String: String]) throws {
        let description = try configuration.modelDescription(wav2vec: network.wav2vecConfiguration, provenance: provenance)
        try EmotionModelFile.write(description, members: [try network.modelFileNetwork], to: modelFileURL)
    }

    /// Runs (or, with `resume`, continues) training; returns the history. Afterwards the model holds
    /// the best weights by validation UA. The run folder is locked meanwhile (``RunFolder``): a second run in
    /// the same folder is refused.
    @discardableResult
    public func run(resume: Bool = false) throws -> [EpochRecord] {
        let c = configuration
        let writer = parallel.context.isWriter
        try parallel.check(batchSize: Swift.min(c.batchSize, train.count))
        // Rank 0 alone owns (locks) the run folder and writes into it.
        let folder = writer ? try RunFolder(runDirectory) : nil
        defer { folder?.release() }
        if writer { try writeJSON(c, to: runDirectory.appendingPathComponent("config.json")) }
        var state = TrainingState(rng: RandomGenerator(seed: c.seed ^ 0x5EED))
        var sampler = try BatchSampler(utterances: train, batchSize: c.batchSize, segmentSeconds: c.segmentSeconds,
                                       gainSpanDB: c.gainSpanDB)
        let model = network.module
        if resume {
            let (opt, saved) = try TrainingCheckpoint.load(from: checkpointURL, into: model)
            try optimizer.load(stateDict: opt)
            if let scalars = saved.optimizerScalars {
                try optimizer.load(scalarState: JSONDecoder().decode(OptimizerScalarState.self, from: scalars))
            }
            state = saved
            sampler.state = (saved.samplerOrder, saved.samplerCursor)
            progress(.resumed(epoch: state.epoch))
        }
        try startParallelRun(epoch: state.epoch)
        try network.prepare(train: train, validation: validation, progress: progress)
        let steps = c.stepsPerEpoch ?? Swift.max(1, (train.count + c.batchSize - 1) / c.batchSize)
        let predictor = network.predictor
        while state.epoch < c.maxEpochs && state.epochsWithoutImprovement < c.patience {
            let epoch = state.epoch + 1
            let started = Date()
            progress(.epochStarted(epoch: epoch, maxEpochs: c.maxEpochs, steps: steps))
            model.train()
            let lossSum = try runSteps(epoch: epoch, steps: steps, sampler: &sampler, rng: &state.rng)
            let (ua, wa) = try agreedAccuracy(try evaluate(predictor, validation))
            let improved = ua > state.bestValidationUA
            let record = EpochRecord(epoch: epoch, trainLoss: lossSum / Double(steps), validationUA: ua,
                                     validationWA: wa, seconds: Date().timeIntervalSince(started))
            state.epoch = epoch
            state.history.append(record)
            if improved {
                state.bestValidationUA = ua
                state.bestEpoch = epoch
                state.epochsWithoutImprovement = 0
                let metadata = network.weightsMetadata.merging(["epoch": "\(epoch)", "validation_ua": "\(ua)"]) { $1 }
                if writer {
                    try model.save(to: bestModelURL, metadata: metadata)
                    try writeModelFile(provenance: metadata)
                }
            } else {
                state.epochsWithoutImprovement += 1
            }
            (state.samplerOrder, state.samplerCursor) = sampler.state
            state.optimizerScalars = try JSONEncoder().encode(optimizer.scalarState())
            if writer {
                try TrainingCheckpoint.save(to: checkpointURL, model: model, optimizer: optimizer.stateDict(), state: state)
                try writeJSON(state.history, to: runDirectory.appendingPathComponent("history.json"))
            }
            progress(.epochFinished(record, improved: improved))
        }
        if state.epochsWithoutImprovement >= c.patience { progress(.earlyStop(epoch: state.epoch, bestEpoch: state.bestEpoch)) }
        try parallel.context.barrier()   // rank 0 has written the best weights
        let bestMetadata = try model.load(from: bestModelURL)
        if writer && !FileManager.default.fileExists(atPath: modelFileURL.path) {
            // A folder trained before model files existed, resumed: its best weights get one now.
            try writeModelFile(provenance: bestMetadata)
        }
        return state.history
    }

    /// UA/WA and the rest on whole utterances with the current weights.
    public func evaluate(_ utterances: [Utterance]) throws -> ClassificationReport {
        try evaluate(network.predictor, utterances)
    }

    func evaluate(_ predictor: UtterancePredictor, _ utterances: [Utterance]) throws -> ClassificationReport {
        let post = try predictor.posteriors(utterances)
        let predicted = post.map { p in p.indices.max { p[$0] < p[$1] } ?? 0 }
        return try ClassificationReport(classes: configuration.classes, truth: utterances.map(\.label), predicted: predicted)
    }

    /// The trained module (best weights after ``run(resume:)``): the ``STRFNet``, the ``Wav2VecClassifier``,
    /// or for fine-tuned wav2vec the ``Wav2VecEmotionModel``.
    public var trainedModel: Module { network.module }
    /// Whole-utterance posteriors with the current weights.
    public var predictor: UtterancePredictor { network.predictor }
}

func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try AtomicFile.write(try encoder.encode(value), to: url)
}
