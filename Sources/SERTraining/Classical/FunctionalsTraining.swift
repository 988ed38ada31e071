import Foundation
import SERFeatures
import SERModels

/// Fits and evaluates a functionals classifier for one part of a run (a fixed split or one fold),
/// and saves it the way every run is saved: `config.json` and `model.safetensors` (the one-file model,
/// ``EmotionModelFile``, whose member is the ``FunctionalsClassifier``; loadable by ``TrainedRun`` and
/// ``EmotionRecognizer``) in the run folder.
public struct FunctionalsTraining {
    public let configuration: TrainingConfiguration
    public let settings: FunctionalsSettings
    public let provider: FunctionalsProvider

    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` for a configuration without ``TrainingConfiguration/functionals``;
    ///   the provider's errors (an unreadable functionals table).
    public init(configuration: TrainingConfiguration, cache: FeatureCache? = nil) throws {
        guard let settings = configuration.functionals else {
            throw TrainingError.invalidConfiguration("not a functionals configuration (model kind \(configuration.modelKind.rawValue))")
        }
        try self.init(configuration: configuration, provider: try Self.provider(for: settings, cache: cache))
    }

    /// Fitting on functionals from `provider` (e.g. ``PrecomputedFunctionals`` shared by the folds of a cross-validation).
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` for a configuration without ``TrainingConfiguration/functionals``.
    public init(configuration: TrainingConfiguration, provider: FunctionalsProvider) throws {
        guard let settings = configuration.functionals else {
            throw TrainingError.invalidConfiguration("not a functionals configuration (model kind \(configuration.modelKind.rawValue))")
        }
        self.configuration = configuration
        self.settings = settings
        self.provider = provider
    }

    /// The source of functionals a configuration names.
    public static func provider(for settings: FunctionalsSettings, cache: FeatureCache?) throws -> FunctionalsProvider {
        switch settings.features {
        case .table: return try FunctionalsTable(file: settings.featuresTable ?? "")
        case .egemaps: return EGeMAPSFunctionalsProvider(cache: cache)
        }
    }

    /// Chooses the hyper-parameters on `validation` and fits on `train`.
    public func fit(train: [Utterance], validation: [Utterance]) throws -> FunctionalsFit {
        try fit(train: try provider.data(train), validation: try provider.data(validation))
    }

    /// The same on functionals already computed.
    public func fit(train: FunctionalsData, validation: FunctionalsData) throws -> FunctionalsFit {
        try FunctionalsFitting.fit(settings, classes: configuration.classes, featureNames: provider.names, featureSet: provider.featureSet,
                                   speakerNormalization: configuration.speakerNormalization, classWeighting: configuration.classWeighting,
                                   seed: configuration.seed, train: train, validation: validation)
    }

    /// The classification report of `classifier` on `data` (predictions: the classifier's own rule;
    /// with speaker standardisation, statistics of each speaker over its rows in `data`).
    public static func evaluate(_ classifier: FunctionalsClassifier, on data: FunctionalsData) throws -> ClassificationReport {
        let predicted = classifier.classify(data.rows, speakers: data.speakers).map(\.predicted)
        return try ClassificationReport(classes: classifier.classes, truth: data.labels, predicted: predicted)
    }

    /// Writes `config.json` and `model.safetensors` (provenance: the chosen `C`, `gamma` and its
    /// `validation_ua`) into `directory`.
    public func save(_ fit: FunctionalsFit, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try writeJSON(configuration, to: directory.appendingPathComponent(TrainedRun.configFile))
        var provenance = ["C": "\(fit.chosen.c)", "validation_ua": "\(fit.chosen.validationUA)"]
        if let g = fit.chosen.gamma { provenance["gamma"] = "\(g)" }
        let description = try configuration.modelDescription(functionals: fit.classifier, provenance: provenance)
        try EmotionModelFile.write(description, members: [FunctionalsClassifierModule(fit.classifier)],
                                   to: directory.appendingPathComponent(TrainedRun.modelFile))
    }

    /// Metadata for a fold result: the chosen C (and γ) and the validation UA of every grid point.
    public static func metadata(_ fit: FunctionalsFit, model: String, seconds: Double) -> [String: String] {
        var m = ["model": model, "C": "\(fit.chosen.c)", "seconds": String(format: "%.1f", seconds),
                 "grid": fit.grid.map { p in "C=\(p.c)" + (p.gamma.map { String(format: " gamma=%.6g", $0) } ?? "") + String(format: ": %.4f", p.validationUA) }
                     .joined(separator: "; ")]
        if let g = fit.chosen.gamma { m["gamma"] = "\(g)" }
        return m
    }
}
