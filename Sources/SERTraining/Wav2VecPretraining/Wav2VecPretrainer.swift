import Foundation
import SERModels
import SERTensor

/// Self-supervised wav2vec 1.0 pretraining (Schneider et al. 2019) on a ``Wav2VecPretrainingCorpus``, as fairseq's
/// `audio_pretraining` task trains it.
///
/// Each update draws ``Wav2VecPretrainingConfiguration/batchSize`` training files (a fresh random permutation per pass
/// over the files), crops all of them to `min(cropSamples, shortest file in the batch)` samples at a random offset per
/// file (fairseq's `RawAudioDataset` cropping), draws the negatives (``Wav2VecNegatives``), and takes one Adam step on
/// the objective (``Wav2VecPredictions/loss(context:targets:negatives:offset:infoNCE:)``) with fairseq's warm-up + cosine
/// learning rate (``FairseqCosineLR``) and global gradient-norm clipping.
///
/// Every ``Wav2VecPretrainingConfiguration/validationInterval`` updates (and before the first update, and after the
/// last) the held-out files are scored with fixed crops (one per file, drawn once from the seed) and fixed negatives
/// (the same generator state at every validation), so the curve compares like with like; the record goes to the
/// history file (``Wav2VecPretrainingHistory``). Every ``Wav2VecPretrainingConfiguration/checkpointInterval`` updates a
/// checkpoint is written atomically (``Wav2VecPretrainingCheckpoint``); ``run(resume:stopAfter:)`` with `resume`
/// continues from it bit for bit (weights, Adam moments, generators, sampler position). At the end the model is written
/// to ``outputModel`` (``Wav2VecPretrainingModel/write(to:)``: fairseq names, loadable by ``Wav2VecModel/read(from:)``).
public final class Wav2VecPretrainer {
    public let configuration: Wav2VecPretrainingConfiguration
    public let corpus: Wav2VecPretrainingCorpus
    /// Where the finished model is written; nil: not written.
    public let outputModel: URL?
    public let checkpointDirectory: URL
    /// The history JSON; nil: not written.
    public let historyFile: URL?
    /// Called with every event.
    public var progress: Wav2VecPretrainingProgress?
    /// Starting weights for a fresh run (e.g. an imported model with a new head); nil: initialised from the seed.
    /// Ignored on resume.
    public var initialModel: Wav2VecPretrainingModel?
    /// How each update's batch is divided over ranks and micro-batches (default: one process, whole batches).
    /// Under several ranks only rank 0 writes the checkpoint, history and model; every rank reads the
    /// checkpoint on resume, so it must be on a file system all ranks see.
    public var parallel = DataParallelism.single

    /// The default checkpoint folder of an output model: `<model>.checkpoint` next to it.
    public static func defaultCheckpointDirectory(for model: URL) -> URL {
        model.deletingLastPathComponent().appendingPathComponent(model.lastPathComponent + ".checkpoint", isDirectory: true)
    }

    /// The default history file of an output model: `<model without extension>.history.json`.
    public static func defaultHistoryFile(for model: URL) -> URL {
        model.deletingPathExtension().appendingPathExtension("history.json")
    }

    /// - Throws: ``Wav2VecPretrainingError/invalidConfiguration(_:)``.
    public init(configuration: Wav2VecPretrainingConfiguration, corpus: Wav2VecPretrainingCorpus, outputModel: URL?,
                checkpointDirectory: URL? = nil, historyFile: URL? = nil) throws {
        try configuration.validate()
        guard !corpus.training.isEmpty else { throw Wav2VecPretrainingError.allTooShort(files: 0, minimumSamples: configuration.minimumSamples) }
        guard let checkpoints = checkpointDirectory ?? outputModel.map(Self.defaultCheckpointDirectory(for:)) else {
            throw Wav2VecPretrainingError.invalidConfiguration("neither an output model nor a checkpoint folder given")
        }
        self.configuration = configuration
        self.corpus = corpus
        self.outputModel = outputModel
        self.checkpointDirectory = checkpoints
        self.historyFile = historyFile ?? outputModel.map(Self.defaultHistoryFile(for:))
    }

    // MARK: Running

    /// Trains until ``Wav2VecPretrainingConfiguration/totalUpdates`` (or `stopAfter` updates, writing a checkpoint
    /// there), then writes the output model.
    ///
    /// With `resume`, continues from ``checkpointDirectory``. The saved configuration must equal this one except for
    /// the settings that only steer the rest of the run (``resumableSettings``: total updates, intervals, learning
    /// rates and warm-up, clipping), and the training and validation files must be the same.
    /// - Throws: ``Wav2VecPretrainingError`` (checkpoint, non-finite loss, output), ``Wav2VecObjectiveError``.
    @discardableResult
    public func run(resume: Bool = false, stopAfter: Int? = nil) throws -> Wav2VecPretrainingResult {
        // The checkpoint folder is swapped as a whole, so its lock lives beside it. Under data parallelism rank 0,
        // the only writer, holds it.
        let name = checkpointDirectory.lastPathComponent
        let folder = parallel.context.isWriter
            ? try RunFolder(checkpointDirectory.deletingLastPathComponent(), lockName: ".\(name).lock", temporaryNames: [name]) : nil
        defer { folder?.release() }
        let c = configuration
        let schedule = try c.schedule()
        var state: Wav2VecPretrainingState
        let model: Wav2VecPretrainingModel
        var savedOptimizer: [String: Tensor]?
        if resume {
            let loaded = try Wav2VecPretrainingCheckpoint.load(from: checkpointDirectory)
            try Self.checkResumable(saved: loaded.state.configuration, current: c, path: checkpointDirectory.path)
            try checkSameData(loaded.state)
            (model, savedOptimizer, state) = (loaded.model, loaded.optimizer, loaded.state)
            state.configuration = c
            let dropouts = Self.dropouts(model)
            guard dropouts.count == state.dropoutGenerators.count else {
                throw Wav2VecPretrainingError.checkpoint(path: checkpointDirectory.path, reason: "\(state.dropoutGenerators.count) dropout "
                    + "generators saved, the model has \(dropouts.count)")
            }
            for (d, g) in zip(dropouts, state.dropoutGenerators) { d.generator = g }
        } else {
            var rng = RandomGenerator(seed: c.seed)
            var initRNG = rng.split()
            if let m = initialModel {
                guard m.config == c.model, m.objective == c.objective else {
                    throw Wav2VecPretrainingError.invalidConfiguration("the initial model's architecture or objective differs from the configuration's")
                }
                model = m
            } else {
                model = try Wav2VecPretrainingModel(c.model, objective: c.objective, rng: &initRNG)
            }
            state = Wav2VecPretrainingState(rng: rng, configuration: c)
            state.trainingFiles = corpus.training.map(\.path)
            state.validationFiles = corpus.validation.map(\.path)
        }
        model.convert(to: .float32)
        model.setTraining(true)
        let optimizer = try Adam(parameters: model.namedParameters(), learningRate: c.learningRate, beta1: c.adamBeta1,
                                 beta2: c.adamBeta2, eps: c.adamEpsilon, weightDecay: c.weightDecay)
        if let saved = savedOptimizer {
            do { try optimizer.load(stateDict: saved) } catch {
                throw Wav2VecPretrainingError.checkpoint(path: checkpointDirectory.path, reason: "optimizer state does not fit the model: \(error)")
            }
        }
        try startParallelRun(model, update: state.update)
        progress?(.started(update: state.update, total: c.totalUpdates, resumed: resume, parameters: model.parameterCount))
        let sessionStart = Date()
        let priorSeconds = state.seconds
        func elapsed() -> Double { priorSeconds + Date().timeIntervalSince(sessionStart) }

        if !resume { try record(model: model, state: &state, learningRate: schedule.learningRate(atUpdate: 0), seconds: 0) }
        let stop = Swift.min(c.totalUpdates, stopAfter ?? Int.max)
        while state.update < stop {
            let t0 = Date()
            let lr = schedule.learningRate(atUpdate: state.update)
            optimizer.setLearningRate(lr, group: 0)
            let wav = nextBatch(&state)
            let result = try trainingStep(model, wav, rng: &state.rng)
            let loss = result.loss
            guard loss.isFinite else { throw Wav2VecPretrainingError.nonFinite(update: state.update + 1, what: "training loss") }
            if c.gradientClipNorm > 0 {
                let norm = optimizer.clipGradNorm(maxNorm: c.gradientClipNorm)
                guard norm.isFinite else { throw Wav2VecPretrainingError.nonFinite(update: state.update + 1, what: "gradient norm") }
            }
            optimizer.step()
            optimizer.zeroGrad()
            state.update += 1
            state.pendingLossSum += loss
            state.pendingCorrect += result.correctPredictions
            state.pendingPredictions += result.predictionCount
            state.pendingUpdates += 1
            progress?(.update(update: state.update, total: c.totalUpdates, loss: loss, accuracy: result.accuracy,
                              learningRate: lr, seconds: Date().timeIntervalSince(t0)))
            let last = state.update == c.totalUpdates
            if state.update % c.validationInterval == 0 || last {
                try record(model: model, state: &state, learningRate: lr, seconds: elapsed())
            }
            if state.update % c.checkpointInterval == 0 || last || state.update == stop {
                state.seconds = elapsed()
                try checkpoint(model: model, optimizer: optimizer, state: &state)
            }
        }
        let finished = state.update >= c.totalUpdates
        if finished, let out = outputModel, parallel.context.isWriter {
            do { try model.write(to: out) } catch { throw Wav2VecPretrainingError.output(path: out.path, reason: "\(error)") }
        }
        model.setTraining(false)
        return Wav2VecPretrainingResult(model: model, records: state.records, updates: state.update, finished: finished)
    }

    // MARK: Batches

    /// The next training batch `[batch, L]`: files from the sampler, each cropped to L = min(crop, shortest) at a
    /// random offset.
    func nextBatch(_ state: inout Wav2VecPretrainingState) -> Tensor {
        let files = corpus.training
        var chosen: [Int] = []
        for _ in 0..<configuration.batchSize {
            if state.samplerCursor >= state.samplerOrder.count {
                state.samplerOrder = state.rng.shuffled(Array(files.indices))
                state.samplerCursor = 0
            }
            chosen.append(state.samplerOrder[state.samplerCursor])
            state.samplerCursor += 1
        }
        let length = Swift.min(configuration.cropSamples, chosen.map { files[$0].samples.count }.min() ?? 0)
        var data = [Float](repeating: 0, count: chosen.count * length)
        for (i, f) in chosen.enumerated() {
            let samples = files[f].samples
            let start = state.rng.nextInt(below: samples.count - length + 1)
            data.withUnsafeMutableBufferPointer { out in
                samples.withUnsafeBufferPointer { src in
                    (out.baseAddress! + i * length).update(from: src.baseAddress! + start, count: length)
                }
            }
        }
        return Tensor(shape: [chosen.count, length], data: data)
    }

    // MARK: Validation

    /// The fixed validation crops: one per validation file, `min(validationCropSamples, length)` samples at an offset
    /// drawn once from the seed; grouped into batches of equal length (at most `batchSize` each).
    public lazy var validationBatches: [[(file: Int, start: Int, length: Int)]] = {
        var rng = RandomGenerator(seed: configuration.seed &+ 0x7A11_DA7E)
        var crops: [(file: Int, start: Int, length: Int)] = []
        for (i, r) in corpus.validation.enumerated() {
            let length = Swift.min(configuration.validationCropSamples, r.samples.count)
            crops.append((i, rng.nextInt(below: r.samples.count - length + 1), length))
        }
        var batches: [[(file: Int, start: Int, length: Int)]] = []
        for length in Set(crops.map(\.length)).sorted(by: >) {
            let same = crops.filter { $0.length == length }
            for k in stride(from: 0, to: same.count, by: configuration.batchSize) {
                batches.append(Array(same[k..<Swift.min(k + configuration.batchSize, same.count)]))
            }
        }
        return batches
    }()

    /// Held-out loss (Σ BCE / Σ logits), true-frame accuracy and binary accuracy of `model` on the fixed validation
    /// crops with fixed negatives; nil without validation files. Runs in evaluation mode without gradients.
    public func validate(_ model: Wav2VecPretrainingModel) throws -> (loss: Double, accuracy: Double, binaryAccuracy: Double)? {
        guard !corpus.validation.isEmpty else { return nil }
        let wasTraining = model.isTraining
        model.setTraining(false)
        defer { model.setTraining(wasTraining) }
        var rng = RandomGenerator(seed: configuration.seed &+ 0x0E6A_7175)
        var bce = 0.0, logits = 0, correct = 0, predictions = 0, binary = 0
        for batch in validationBatches {
            let length = batch[0].length
            var data = [Float](repeating: 0, count: batch.count * length)
            for (i, crop) in batch.enumerated() {
                let s = corpus.validation[crop.file].samples
                for j in 0..<length { data[i * length + j] = s[crop.start + j] }
            }
            let r = try withNoGrad { try model.loss(Tensor(shape: [batch.count, length], data: data), using: &rng) }
            bce += r.lossValue * Double(r.logitCount)
            logits += r.logitCount
            correct += r.correctPredictions
            predictions += r.predictionCount
            binary += r.correctBinary
        }
        guard logits > 0, predictions > 0 else { return nil }
        return (bce / Double(logits), Double(correct) / Double(predictions), Double(binary) / Double(logits))
    }

    /// Appends a record (validating) and rewrites the history file.
    private func record(model: Wav2VecPretrainingModel, state: inout Wav2VecPretrainingState, learningRate: Double, seconds: Double) throws {
        let v = try validate(model)
        guard v.map({ $0.loss.isFinite }) ?? true else {
            throw Wav2VecPretrainingError.nonFinite(update: state.update, what: "validation loss")
        }
        let n = Double(Swift.max(state.pendingUpdates, 1))
        let r = Wav2VecPretrainingRecord(
            update: state.update, learningRate: learningRate, trainLoss: state.pendingUpdates > 0 ? state.pendingLossSum / n : .nan,
            trainAccuracy: state.pendingPredictions > 0 ? Double(state.pendingCorrect) / Double(state.pendingPredictions) : .nan,
            validationLoss: v?.loss, validationAccuracy: v?.accuracy, validationBinaryAccuracy: v?.binaryAccuracy, seconds: seconds)
        state.records.append(state.update == 0 ? Self.withoutTraining(r) : r)
        state.pendingLossSum = 0
        state.pendingCorrect = 0
        state.pendingPredictions = 0
        state.pendingUpdates = 0
        if let url = historyFile, parallel.context.isWriter { try history(state.records).write(to: url) }
        progress?(.validated(state.records[state.records.count - 1]))
    }

    /// The record before any update has no training figures (JSON has no NaN: they are stored as 0).
    private static func withoutTraining(_ r: Wav2VecPretrainingRecord) -> Wav2VecPretrainingRecord {
        var r = r
        r.trainLoss = 0
        r.trainAccuracy = 0
        return r
    }

    /// The history of `records`.
    public func history(_ records: [Wav2VecPretrainingRecord]) -> Wav2VecPretrainingHistory {
        Wav2VecPretrainingHistory(configuration: configuration, chanceAccuracy: 1 / Double(configuration.objective.negatives + 1),
                                  trainingFiles: corpus.training.count, validationFiles: corpus.validation.count, records: records)
    }

    // MARK: Checkpoints

    private func checkpoint(model: Wav2VecPretrainingModel, optimizer: Optimizer, state: inout Wav2VecPretrainingState) throws {
        state.dropoutGenerators = Self.dropouts(model).map(\.generator)
        state.optimizer = optimizer.scalarState()
        guard parallel.context.isWriter else { return }
        try Wav2VecPretrainingCheckpoint.save(to: checkpointDirectory, model: model, optimizer: optimizer, state: state)
        progress?(.checkpointed(update: state.update, path: checkpointDirectory.path))
    }

    /// Every dropout layer of `model`, in module order.
    static func dropouts(_ model: Module) -> [Dropout] {
        model.namedModules().compactMap { $0.module as? Dropout }
    }

    /// Settings a resumed run may change: they steer the rest of the run without invalidating what was done.
    public static let resumableSettings = ["totalUpdates", "validationInterval", "checkpointInterval", "learningRate",
                                           "warmupInitLearningRate", "minLearningRate", "warmupUpdates", "gradientClipNorm"]

    /// Throws unless `current` equals `saved` apart from ``resumableSettings``, naming every other difference.
    public static func checkResumable(saved: Wav2VecPretrainingConfiguration, current: Wav2VecPretrainingConfiguration, path: String) throws {
        func fields(_ c: Wav2VecPretrainingConfiguration) -> [String: String] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            guard let data = try? encoder.encode(c),
                  let dict = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return [:] }
            var out: [String: String] = [:]
            for (k, v) in dict {
                let d = (try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .fragmentsAllowed])) ?? Data()
                out[k] = String(decoding: d, as: UTF8.self)
            }
            return out
        }
        let a = fields(saved), b = fields(current)
        let differing = Set(a.keys).union(b.keys).subtracting(resumableSettings).subtracting(["preset"]).sorted().filter { a[$0] != b[$0] }
        guard differing.isEmpty else {
            let detail = differing.map { "\($0): checkpoint \(a[$0] ?? "none"), now \(b[$0] ?? "none")" }.joined(separator: "; ")
            throw Wav2VecPretrainingError.checkpoint(path: path, reason: "was made with a different configuration (\(detail)); only "
                + resumableSettings.joined(separator: ", ") + " may change on resume")
        }
    }

    private func checkSameData(_ state: Wav2VecPretrainingState) throws {
        let train = corpus.training.map(\.path), val = corpus.validation.map(\.path)
        guard train == state.trainingFiles, val == state.validationFiles else {
            let added = Set(train + val).subtracting(state.trainingFiles + state.validationFiles).sorted()
            let removed = Set(state.trainingFiles + state.validationFiles).subtracting(train + val).sorted()
            var what = "the audio differs from the checkpoint's (\(state.trainingFiles.count) training + \(state.validationFiles.count) "
                + "validation files then, \(train.count) + \(val.count) now"
            if let a = added.first { what += "; new: \(a)\(added.count > 1 ? " and \(added.count - 1) more" : "")" }
            if let r = removed.first { what += "; missing: \(r)\(removed.count > 1 ? " and \(removed.count - 1) more" : "")" }
            throw Wav2VecPretrainingError.checkpoint(path: checkpointDirectory.path, reason: what + ")")
        }
    }
}
