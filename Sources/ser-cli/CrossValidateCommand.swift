import ArgumentParser
import Foundation
import SERTraining

/// `ser-cli cv`: cross-validation with a protocol (``CrossValidationRunner``).
struct CrossValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cv",
        abstract: "Cross-validate: train and test one model per fold of a protocol; summary table with mean ± std.",
        discussion: """
        Each fold gets a folder <output>/<fold name>/ with its checkpoint, best model, history.json, result.json, \
        confusion-test.svg and training-curves.svg. When every fold has a result, summary.json, summary.md and \
        confusion-pooled.svg are written. Running the same command again resumes: finished folds are skipped, an \
        interrupted fold continues from its last epoch. --fold k runs only fold k (repeatable), so folds can run on \
        several machines; collect their folders and combine them with `ser-cli merge`. --jobs N trains N folds at \
        once on this machine, each in its own process with its share of the cores.
        """
    )

    @Option(name: .long, help: ArgumentHelp("Manifest of the corpus.", valueName: "file"))
    var manifest: String

    @Option(name: .customLong("protocol"), help: ArgumentHelp("Protocol: \(CrossValidationProtocolKind.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
    var protocolName: String

    @Option(name: .long, help: ArgumentHelp("Output folder.", valueName: "dir"))
    var output: String

    @Option(name: .customLong("fold"), parsing: .unconditionalSingleValue, help: ArgumentHelp("Run only this fold number, 1-based (repeatable).", valueName: "k"))
    var folds: [Int] = []

    @Flag(name: .shortAndLong, help: "No progress or status lines on standard error (results and errors only).")
    var quiet = false

    @Flag(name: .long, help: "List the folds (speakers in each part) and exit.")
    var list = false

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("leave-one-speaker-out: validate each fold on the next N speakers (default 1, the anchors' folds); the test speakers stay the same.", valueName: "N"))
    var validationSpeakers: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Train N folds at once, each in its own process with 1/N of the cores (default 1). On a few cores 2 is faster: the parts "
        + "of a training step that run on one thread leave a core idle. Results equal --jobs 1 up to float32 rounding.",
        valueName: "N"))
    var jobs = 1

    /// Set by `--jobs` on its worker processes (``CrossValidationJobs``): the worker's number.
    @Option(name: .customLong("job-worker"), help: .hidden)
    var jobWorker: Int?

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be >= 1") }
        if jobs > 1, parallelism.distributed {
            throw ValidationError("--jobs runs folds side by side on one machine; --distributed splits each step over MPI ranks: choose one")
        }
        if let validationSpeakers, validationSpeakers < 1 { throw ValidationError("--validation-speakers must be >= 1") }
        if validationSpeakers != nil, protocolName != CrossValidationProtocolKind.leaveOneSpeakerOut.rawValue {
            throw ValidationError("--validation-speakers is a setting of --protocol leave-one-speaker-out")
        }
    }

    @Flag(name: .long, help: "Leave out manifest rows whose audio cannot be used (listed, and counted) instead of stopping.")
    var skipBadRows = false

    @OptionGroup var training: TrainingOptions

    @OptionGroup var parallelism: DistributedOptions

    func run() throws { try parallelism.run(crossValidate) }

    private func crossValidate(_ parallel: DataParallelism) throws {
        let started = Date()
        let kind = try CrossValidationProtocolKind.named(protocolName)
        let dir = URL(fileURLWithPath: output, isDirectory: true)
        if !list { try OutputFolder.prepare(dir) }  // before loading anything
        let corpus = try readManifest(manifest)
        let config = try training.request(manifest: corpus).configuration(existing: list ? nil : TrainingConfiguration.saved(in: dir))
        config.applyPreferredGEMMThreading()
        var runner = CrossValidationRunner(configuration: config, manifest: corpus, protocolKind: kind,
                                           outputDirectory: dir, cache: try training.featureCache())
        if let validationSpeakers { runner.validationSpeakers = validationSpeakers }
        let (kept, all) = try runner.folds()
        let left = runner.manifest.entries.count - kept.entries.count
        let missing = folds.filter { !(1...max(all.count, 1)).contains($0) }
        if !missing.isEmpty {
            throw ValidationError("--fold \(missing.map(String.init).joined(separator: ", ")): protocol \(kind.rawValue) has \(all.count) "
                                  + "fold\(all.count == 1 ? "" : "s") on this manifest (1...\(all.count)); `--list` shows them")
        }
        if list {
            for f in all {
                print("\(f.number)\t\(f.name)\ttrain \(f.train.count) (\(f.trainSpeakers.joined(separator: ",")))\tvalidation \(f.validation.count) (\(f.validationSpeakers.joined(separator: ",")))\ttest \(f.test.count) (\(f.testSpeakers.joined(separator: ",")))")
            }
            return
        }
        runner.skipBadRows = skipBadRows
        runner.parallel = parallel
        if let jobWorker {
            try runWorker(jobWorker, runner: runner)
            return
        }
        let printer = TrainingProgressPrinter(quiet: quiet)
        printer.line("cross-validation: \(kind.rawValue), \(all.count) folds\(folds.isEmpty ? "" : ", running \(folds.sorted().map(String.init).joined(separator: ", "))"); \(describe(config))")
        if left > 0 { printer.line("left out: \(left) manifest rows whose label is not one of \(config.classes.joined(separator: ","))") }
        runner.progress = { label, event in
            if let event { printer.handle(event, label: label) } else { printer.line(label) }
        }
        let summary: CrossValidationSummary?
        if jobs > 1, config.functionals == nil {
            let selected = folds.isEmpty ? all : all.filter { folds.contains($0.number) }
            let pending = selected.filter { fold in
                let done = FileManager.default.fileExists(atPath: dir.appendingPathComponent(fold.name).appendingPathComponent("result.json").path)
                if done { printer.line("\(fold.name): result exists, skipped") }
                return !done
            }
            let pool = CrossValidationJobs(jobs: jobs, folds: pending.map(\.number), arguments: Self.workerArguments())
            if !pending.isEmpty {
                printer.line("running \(pending.count) fold\(pending.count == 1 ? "" : "s") in \(min(jobs, pending.count)) worker processes of "
                             + "\(pool.threadsPerWorker) thread\(pool.threadsPerWorker == 1 ? "" : "s") each")
            }
            try pool.run()
            summary = try runner.summaryIfComplete(all)
        } else {
            if jobs > 1 { printer.line("--jobs: functionals classifiers train in seconds; their folds run one after another") }
            summary = try runner.run(only: folds.isEmpty ? nil : folds)
        }
        guard parallel.context.isWriter else { return }
        try CrossValidationReports.writePlots(in: dir)
        if let summary {
            print(summary.markdown)
        } else {
            let done = all.filter { FileManager.default.fileExists(atPath: dir.appendingPathComponent($0.name).appendingPathComponent("result.json").path) }
            printer.line("\(done.count) of \(all.count) folds have results; run the others (--fold k), then `ser-cli merge` the output folders")
        }
        printer.line(String(format: "finished in %.1f s; results in %@", Date().timeIntervalSince(started), dir.path))
    }
}
