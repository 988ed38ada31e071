import Foundation
import SERFeatures

/// Runs a cross-validation protocol: for each selected fold, trains on its training speakers,
/// selects the model on its validation speakers, tests on its test speakers, and writes
/// `<output>/<fold name>/result.json` (a ``FoldResult``). When every fold's result is present,
/// `<output>/summary.json` and `summary.md` give mean ± standard deviation over folds.
///
/// A fold whose result exists is skipped; one with a checkpoint but no result resumes, so a killed
/// `cv` run continues where it stopped. Folds can also run on separate machines (`folds:`), with
/// the summary made by merging the result files.
public struct CrossValidationRunner {
    public var configuration: TrainingConfiguration
    public var manifest: Manifest
    public var protocolKind: CrossValidationProtocolKind
    public var outputDirectory: URL
    /// Disk cache for fixed features (pitch pulses, frozen wav2vec features); nil disables it.
    public var cache: FeatureCache?
    /// Leave out rows whose audio cannot be used (reported through ``progress``) instead of stopping
    /// with ``ManifestProblems`` (see ``ManifestRowCheck``).
    public var skipBadRows = false
    public var progress: (String, TrainingEvent?) -> Void = { _, _ in }
    /// Data parallelism of every fold's training steps (``Trainer/parallel``); only rank 0 writes files.
    public var parallel = DataParallelism.single
    /// Speakers validating in each fold of `leave-one-speaker-out` (``LeaveOneSpeakerOut/validationSpeakers``).
    public var validationSpeakers = 1

    public init(configuration: TrainingConfiguration, manifest: Manifest, protocolKind: CrossValidationProtocolKind,
                outputDirectory: URL, cache: FeatureCache? = nil) {
        self.configuration = configuration
        self.manifest = manifest
        self.protocolKind = protocolKind
        self.outputDirectory = outputDirectory
        self.cache = cache
    }

    /// All folds of the protocol on this manifest (restricted to the configured classes).
    public func folds() throws -> (Manifest, [Fold]) {
        // `keeping` preserves the rows' line numbers for error messages.
        let kept = manifest.keeping(manifest.entries.indices.filter { configuration.classes.contains(manifest.entries[$0].label) })
        guard !kept.entries.isEmpty else {
            throw TrainingError.emptySplit("no manifest rows have the classes \(configuration.classes.joined(separator: ", "))")
        }
        let rule = protocolKind == .leaveOneSpeakerOut ? LeaveOneSpeakerOut(validationSpeakers: validationSpeakers) : protocolKind.protocolValue
        return (kept, try rule.folds(for: kept))
    }

    /// Runs the folds numbered in `only` (1-based; nil: all) and returns the summary when all results exist.
    ///
    /// - Parameter nextFold: nil runs the selected folds in order. Otherwise the utterances of every selected fold
    ///   are loaded once, and then `nextFold` names the fold to run next (one of the selected numbers) until it returns
    ///   nil: how a `ser-cli cv --jobs N` worker process takes folds one at a time from its parent.
    @discardableResult
    public func run(only: [Int]? = nil, nextFold: (() throws -> Int?)? = nil) throws -> CrossValidationSummary? {
        try configuration.validate()
        try OutputFolder.prepare(outputDirectory)
        // Every problem of the rows used, before any audio is loaded for training; the folds are made
        // from the usable rows.
        var usable = self
        let (labelled, _) = try folds()
        let check = try ManifestRowCheck.usableRows(of: labelled, indices: Array(labelled.entries.indices), skipBadRows: skipBadRows)
        if check.skippedRows > 0 {
            progress("skipped \(check.skippedRows) row\(check.skippedRows == 1 ? "" : "s") with problems (--skip-bad-rows):", nil)
            for issue in check.skipped { progress("  \(issue)", nil) }
            usable.manifest = labelled.keeping(check.rows)
        }
        if configuration.functionals != nil { return try usable.runFunctionals(only: only, nextFold: nextFold) }
        let (kept, all) = try usable.folds()
        let selected = try selectedFolds(only, of: all)
        let writer = parallel.context.isWriter
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        if writer { try writeJSON(configuration, to: outputDirectory.appendingPathComponent("config.json")) }
        let needsPulses = try configuration.featureChannels().contains(.pitchpulse)
        // Decode every utterance the selected folds use, once.
        let used = Array(Set(selected.flatMap { $0.train + $0.validation + $0.test })).sorted()
        progress("loading \(used.count) utterances\(needsPulses ? " and their pitch pulses" : "")", nil)
        let loaded = try UtteranceStore.load(kept, indices: used, classes: configuration.classes, pitchPulses: needsPulses,
                                             cache: cache, trimming: configuration.silenceTrimming)
        let byIndex = Dictionary(uniqueKeysWithValues: zip(used, loaded))
        // Frozen wav2vec features are computed once for all folds.
        let wav2vecFeatures = try Wav2VecFeatureStore.forConfiguration(configuration, cache: cache)
        // The fusion's functionals too (late: the classifiers'; early: the networks' utterance input).
        let fusionFunctionals = try precomputedFusionFunctionals(loaded)
        var folds = FoldSequence(selected, next: nextFold)
        while let fold = try folds.next() {
            let dir = outputDirectory.appendingPathComponent(fold.name)
            let resultURL = dir.appendingPathComponent("result.json")
            let saved = FileManager.default.fileExists(atPath: resultURL.path) ? try? FoldResult.read(from: resultURL) : nil
            if let saved, saved.validationSpeakers != fold.validationSpeakers || saved.trainSpeakers != fold.trainSpeakers {
                throw TrainingError.invalidConfiguration(
                    "\(resultURL.path) was validated on speakers \(saved.validationSpeakers.joined(separator: ", ")); this run would validate "
                    + "\(fold.name) on \(fold.validationSpeakers.joined(separator: ", ")) (another --validation-speakers?); use a new output folder")
            }
            if try parallel.context.rootDecides(saved != nil) {
                progress("\(fold.name): result exists, skipped", nil)
                continue
            }
            let started = Date()
            if configuration.isCombined {
                let result = try runCombined(fold, in: dir, byIndex: byIndex, functionals: fusionFunctionals, wav2vecFeatures: wav2vecFeatures)
                if writer { try result.write(to: resultURL) }
                progress("\(fold.name): test UA \(String(format: "%.1f", result.test.unweightedAccuracy * 100)) WA \(String(format: "%.1f", result.test.weightedAccuracy * 100))", nil)
                continue
            }
            let trainer = try Trainer(configuration: configuration, train: fold.train.compactMap { byIndex[$0] },
                                      validation: fold.validation.compactMap { byIndex[$0] }, runDirectory: dir,
                                      progress: { progress(fold.name, $0) }, wav2vecFeatures: wav2vecFeatures, cache: cache,
                                      functionals: fusionFunctionals)
            trainer.parallel = parallel
            let resume = try parallel.context.rootDecides(RunFolder.checkpoint(in: dir) != nil)
            let history = try trainer.run(resume: resume)
            let test = try trainer.evaluate(fold.test.compactMap { byIndex[$0] })
            let validation = try trainer.evaluate(fold.validation.compactMap { byIndex[$0] })
            let best = history.max { $0.validationUA < $1.validationUA }
            let result = FoldResult(fold: fold, test: test, validation: validation,
                                    metadata: ["best_epoch": "\(best?.epoch ?? 0)", "epochs": "\(history.count)",
                                               "seconds": String(format: "%.1f", Date().timeIntervalSince(started)),
                                               "model": configuration.modelDescription])
            if writer { try result.write(to: resultURL) }
            progress("\(fold.name): test UA \(String(format: "%.1f", test.unweightedAccuracy * 100)) WA \(String(format: "%.1f", test.weightedAccuracy * 100))", nil)
        }
        try parallel.context.barrier()   // rank 0 has written every result
        guard writer else { return nil }
        return try summaryIfComplete(all)
    }

    /// Writes `summary.json` and `summary.md` and returns the summary when every fold of `all` has its
    /// `result.json`; nil otherwise (nothing is written).
    public func summaryIfComplete(_ all: [Fold]) throws -> CrossValidationSummary? {
        let files = all.map { outputDirectory.appendingPathComponent($0.name).appendingPathComponent("result.json") }
        guard files.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) else { return nil }
        let summary = try CrossValidationSummary.merge(files: files)
        try summary.write(json: outputDirectory.appendingPathComponent("summary.json"),
                          markdown: outputDirectory.appendingPathComponent("summary.md"))
        return summary
    }
}

/// The folds a run goes through: the selected ones in order, or, with a `next` source, the ones it names.
struct FoldSequence {
    private let selected: [Fold]
    private let source: (() throws -> Int?)?
    private var position = 0

    init(_ selected: [Fold], next source: (() throws -> Int?)?) {
        self.selected = selected
        self.source = source
    }

    /// The next fold; nil when done.
    /// - Throws: ``ReportingError/invalidArgument(_:)`` when the source names a fold that was not selected.
    mutating func next() throws -> Fold? {
        guard let source else {
            defer { position += 1 }
            return position < selected.count ? selected[position] : nil
        }
        guard let number = try source() else { return nil }
        guard let fold = selected.first(where: { $0.number == number }) else {
            throw ReportingError.invalidArgument("fold \(number) was not among the folds this run loaded (\(selected.map { String($0.number) }.joined(separator: ", ")))")
        }
        return fold
    }
}

extension CrossValidationRunner {
    /// The folds numbered in `only` (1-based; nil: all); a number that is not a fold is an error naming the
    /// protocol's fold count.
    func selectedFolds(_ only: [Int]?, of all: [Fold]) throws -> [Fold] {
        let selected = only.map { want in all.filter { want.contains($0.number) } } ?? all
        if let only, selected.count != Set(only).count {
            let missing = only.filter { n in !all.contains { $0.number == n } }
            throw ReportingError.invalidArgument("fold \(missing.map(String.init).joined(separator: ", ")) does not exist: protocol "
                                                 + "\(protocolKind.rawValue) has \(all.count) fold\(all.count == 1 ? "" : "s") on this manifest (1...\(all.count))")
        }
        return selected
    }
}
