import Foundation
import SERModels
import SERFeatures

extension CrossValidationRunner {
    /// ``run(only:)`` for a functionals configuration: the functionals of every utterance the selected
    /// folds use are computed once; then per fold the hyper-parameters are chosen on the validation
    /// speakers, the classifier is fitted on the training speakers and tested. Each fold folder gets
    /// `config.json`, `model.safetensors` (the fold's classifier as a one-file model) and `result.json` (its metadata: the
    /// chosen C, γ and the validation UA of every grid point).
    func runFunctionals(only: [Int]?, nextFold: (() throws -> Int?)?) throws -> CrossValidationSummary? {
        let (kept, all) = try folds()
        let selected = try selectedFolds(only, of: all)
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        try writeJSON(configuration, to: outputDirectory.appendingPathComponent("config.json"))
        let training = try FunctionalsTraining(configuration: configuration, cache: cache)
        let pending = selected.filter { fold in
            let url = outputDirectory.appendingPathComponent(fold.name).appendingPathComponent("result.json")
            let done = FileManager.default.fileExists(atPath: url.path) && (try? FoldResult.read(from: url)) != nil
            if done { progress("\(fold.name): result exists, skipped", nil) }
            return !done
        }
        let used = Array(Set(pending.flatMap { $0.train + $0.validation + $0.test })).sorted()
        progress("loading \(used.count) utterances and computing their functionals (\(training.provider.featureSet))", nil)
        let started = Date()
        let utterances = try UtteranceStore.load(kept, indices: used, classes: configuration.classes, pitchPulses: false, cache: cache,
                                                 trimming: configuration.silenceTrimming)
        let rows = try training.provider.rows(utterances)
        progress(String(format: "functionals of %d utterances in %.1f s", used.count, Date().timeIntervalSince(started)), nil)
        let position = Dictionary(uniqueKeysWithValues: used.enumerated().map { ($1, $0) })
        func part(_ indices: [Int]) -> FunctionalsData {
            let p = indices.compactMap { position[$0] }
            return FunctionalsData(rows: p.map { rows[$0] }, labels: p.map { utterances[$0].label }, speakers: p.map { utterances[$0].speaker })
        }
        var folds = FoldSequence(pending, next: nextFold)
        while let fold = try folds.next() {
            let dir = outputDirectory.appendingPathComponent(fold.name)
            let foldStarted = Date()
            let fit = try training.fit(train: part(fold.train), validation: part(fold.validation))
            let test = try FunctionalsTraining.evaluate(fit.classifier, on: part(fold.test))
            let validation = try FunctionalsTraining.evaluate(fit.classifier, on: part(fold.validation))
            try training.save(fit, to: dir)
            let result = FoldResult(fold: fold, test: test, validation: validation,
                                    metadata: FunctionalsTraining.metadata(fit, model: configuration.modelDescription,
                                                                           seconds: Date().timeIntervalSince(foldStarted)))
            try result.write(to: dir.appendingPathComponent("result.json"))
            progress("\(fold.name): C=\(fit.chosen.c)\(fit.chosen.gamma.map { String(format: " gamma=%.5g", $0) } ?? "") "
                     + String(format: "(validation UA %.1f) test UA %.1f WA %.1f", fit.chosen.validationUA * 100,
                              test.unweightedAccuracy * 100, test.weightedAccuracy * 100), nil)
        }
        return try summaryIfComplete(all)
    }
}
