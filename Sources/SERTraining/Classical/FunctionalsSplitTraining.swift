import Foundation
import SERModels
import SERFeatures

/// What ``FunctionalsSplitTraining`` produced, saved as `report.json` (and `report.md`).
public struct FunctionalsSplitResult: Codable, Equatable, Sendable {
    public var model: String
    public var classes: [String]
    public var trainUtterances: Int
    public var validationUtterances: Int
    public var testUtterances: Int
    /// Rows left out because their label is not one of the configured classes, by label.
    public var excludedByLabel: [String: Int]
    /// Every hyper-parameter setting tried, with its validation UA, and the chosen one.
    public var grid: [FunctionalsGridPoint]
    public var chosen: FunctionalsGridPoint
    public var validation: ClassificationReport
    public var test: ClassificationReport?

    public var markdown: String {
        var s = "# Training run: \(model)\n\n"
        s += "Classes: \(classes.joined(separator: ", ")). Utterances: \(trainUtterances) train, \(validationUtterances) validation, \(testUtterances) test"
        if !excludedByLabel.isEmpty {
            s += " (left out, label not among the classes: " + excludedByLabel.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
        }
        s += ".\n\nHyper-parameters chosen by validation UA (ties: smaller C); the model is fitted on the training rows.\n\n"
        s += "| C | gamma | validation UA (%) |\n| ---: | ---: | ---: |\n"
        for p in grid {
            s += "| \(p.c) | " + (p.gamma.map { String(format: "%.6g", $0) } ?? "—") + String(format: " | %.2f |", p.validationUA * 100)
            s += p == chosen ? " chosen\n" : "\n"
        }
        if let test { s += "\n## Test\n\n" + test.markdown }
        s += "\n## Validation\n\n" + validation.markdown
        return s
    }
}

/// Fits a functionals classifier on a manifest's fixed split (its `split` column): `train` rows fit,
/// `val` rows choose C (and γ), `test` rows, if any, are evaluated once. The run folder gets
/// `config.json`, `model.safetensors` (the classifier as a one-file model, for `evaluate` and `predict`), `report.json`,
/// `report.md`, `confusion-validation.svg` and, with test rows, `confusion-test.svg`.
public struct FunctionalsSplitTraining {
    public var configuration: TrainingConfiguration
    public var manifest: Manifest
    public var runDirectory: URL
    public var cache: FeatureCache?
    /// Status lines.
    public var message: (String) -> Void = { _ in }

    public init(configuration: TrainingConfiguration, manifest: Manifest, runDirectory: URL, cache: FeatureCache? = nil) {
        self.configuration = configuration
        self.manifest = manifest
        self.runDirectory = runDirectory
        self.cache = cache
    }

    @discardableResult
    public func run() throws -> FunctionalsSplitResult {
        try configuration.validate()
        let training = try FunctionalsTraining(configuration: configuration, cache: cache)
        let (train, validation, test, excluded) = try SplitTraining(configuration: configuration, manifest: manifest, runDirectory: runDirectory).parts()
        message("loading \(train.count + validation.count + test.count) utterances and computing their functionals (\(training.provider.featureSet))")
        func load(_ indices: [Int]) throws -> FunctionalsData {
            try training.provider.data(try UtteranceStore.load(manifest, indices: indices, classes: configuration.classes, pitchPulses: false, cache: cache,
                                                                             trimming: configuration.silenceTrimming))
        }
        let trainData = try load(train), validationData = try load(validation), testData = test.isEmpty ? nil : try load(test)
        let fit = try training.fit(train: trainData, validation: validationData)
        try training.save(fit, to: runDirectory)
        let result = FunctionalsSplitResult(
            model: configuration.modelDescription, classes: configuration.classes, trainUtterances: train.count,
            validationUtterances: validation.count, testUtterances: test.count, excludedByLabel: excluded, grid: fit.grid, chosen: fit.chosen,
            validation: try FunctionalsTraining.evaluate(fit.classifier, on: validationData),
            test: try testData.map { try FunctionalsTraining.evaluate(fit.classifier, on: $0) })
        try ReportFiles.write(try ReportFiles.json(result), to: runDirectory.appendingPathComponent("report.json"))
        try ReportFiles.write(result.markdown, to: runDirectory.appendingPathComponent("report.md"))
        try ReportFiles.write(ConfusionMatrixPlot.svg(result.validation, title: "Validation: \(runDirectory.lastPathComponent)"),
                              to: runDirectory.appendingPathComponent("confusion-validation.svg"))
        if let t = result.test {
            try ReportFiles.write(ConfusionMatrixPlot.svg(t, title: "Test: \(runDirectory.lastPathComponent)"),
                                  to: runDirectory.appendingPathComponent("confusion-test.svg"))
        }
        message("wrote config.json, model.safetensors, report.json, report.md and confusion plots to \(runDirectory.path)")
        return result
    }
}
