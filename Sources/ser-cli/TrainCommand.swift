import ArgumentParser
import Foundation
import SERTraining

/// `ser-cli train`: one model on the manifest's fixed split (``SplitTraining``).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on the manifest's split column (train / val; test evaluated at the end if present).",
        discussion: """
        The paper's procedure (§3.2): mini-batches of random 3 s segments with random gain, class weights, Adam; \
        validation UA on whole utterances after every epoch; the best model is kept; early stopping. Files in the \
        output folder: config.json, checkpoint/ (every epoch, atomic), best.safetensors, history.json, \
        report.json, report.md, training-curves.svg, confusion-validation.svg, confusion-test.svg. \
        A killed run continues with --resume (same folder; only --epochs and --patience may change).
        """
    )

    @Option(name: .long, help: ArgumentHelp("Manifest with a split column (train, val, optionally test).", valueName: "file"))
    var manifest: String

    @Option(name: .long, help: ArgumentHelp("Run folder.", valueName: "dir"))
    var output: String

    @OptionGroup var training: TrainingOptions

    @Flag(name: .long, help: "Leave out manifest rows whose audio cannot be used (listed, and counted) instead of stopping.")
    var skipBadRows = false

    @Flag(name: .shortAndLong, help: "No progress or status lines on standard error (results and errors only).")
    var quiet = false

    @Flag(name: .long, help: "Continue the run in --output from its last checkpoint.")
    var resume = false

    @OptionGroup var parallelism: DistributedOptions

    func run() throws { try parallelism.run(train) }

    private func train(_ parallel: DataParallelism) throws {
        let started = Date()
        let runDir = URL(fileURLWithPath: output, isDirectory: true)
        try OutputFolder.prepare(runDir)  // before loading anything
        let corpus = try readManifest(manifest)
        let request = try training.request(manifest: corpus)
        let config = try resume ? request.configuration(existing: TrainingConfiguration.saved(in: runDir)) : request.configuration()
        config.applyPreferredGEMMThreading()
        let printer = TrainingProgressPrinter(quiet: quiet)
        printer.line("training: \(describe(config))")
        if config.functionals != nil {
            var job = FunctionalsSplitTraining(configuration: config, manifest: corpus, runDirectory: runDir,
                                               cache: try training.featureCache())
            job.message = { printer.line($0) }
            let result = try job.run()
            print(result.markdown)
            printer.line(String(format: "finished in %.1f s; results in %@", Date().timeIntervalSince(started), runDir.path))
            return
        }
        var job = SplitTraining(configuration: config, manifest: corpus, runDirectory: runDir,
                                cache: try training.featureCache())
        job.skipBadRows = skipBadRows
        job.progress = { printer.handle($0) }
        job.message = { printer.line($0) }
        job.parallel = parallel
        let result = try job.run(resume: resume)
        if let test = result.test {
            print("Test (\(result.testUtterances) utterances, weights of epoch \(result.bestEpoch)):\n")
            print(test.markdown)
        }
        print("Validation (\(result.validationUtterances) utterances, weights of epoch \(result.bestEpoch)):\n")
        print(result.validation.markdown)
        printer.line(String(format: "finished in %.1f s; results in %@", Date().timeIntervalSince(started), runDir.path))
    }
}
