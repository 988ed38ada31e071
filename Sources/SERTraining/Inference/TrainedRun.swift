import Foundation
import SERFeatures
import SERModels
import SERTensor

/// A trained model ready for inference, loaded from a run folder written by ``Trainer`` (through
/// ``SplitTraining`` or ``CrossValidationRunner``): its `config.json` (the ``TrainingConfiguration``)
/// and `best.safetensors` (the weights with the best validation UA).
///
/// Every ``ModelKind`` loads: STRFNet; the wav2vec classifier on log-mel; on frozen wav2vec features
/// (the run holds the classifier only, so the configured wav2vec model file must still be there, and
/// must be the same model: its fingerprint is checked); on fine-tuned wav2vec (the run's weights hold
/// the whole model and the wav2vec configuration, so the original file is not needed).
public struct TrainedRun {
    public let directory: URL
    public let configuration: TrainingConfiguration
    /// The trained module, in evaluation mode: the ``STRFNet``, the ``Wav2VecClassifier``, or for
    /// fine-tuned wav2vec the ``Wav2VecEmotionModel``.
    public let model: Module
    /// Whole-utterance posteriors (and frame timelines for models with segment classifiers).
    public let predictor: UtterancePredictor
    /// The metadata stored with the weights (`epoch`, `validation_ua`, and for wav2vec-feature runs the
    /// model's fingerprint or configuration).
    public let metadata: [String: String]

    public static let configFile = "config.json"
    public static let weightsFile = "best.safetensors"

    /// Loads the run in `directory`.
    /// - Throws: ``ReportingError`` naming the missing or unreadable file, the configuration's own
    ///   validation error, or ``TrainingError/wav2vecModel(path:reason:)`` for a frozen-wav2vec run whose
    ///   model file is missing or not the one it was trained with.
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
            // A cross-validation folder holds one run per fold: name them rather than suggesting a resume.
            let folds = ((try? fm.contentsOfDirectory(atPath: directory.path)) ?? []).filter { name in
                fm.fileExists(atPath: directory.appendingPathComponent(name).appendingPathComponent(weightsFile).path)
            }.sorted()
            if !folds.isEmpty {
                let shown = folds.prefix(4).map { directory.appendingPathComponent($0).path }.joined(separator: ", ")
                throw ReportingError.missingRunFile(run: directory.path, file: weightsFile,
                                                    hint: "it is a cross-validation folder with \(folds.count) fold run\(folds.count == 1 ? "" : "s"); "
                                                        + "give one of them: \(shown)\(folds.count > 4 ? ", …" : "")")
            }
            throw ReportingError.missingRunFile(run: directory.path, file: weightsFile,
                                                hint: "training has not finished an epoch yet (resume it with --resume)")
        }
        let configuration = try TrainingConfiguration.read(from: configURL)
        try configuration.validate()
        func loadWeights(into module: Module) throws -> [String: String] {
            do { return try module.load(from: weightsURL, strict: true) } catch {
                throw ReportingError.unreadableRunFile(file: weightsURL.path, reason: "\(error)")
            }
        }
        var rng = RandomGenerator(seed: configuration.seed)
        guard let settings = configuration.wav2vecClassifier else {
            let model = try STRFNet(configuration.model, rng: &rng)
            let metadata = try loadWeights(into: model)
            model.eval()
            let features = try configuration.featureStack()
            return TrainedRun(directory: directory, configuration: configuration, model: model,
                              predictor: Predictor(model: model, features: features, speakerNormalization: configuration.speakerNormalization),
                              metadata: metadata)
        }
        let classifier = try Wav2VecClassifier(settings.classifier, rng: &rng)
        let normalize = configuration.normalization == .utterance
        switch (settings.input, settings.wav2vec) {
        case (.wav2vec, nil):
            throw TrainingError.invalidConfiguration("wav2vecClassifier: input wav2vec needs 'wav2vec' with the model file")
        case (.logMel, _):
            let metadata = try loadWeights(into: classifier)
            classifier.eval()
            let features = try configuration.featureStack()
            return TrainedRun(directory: directory, configuration: configuration, model: classifier,
                              predictor: Wav2VecClassifierPredictor(classifier: classifier, frames: .logMel(features)), metadata: metadata)
        case (.wav2vec, let v?) where v.fineTuning == .none:
            let metadata = try loadWeights(into: classifier)
            classifier.eval()
            let store = Wav2VecFeatureStore(model: try v.loadModel(), memoize: false)
            if let expected = metadata[Wav2VecRunMetadata.fingerprint], expected != store.fingerprint {
                throw TrainingError.wav2vecModel(path: v.modelURL.path, reason: "is not the model the run \(directory.path) was trained with "
                                                 + "(weights fingerprint \(store.fingerprint), the run's \(expected))")
            }
            return TrainedRun(directory: directory, configuration: configuration, model: classifier,
                              predictor: Wav2VecClassifierPredictor(classifier: classifier, frames: .wav2vec(store, utteranceNormalization: normalize)),
                              metadata: metadata)
        case (.wav2vec, let v?):
            // The weights hold the whole wav2vec + classifier model, and the wav2vec configuration.
            let tensors: [String: Tensor], metadata: [String: String]
            do { (tensors, metadata) = try Safetensors.readWithMetadata(from: weightsURL) } catch {
                throw ReportingError.unreadableRunFile(file: weightsURL.path, reason: "\(error)")
            }
            let wav2vec: Wav2VecModel
            if let json = metadata[Wav2VecModel.configMetadataKey] {
                do {
                    wav2vec = try Wav2VecModel(try JSONDecoder().decode(Wav2VecConfig.self, from: Data(json.utf8)), seed: 0)
                } catch {
                    throw ReportingError.unreadableRunFile(file: weightsURL.path, reason: "wav2vec configuration in the metadata: \(error)")
                }
            } else {
                wav2vec = try v.loadModel()
            }
            let model = try Wav2VecEmotionModel(wav2vec: wav2vec, classifier: classifier, strategy: v.fineTuning)
            do { try model.loadStateDict(tensors, strict: true) } catch {
                throw ReportingError.unreadableRunFile(file: weightsURL.path, reason: "\(error)")
            }
            model.eval()
            let store = Wav2VecFeatureStore(model: wav2vec, memoize: false)
            return TrainedRun(directory: directory, configuration: configuration, model: model,
                              predictor: Wav2VecClassifierPredictor(classifier: classifier, frames: .wav2vec(store, utteranceNormalization: normalize)),
                              metadata: metadata)
        }
    }

    /// Whether the model needs pitch-pulse signals.
    public var needsPitchPulses: Bool { predictor.needsPitchPulses }
}
