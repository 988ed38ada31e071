import Foundation
import SERFeatures

/// What ``SplitTraining`` produced, saved as `report.json` (and `report.md`) in the run folder.
public struct SplitTrainingResult: Codable, Equatable, Sendable {
    public var classes: [String]
    public var trainUtterances: Int
    public var validationUtterances: Int
    /// 0 when the manifest has no `test` rows.
    public var testUtterances: Int
    /// Rows left out because their label is not one of the configured classes, by label.
    public var excludedByLabel: [String: Int]
    /// The epoch whose weights were kept (best validation UA), and the epochs run.
    public var bestEpoch: Int
    public var epochs: Int
    public var history: [EpochRecord]
    /// Results with the kept weights on the validation rows, and on the test rows if any.
    public var validation: ClassificationReport
    public var test: ClassificationReport?

    /// Markdown: the data, the epochs, then the test report (if any) and the validation report.
    public var markdown: String {
        var s = "# Training run\n\n"
        s += "Classes: \(classes.joined(separator: ", ")). Utterances: \(trainUtterances) train, \(validationUtterances) validation, \(testUtterances) test"
        if !excludedByLabel.isEmpty {
            s += " (left out, label not among the classes: " + excludedByLabel.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
        }
        s += ".\n\nEpochs run: \(epochs); weights kept from epoch \(bestEpoch) (best validation UA).\n\n"
        s += "| epoch | training loss | validation UA (%) | validation WA (%) | seconds |\n| ---: | ---: | ---: | ---: | ---: |\n"
        for r in history {
            s += String(format: "| %d | %.4f | %.2f | %.2f | %.1f |\n", r.epoch, r.trainLoss, r.validationUA * 100, r.validationWA * 100, r.seconds)
        }
        if let test { s += "\n## Test\n\n" + test.markdown }
        s += "\n## Validation\n\n" + validation.markdown
        return s
    }
}

/// Trains one model on a manifest's fixed split (its `split` column): rows marked `train` train, rows
/// marked `val` select the model (best validation UA, early stopping), rows marked `test`, if there
/// are any, are evaluated once at the end with the kept weights.
///
/// Built on ``Trainer``; the run folder gets, besides the trainer's `config.json`, `checkpoint/`,
/// `best.safetensors` and `history.json`:
///
/// - `report.json` / `report.md`: a ``SplitTrainingResult``;
/// - `training-curves.svg` (``TrainingCurvesPlot``);
/// - `confusion-validation.svg` and, with test rows, `confusion-test.svg` (``ConfusionMatrixPlot``).
///
/// Rows whose label is not a configured class are left out and counted; every other row needs a
/// split value. A folder that already holds a checkpoint is only continued with `resume: true`.
public struct SplitTraining {
    public var configuration: TrainingConfiguration
    public var manifest: Manifest
    public var runDirectory: URL
    public var cache: FeatureCache?
    /// Leave out rows whose audio cannot be used (listed through ``message``) instead of stopping
    /// with ``ManifestProblems`` (see ``ManifestRowCheck``).
    public var skipBadRows = false
    public var progress: TrainingProgressHandler = { _ in }
    /// Status lines (loading, files written).
    public var message: (String) -> Void = { _ in }
    /// Data parallelism of the training steps (``Trainer/parallel``); only rank 0 writes files.
    public var parallel = DataParallelism.single

    public init(configuration: TrainingConfiguration, manifest: Manifest, runDirectory: URL, cache: FeatureCache? = nil) {
        self.configuration = configuration
        self.manifest = manifest
        self.runDirectory = runDirectory
        self.cache = cache
    }

    /// The rows of each part: (train, validation, test, excluded labels).
    /// - Throws: ``ProtocolError`` when rows lack a split value, or train or validation rows are missing;
    ///   ``TrainingError/emptySplit(_:)`` when a configured class has no train rows.
    public func parts() throws -> (train: [Int], validation: [Int], test: [Int], excluded: [String: Int]) {
        let known = Set(configuration.classes)
        var excluded = [String: Int]()
        var train = [Int](), validation = [Int](), test = [Int](), missing = [Int]()
        for (i, e) in manifest.entries.enumerated() {
            guard known.contains(e.label) else { excluded[e.label, default: 0] += 1; continue }
            switch e.split {
            case .train: train.append(i)
            case .validation: validation.append(i)
            case .test: test.append(i)
            case nil: missing.append(i)
            }
        }
        if let first = missing.first {
            throw ProtocolError.missingSplit(rows: missing.count, firstRow: first, firstLine: manifest.line(ofEntry: first))
        }
        if train.isEmpty { throw ProtocolError.emptySplit(part: DataSplit.train.rawValue) }
        if validation.isEmpty { throw ProtocolError.emptySplit(part: DataSplit.validation.rawValue) }
        let trained = Set(train.map { manifest.entries[$0].label })
        let untrained = configuration.classes.filter { !trained.contains($0) }
        if !untrained.isEmpty {
            throw TrainingError.emptySplit("no train rows of class\(untrained.count == 1 ? "" : "es") \(untrained.joined(separator: ", ")); "
                                           + "train only classes that have train rows")
        }
        return (train, validation, test, excluded)
    }

    /// Trains (or continues), evaluates, and writes the reports and plots.
    @discardableResult
    public func run(resume: Bool = false) throws -> SplitTrainingResult {
        try configuration.validate()
        try OutputFolder.prepare(runDirectory)
        let checkpoint = runDirectory.appendingPathComponent("checkpoint")
        let hasCheckpoint = try parallel.context.rootDecides(RunFolder.checkpoint(in: runDirectory) != nil
                                                             || (configuration.isCombined && CombinedTraining.hasCheckpoint(configuration, in: runDirectory)))
        if !resume && hasCheckpoint {
            throw ReportingError.invalidArgument("\(runDirectory.path) already holds a training run (checkpoint/); resume it or choose another folder")
        }
        if resume && !hasCheckpoint {
            throw TrainingError.checkpoint(path: checkpoint.path, reason: "no checkpoint to resume from")
        }
        // Every problem of the rows with a configured class, before the split is checked and before
        // any audio is loaded for training.
        let known = Set(configuration.classes)
        let labelled = manifest.entries.indices.filter { known.contains(manifest.entries[$0].label) }
        let check = try ManifestRowCheck.usableRows(of: manifest, indices: labelled, skipBadRows: skipBadRows)
        var (train, validation, test, excluded) = try parts()
        if !excluded.isEmpty {
            message("left out \(excluded.values.reduce(0, +)) rows whose label is not one of \(configuration.classes.joined(separator: ",")): "
                    + excluded.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
        if check.skippedRows > 0 {
            message("skipped \(check.skippedRows) row\(check.skippedRows == 1 ? "" : "s") with problems (--skip-bad-rows):")
            for issue in check.skipped { message("  \(issue)") }
            let usable = Set(check.rows)
            train = train.filter(usable.contains)
            validation = validation.filter(usable.contains)
            test = test.filter(usable.contains)
            if train.isEmpty { throw ProtocolError.emptySplit(part: DataSplit.train.rawValue) }
            if validation.isEmpty { throw ProtocolError.emptySplit(part: DataSplit.validation.rawValue) }
            let trained = Set(train.map { manifest.entries[$0].label })
            let untrained = configuration.classes.filter { !trained.contains($0) }
            if !untrained.isEmpty {
                throw TrainingError.emptySplit("no usable train rows of class\(untrained.count == 1 ? "" : "es") \(untrained.joined(separator: ", ")) "
                                               + "after skipping the rows with problems")
            }
        }
        let needsPulses = try configuration.featureChannels().contains(.pitchpulse)
        message("loading \(train.count + validation.count + test.count) utterances\(needsPulses ? " and their pitch pulses" : "")")
        let all = train + validation + test
        let loaded = try UtteranceStore.load(manifest, indices: all, classes: configuration.classes, pitchPulses: needsPulses, cache: cache,
                                             trimming: configuration.silenceTrimming)
        let byIndex = Dictionary(uniqueKeysWithValues: zip(all, loaded))
        let trainU = train.compactMap { byIndex[$0] }, valU = validation.compactMap { byIndex[$0] }, testU = test.compactMap { byIndex[$0] }
        progress(.loaded(train: trainU.count, validation: valU.count, test: testU.count))
        if configuration.isCombined {
            return try runCombined(train: trainU, validation: valU, test: testU, excluded: excluded)
        }
        let trainer = try Trainer(configuration: configuration, train: trainU, validation: valU, runDirectory: runDirectory,
                                  progress: progress, cache: cache)
        trainer.parallel = parallel
        let history = try trainer.run(resume: resume)
        let best = history.max { a, b in a.validationUA < b.validationUA || (a.validationUA == b.validationUA && a.epoch > b.epoch) }
        let result = SplitTrainingResult(
            classes: configuration.classes, trainUtterances: trainU.count, validationUtterances: valU.count,
            testUtterances: testU.count, excludedByLabel: excluded, bestEpoch: best?.epoch ?? 0, epochs: history.count,
            history: history, validation: try trainer.evaluate(valU), test: testU.isEmpty ? nil : try trainer.evaluate(testU))
        guard parallel.context.isWriter else { return result }
        try Self.writeReports(result, to: runDirectory)
        message("wrote report.json, report.md, training-curves.svg and confusion plots to \(runDirectory.path)")
        return result
    }

    /// ``run(resume:)`` for an ensemble or fusion (``CombinedTraining``): the reports are the combined model's;
    /// the history and best epoch shown are the first network's, and each part's UA is reported through ``message``.
    private func runCombined(train: [Utterance], validation: [Utterance], test: [Utterance], excluded: [String: Int]) throws -> SplitTrainingResult {
        var training = try CombinedTraining(configuration: configuration, runDirectory: runDirectory)
        training.cache = cache
        training.parallel = parallel
        let progress = self.progress
        training.progress = { _, _, event in progress(event) }
        training.message = message
        let model = try training.run(train: train, validation: validation)
        let validationReport = try model.validation ?? model.evaluate(validation)
        let testReport = test.isEmpty ? nil : try model.evaluate(test)
        for (part, report) in [("validation", validationReport), ("test", testReport)] {
            guard let report else { continue }
            var line = String(format: "%@ UA: combined %.1f, networks %.1f", part, report.combined.unweightedAccuracy * 100, report.network.unweightedAccuracy * 100)
            if report.members.count > 1 { line += " (each " + report.members.map { String(format: "%.1f", $0.unweightedAccuracy * 100) }.joined(separator: ", ") + ")" }
            if let f = report.functionals { line += String(format: ", functionals %.1f", f.unweightedAccuracy * 100) }
            message(line)
        }
        let history = model.histories.first ?? []
        let best = history.max { a, b in a.validationUA < b.validationUA || (a.validationUA == b.validationUA && a.epoch > b.epoch) }
        let result = SplitTrainingResult(
            classes: configuration.classes, trainUtterances: train.count, validationUtterances: validation.count,
            testUtterances: test.count, excludedByLabel: excluded, bestEpoch: best?.epoch ?? 0, epochs: history.count,
            history: history, validation: validationReport.combined, test: testReport?.combined)
        guard parallel.context.isWriter else { return result }
        try Self.writeReports(result, to: runDirectory)
        message("wrote model.safetensors, report.json, report.md, training-curves.svg and confusion plots to \(runDirectory.path)")
        return result
    }

    /// Writes `report.json`, `report.md`, `training-curves.svg`, `confusion-validation.svg` and (with a
    /// test report) `confusion-test.svg` into `directory`.
    public static func writeReports(_ result: SplitTrainingResult, to directory: URL) throws {
        try ReportFiles.write(try ReportFiles.json(result), to: directory.appendingPathComponent("report.json"))
        try ReportFiles.write(result.markdown, to: directory.appendingPathComponent("report.md"))
        try ReportFiles.write(TrainingCurvesPlot.svg(history: result.history, title: "Training curves: \(directory.lastPathComponent)"),
                              to: directory.appendingPathComponent("training-curves.svg"))
        try ReportFiles.write(ConfusionMatrixPlot.svg(result.validation, title: "Validation: \(directory.lastPathComponent)"),
                              to: directory.appendingPathComponent("confusion-validation.svg"))
        if let test = result.test {
            try ReportFiles.write(ConfusionMatrixPlot.svg(test, title: "Test: \(directory.lastPathComponent)"),
                                  to: directory.appendingPathComponent("confusion-test.svg"))
        }
    }
}
