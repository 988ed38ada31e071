import Foundation
import SERFeatures
import SERModels
import SERTensor

/// A trained model ready for inference, loaded from a run folder written by ``Trainer`` (through
/// ``SplitTraining`` or ``CrossValidationRunner``), as an ``EmotionRecognizer``.
///
/// The folder's `model.safetensors` (the self-describing model file, written since model files exist)
/// is loaded when present. Older folders have only `config.json` (the ``TrainingConfiguration``) and
/// `best.safetensors` (the weights with the best validation UA); they are converted on load: every
/// ``ModelKind`` loads (STRFNet; the wav2vec classifier on log-mel; on frozen wav2vec features, whose
/// run holds the classifier only, so the configured wav2vec model file must still be there and be the
/// same model: its fingerprint is checked; on fine-tuned wav2vec, whose weights hold the whole model).
///
/// A functionals run (`functionals-svm`, `functionals-logreg`) is loaded the same way: its `model.safetensors`
/// has one `functionals` member (older functionals runs hold the classifier alone in `best.safetensors` and are
/// converted on load). A run on precomputed functionals (`--features-csv`) reads them from its table, which
/// must still be where `config.json` says; it classifies the table's files, not audio.
public struct TrainedRun {
    public let directory: URL
    public let configuration: TrainingConfiguration
    /// The recogniser: whole-utterance posteriors (with the run's speaker normalisation), recordings in
    /// windows (a functionals classifier: whole recordings).
    public let recognizer: EmotionRecognizer
    /// The metadata stored with the weights (`epoch`, `validation_ua`, …; the model file's provenance).
    public let metadata: [String: String]

    private init(directory: URL, configuration: TrainingConfiguration, recognizer: EmotionRecognizer,
                 metadata: [String: String]) {
        self.directory = directory
        self.configuration = configuration
        self.recognizer = recognizer
        self.metadata = metadata
    }

    public static let configFile = "config.json"
    public static let weightsFile = "best.safetensors"
    public static let modelFile = EmotionModelFile.fileName

    /// The trained network, in evaluation mode: the ``STRFNet``, the ``Wav2VecClassifier`` on log-mel, or for
    /// wav2vec features the ``Wav2VecEmotionModel`` (wav2vec and classifier); nil for a functionals classifier.
    public var model: Module? {
        recognizer.networks.first.flatMap { $0 is FunctionalsClassifierModule ? nil : $0 }
    }
    /// The classifier of a functionals run (nil for a network).
    public var functionalsClassifier: FunctionalsClassifier? {
        (recognizer.networks.first as? FunctionalsClassifierModule)?.classifier
    }
    /// Whole-utterance posteriors (and frame timelines for models with segment classifiers).
    public var predictor: UtterancePredictor { recognizer }
    /// Whether the model needs pitch-pulse signals.
    public var needsPitchPulses: Bool { recognizer.needsPitchPulses }

    /// Loads the run in `directory`.
    /// - Throws: ``ReportingError`` naming the missing or unreadable file, the configuration's own
    ///   validation error, ``EmotionModelError`` for an unusable `model.safetensors`, or
    ///   ``TrainingError/wav2vecModel(path:reason:)`` for an older frozen-wav2vec run whose model file is
    ///   missing or not the one it was trained with.
    public static func load(from directory: URL) throws -> TrainedRun {
        let fm = FileManager.default
        let configURL = directory.appendingPathComponent(configFile)
        let weightsURL = directory.appendingPathComponent(weightsFile)
        let modelURL = directory.appendingPathComponent(modelFile)
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDir), isDir.boolValue else {
            throw ReportingError.runNotFound(path: directory.path)
        }
        guard fm.fileExists(atPath: configURL.path) else {
            throw ReportingError.missingRunFile(run: directory.path, file: configFile, hint: "is this a training run folder?")
        }
        let configuration = try TrainingConfiguration.read(from: configURL)
        try configuration.validate()
        // A run on a table of functionals reads its table (SwiftSER's own extractor is the model's default).
        let table: FunctionalsProvider? = try configuration.functionals.flatMap { settings in
            settings.features == .table ? try FunctionalsTraining.provider(for: settings, cache: nil) : nil
        }
        if fm.fileExists(atPath: modelURL.path) {
            let recognizer = try EmotionRecognizer(contentsOf: modelURL, functionalsProvider: table)
            guard recognizer.classes == configuration.classes else {
                throw ReportingError.unreadableRunFile(file: modelURL.path, reason: "its classes \(recognizer.classes) are not the run's \(configuration.classes)")
            }
            return TrainedRun(directory: directory, configuration: configuration, recognizer: recognizer,
                              metadata: recognizer.modelDescription.provenance)
        }
        guard fm.fileExists(atPath: weightsURL.path) else {
            // A cross-validation folder holds one run per fold: name them rather than suggesting a resume.
            let folds = ((try? fm.contentsOfDirectory(atPath: directory.path)) ?? []).filter { name in
                [weightsFile, modelFile].contains { fm.fileExists(atPath: directory.appendingPathComponent(name).appendingPathComponent($0).path) }
            }.sorted()
            if !folds.isEmpty {
                let shown = folds.prefix(4).map { directory.appendingPathComponent($0).path }.joined(separator: ", ")
                throw ReportingError.missingRunFile(run: directory.path, file: weightsFile,
                                                    hint: "it is a cross-validation folder with \(folds.count) fold run\(folds.count == 1 ? "" : "s"); "
                                                        + "give one of them: \(shown)\(folds.count > 4 ? ", …" : "")")
            }
            throw ReportingError.missingRunFile(run: directory.path, file: configuration.functionals == nil ? weightsFile : modelFile,
                                                hint: configuration.functionals == nil ? "training has not finished an epoch yet (resume the run)"
                                                    : "the functionals classifier was not saved (train the run again)")
        }
        if configuration.functionals != nil {
            // A functionals run written before model files: the classifier alone in best.safetensors.
            let classifier = try FunctionalsClassifier.load(from: weightsURL)
            let description = try configuration.modelDescription(functionals: classifier)
            let recognizer = try EmotionRecognizer(description: description, networks: [FunctionalsClassifierModule(classifier)],
                                                   source: directory.path, functionalsProvider: table)
            return TrainedRun(directory: directory, configuration: configuration, recognizer: recognizer, metadata: [:])
        }
        let (network, wav2vec, metadata) = try convert(configuration, weights: weightsURL, run: directory)
        let description = try configuration.modelDescription(wav2vec: wav2vec, provenance: metadata)
        let recognizer = try EmotionRecognizer(description: description, networks: [network], source: directory.path)
        return TrainedRun(directory: directory, configuration: configuration, recognizer: recognizer, metadata: metadata)
    }

    /// The network of an older run folder (configuration and `best.safetensors`), the wav2vec configuration of a
    /// classifier on wav2vec features, and the weights' metadata.
    static func convert(_ configuration: TrainingConfiguration, weights weightsURL: URL, run directory: URL) throws
        -> (network: Module, wav2vec: Wav2VecConfig?, metadata: [String: String]) {
        func loadWeights(into module: Module) throws -> [String: String] {
            do { return try module.load(from: weightsURL, strict: true) } catch {
                throw ReportingError.unreadableRunFile(file: weightsURL.path, reason: "\(error)")
            }
        }
        var rng = RandomGenerator(seed: configuration.seed)
        guard let settings = configuration.wav2vecClassifier else {
            let model = try STRFNet(configuration.model, rng: &rng)
            return (model, nil, try loadWeights(into: model))
        }
        let classifier = try Wav2VecClassifier(settings.classifier, rng: &rng)
        switch (settings.input, settings.wav2vec) {
        case (.wav2vec, nil):
            throw TrainingError.invalidConfiguration("wav2vecClassifier: input wav2vec needs 'wav2vec' with the model file")
        case (.logMel, _):
            return (classifier, nil, try loadWeights(into: classifier))
        case (.wav2vec, let v?) where v.fineTuning == .none:
            let metadata = try loadWeights(into: classifier)
            let wav2vec = try v.loadModel()
            if let expected = metadata[Wav2VecRunMetadata.fingerprint] {
                let found = wav2vec.fingerprint()
                if expected != found {
                    throw TrainingError.wav2vecModel(path: v.modelURL.path, reason: "is not the model the run \(directory.path) was trained with "
                                                     + "(weights fingerprint \(found), the run's \(expected))")
                }
            }
            return (try Wav2VecEmotionModel(wav2vec: wav2vec, classifier: classifier, strategy: .none), wav2vec.config, metadata)
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
            return (model, wav2vec.config, metadata)
        }
    }
}
