import ArgumentParser
import Foundation
import SERModels
import SERTraining

/// `ser-cli wav2vec pretrain`: self-supervised wav2vec 1.0 pretraining on unlabelled audio. The work is done by
/// ``Wav2VecPretrainingCorpus/load(_:configuration:progress:)`` and ``Wav2VecPretrainer``; this file parses and prints.
struct Wav2VecPretrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretrain",
        abstract: "Pretrain a wav2vec 1.0 model on unlabelled audio (fairseq's contrastive objective).",
        discussion: """
            Audio: a folder (searched recursively) or a manifest CSV (a 'path' column; label/speaker not needed); \
            files are mixed to mono and resampled to 16 kHz, and a fraction is held out for validation. \
            Configuration: a JSON file (write a starting point with --print-config tiny|small|base|large; absent keys \
            take the preset's values). Written next to --output: <output>.checkpoint/ (atomic, every \
            checkpointInterval updates; continue a stopped run with --resume) and <output without extension>.history.json \
            (held-out loss and true-frame accuracy at every validation). The finished model (fairseq key names, \
            prediction head included) is read by `ser-cli wav2vec features --model` and the wav2vec classifier.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Folder of audio files, or manifest CSV.", valueName: "dir|csv"))
    var audio: String?

    @Option(name: .long, help: ArgumentHelp("Pretraining configuration JSON (default: the tiny preset).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Use a preset instead of --config: tiny, small, base, large.", valueName: "name"))
    var preset: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Output model (.safetensors).", valueName: "file"))
    var output: String?

    @Flag(name: .shortAndLong, help: "No progress or status lines on standard error (results and errors only).")
    var quiet = false

    @Flag(name: .long, help: "Continue from the checkpoint next to --output.")
    var resume = false

    @Option(name: .long, help: ArgumentHelp("Override totalUpdates (e.g. to extend a finished run with --resume).", valueName: "n"))
    var updates: Int?

    @Option(name: .long, help: ArgumentHelp("Stop (with a checkpoint) after this many updates in total; --resume continues.", valueName: "n"))
    var stopAfter: Int?

    @Option(name: .long, help: ArgumentHelp("Start from this model (a pretrained one, or a feature model such as an imported wav2vec_large, which gets a new prediction head); its architecture replaces the configuration's.", valueName: "file"))
    var initModel: String?

    @Option(name: .long, help: ArgumentHelp("Checkpoint folder (default: <output>.checkpoint).", valueName: "dir"))
    var checkpoint: String?

    @Option(name: .long, help: ArgumentHelp("Print a preset's configuration as JSON and exit.", valueName: "preset"))
    var printConfig: String?

    @OptionGroup var parallelism: DistributedOptions

    func validate() throws {
        if printConfig != nil { return }
        guard audio != nil else { throw ValidationError("--audio is required") }
        guard output != nil else { throw ValidationError("--output is required") }
        if config != nil && preset != nil { throw ValidationError("give --config or --preset, not both") }
        if let n = updates, n < 1 { throw ValidationError("--updates must be >= 1") }
        if let n = stopAfter, n < 1 { throw ValidationError("--stop-after must be >= 1") }
        if resume && initModel != nil { throw ValidationError("--init-model starts a new run; it cannot be combined with --resume") }
    }

    func run() throws {
        if let name = printConfig {
            print(try Wav2VecPretrainingConfiguration(preset: name).json)
            return
        }
        try parallelism.run(pretrain)
    }

    private func pretrain(_ parallel: DataParallelism) throws {
        guard let audio, let output else { return }
        var configuration = try config.map { try Wav2VecPretrainingConfiguration.read(from: URL(fileURLWithPath: $0)) }
            ?? Wav2VecPretrainingConfiguration(preset: preset ?? "tiny")
        if let n = updates { configuration.totalUpdates = n }
        var initial: Wav2VecPretrainingModel?
        if let path = initModel {
            initial = try Self.initialModel(path, configuration: &configuration)
        }
        try configuration.validate()

        let printer = Wav2VecPretrainingProgressPrinter()
        printer.quiet = quiet
        let c = configuration
        printer.line("wav2vec pretraining: \(c.preset ?? "custom") configuration, \(c.model.featureExtractorLayers.count) encoder + "
                     + "\(c.model.aggregatorLayers.count) context layers, \(c.model.featureChannels)/\(c.model.contextChannels) channels, "
                     + "\(c.objective.predictionSteps) steps, \(c.objective.negatives) negatives, batch \(c.batchSize) × "
                     + String(format: "%.2f s, lr %.2g, %d updates", c.cropSeconds, c.learningRate, c.totalUpdates))
        let started = Date()
        let corpus = try Wav2VecPretrainingCorpus.load(Wav2VecPretrainingCorpus.Source.detect(audio), configuration: configuration) { done, total in
            printer.loading(done, total)
        }
        printer.line(String(format: "audio: %d training files (%.1f min), %d validation files (%.1f min), read in %.1f s",
                            corpus.training.count, corpus.trainingSeconds / 60, corpus.validation.count,
                            corpus.validationSeconds / 60, Date().timeIntervalSince(started)))
        for s in corpus.skipped.prefix(10) { printer.line("  skipped \(s.path): \(s.reason)") }
        if corpus.skipped.count > 10 { printer.line("  … and \(corpus.skipped.count - 10) more skipped") }

        let out = URL(fileURLWithPath: output)
        let trainer = try Wav2VecPretrainer(configuration: configuration, corpus: corpus, outputModel: out,
                                            checkpointDirectory: checkpoint.map { URL(fileURLWithPath: $0, isDirectory: true) })
        trainer.initialModel = initial
        trainer.parallel = parallel
        if try !resume && parallel.context.rootDecides(Wav2VecPretrainingCheckpoint.exists(at: trainer.checkpointDirectory)) {
            throw Wav2VecPretrainingError.checkpoint(path: trainer.checkpointDirectory.path, reason: "already exists: continue "
                                                     + "that run with --resume, or remove the folder to start afresh")
        }
        trainer.progress = { printer.handle($0) }
        let result = try trainer.run(resume: resume, stopAfter: stopAfter)
        printer.finish()
        if let last = result.records.last, let loss = last.validationLoss, let acc = last.validationAccuracy {
            print(String(format: "held-out after %d updates: loss %.4f, true-frame accuracy %.1f%% (chance %.1f%%)", last.update, loss,
                         acc * 100, 100 / Double(configuration.objective.negatives + 1)))
        }
        if result.finished {
            print("wrote \(out.path)")
        } else {
            print("stopped after \(result.updates) of \(configuration.totalUpdates) updates; continue with --resume")
        }
        if let h = trainer.historyFile { print("history: \(h.path)") }
        print("checkpoint: \(trainer.checkpointDirectory.path)")
        printer.line(String(format: "finished in %.1f s", Date().timeIntervalSince(started)))
    }

    /// The model to start from: a pretraining model as saved, or a feature model with a new head (seeded from the
    /// configuration). Its architecture and objective replace the configuration's.
    static func initialModel(_ path: String, configuration: inout Wav2VecPretrainingConfiguration) throws -> Wav2VecPretrainingModel {
        let url = URL(fileURLWithPath: path)
        configuration.preset = nil
        if let m = try? Wav2VecPretrainingModel.read(from: url) {
            configuration.model = m.config
            configuration.objective = m.objective
            return m
        }
        let features = try Wav2VecModel.read(from: url)
        var rng = RandomGenerator(seed: configuration.seed &+ 0x4EAD)
        let m = try Wav2VecPretrainingModel(wav2vec: features, objective: configuration.objective, rng: &rng)
        configuration.model = m.config
        return m
    }
}
