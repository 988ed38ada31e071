import Foundation
import SERFeatures
import SERModels
import SERTensor

/// A trained model ready for inference, loaded from a run folder written by ``Trainer`` (through
/// ``SplitTraining`` or ``CrossValidationRunner``): its `config.json` (the ``TrainingConfiguration``)
/// and `best.safetensors` (the weights with the best validation UA).
public struct TrainedRun {
    public let directory: URL
    public let configuration: TrainingConfiguration
    /// The model, in evaluation mode.
    public let model: STRFNet
    public let features: FeatureStack
    /// The metadata stored with the weights (`epoch`, `validation_ua`).
    public let metadata: [String: String]

    public static let configFile = "config.json"
    public static let weightsFile = "best.safetensors"

    /// Loads the run in `directory`.
    /// - Throws: ``ReportingError`` naming the missing or unreadable file, or the configuration's own
    ///   validation error.
    public static func load(from directory: URL) throws -> TrainedRun {
        let fm = FileManager.default
        let configURL = directory.appendingPathComponent(configFile)
        let weightsURL = directory.appendingPathComponent(weightsFile)
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDir), isDir.boolValue else {
            throw ReportingError.runNotFound(path: directory.path)
        }
        guard fm.fileExists(atPath: configURL.path) else {
            throw ReportingError.missingRunFile(run: directory.path, file: configFile, hint: "is this a training run folder?")
        }
        guard fm.fileExists(atPath: weightsURL.path) else {
            throw ReportingError.missingRunFile(run: directory.path, file: weightsFile,
                                                hint: "training has not finished an epoch yet (resume it with --resume)")
        }
        let configuration: TrainingConfiguration
        do {
            configuration = try JSONDecoder().decode(TrainingConfiguration.self, from: Data(contentsOf: configURL))
        } catch {
            throw ReportingError.unreadableRunFile(file: configURL.path, reason: "not a training configuration: \(DecodingErrorText.describe(error))")
        }
        try configuration.validate()
        var rng = RandomGenerator(seed: configuration.seed)
        let model = try STRFNet(configuration.model, rng: &rng)
        let metadata: [String: String]
        do { metadata = try model.load(from: weightsURL, strict: true) } catch {
            throw ReportingError.unreadableRunFile(file: weightsURL.path, reason: "\(error)")
        }
        model.eval()
        let features = try configuration.featureStack()
        return TrainedRun(directory: directory, configuration: configuration, model: model, features: features, metadata: metadata)
    }

    /// A predictor over this run's model.
    public var predictor: Predictor { Predictor(model: model, features: features) }

    /// Whether the model needs pitch-pulse signals.
    public var needsPitchPulses: Bool { features.needsPitchPulses }
}
