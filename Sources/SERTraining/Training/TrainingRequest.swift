import Foundation
import SERFeatures
import SERModels

/// Starting points of a run: model sizes (the paper's, or the small fast network of the demo, for any
/// Table 1 feature), or a whole recipe (``TrainingConfiguration/recipe(_:classes:)``).
public enum TrainingPreset: String, Codable, CaseIterable, Sendable {
    /// The paper's STRFNet sizes and §3.2 settings (``TrainingConfiguration/paper(_:classes:)``).
    case paper
    /// The demo's narrower network and shorter schedule (``TrainingConfiguration/demo(classes:)``),
    /// with the feature's input channels and STRF bank.
    case demo
    /// The recipe for speaker-independent use (track I: nothing of the test speaker is used).
    case bestIndependent = "best-independent"
    /// The recipe for when a speaker's unlabelled recordings are at hand (track S: per-speaker normalisation).
    case bestSpeaker = "best-speaker"

    /// Whether the preset is a whole recipe (network, features, ensemble and fusion), not a model size.
    public var isRecipe: Bool { self == .bestIndependent || self == .bestSpeaker }
}

extension TrainingConfiguration {
    /// The configuration of `preset` for one Table 1 feature combination.
    /// A recipe preset ignores `feature` (see ``recipe(_:classes:)``).
    public static func preset(_ preset: TrainingPreset, feature: Table1Feature,
                              classes: [String] = ["neutral", "happy", "sad", "angry"]) -> TrainingConfiguration {
        switch preset {
        case .bestIndependent, .bestSpeaker:
            return .recipe(preset, classes: classes)
        case .paper:
            return .paper(feature, classes: classes)
        case .demo:
            var c = TrainingConfiguration.demo(classes: classes)
            let full = feature.configuration(classes: classes.count)
            c.model.inputChannels = full.inputChannels
            c.model.strfInputs = full.strfInputs
            c.model.convChannels = full.convChannels == 0 ? 0 : c.model.convChannels
            c.model.strfKernels = Swift.min(c.model.strfKernels, 8)
            return c
        }
    }
}

extension TrainingConfiguration {
    /// The paper's wav2vec classifier (Fig. 1) on `input`. `paper`: the paper's sizes (CNN 512 filters,
    /// 5-layer BiLSTM of 256, heads of 512, 2 segment classifiers) and §3.2 schedule; `demo`: a small
    /// network (CNN 64, 2-layer BiLSTM of 64, heads of 64, 2 segment classifiers) with batches of 32,
    /// Adam 1e-3, at most 25 epochs (patience 6), and level normalisation of log-mel input.
    /// Input `wav2vec` reads the frozen features (fine-tuning `none`) of `modelFile`.
    public static func wav2vecClassifier(_ preset: TrainingPreset, input: Wav2VecClassifierSettings.Input,
                                         classes: [String] = ["neutral", "happy", "sad", "angry"],
                                         modelFile: String = "wav2vec_large.safetensors") -> TrainingConfiguration {
        var k = Wav2VecClassifierConfiguration(segmentClassifiers: 2, classes: classes.count)
        let logMel = LogMelConfig.paper(sampleRate: 16000)
        k.inputSize = input == .logMel ? logMel.bandCount : 512
        if preset == .demo {
            k.cnnChannels = 64
            k.lstmLayers = 2
            k.lstmHidden = 64
            k.headHidden = 64
        }
        var c = TrainingConfiguration(wav2vecClassifier: Wav2VecClassifierSettings(
            input: input, classifier: k, wav2vec: input == .wav2vec ? Wav2VecFeatureSettings(modelFile: modelFile) : nil))
        c.classes = classes
        c.logMel = logMel
        if preset == .demo {
            c.batchSize = 32
            c.learningRate = 1e-3
            c.maxEpochs = 25
            c.patience = 6
            c.featureNormalization = input == .logMel ? .level : nil
        }
        return c
    }
}

/// A request for a training configuration as the command line states it: a starting point (a
/// configuration file, or a preset and feature) and single settings on top. Unset fields keep the
/// starting point's value.
///
/// When a run folder already holds a configuration (resuming, or adding folds to a cross-validation),
/// ``configuration(existing:)`` keeps it: only ``maxEpochs`` and ``patience`` may change (to train
/// longer); any other difference is an error, so results in one folder always come from one
/// configuration.
public struct TrainingRequest: Equatable, Sendable {
    public var configFile: URL?
    public var preset: TrainingPreset?
    public var feature: Table1Feature?
    public var classes: [String]?
    public var maxEpochs: Int?
    public var patience: Int?
    public var batchSize: Int?
    public var learningRate: Double?
    public var seed: UInt64?
    public var frequencyWarping: Bool?
    public var specAugment: Bool?
    /// Per-utterance feature normalisation (``TrainingConfiguration/featureNormalization``).
    public var featureNormalization: FeatureNormalization?
    /// Per-speaker standardisation (``TrainingConfiguration/speakerNormalization``).
    public var speakerNormalization: Bool?
    /// The network, when not from a configuration file (nil: STRFNet, or the wav2vec classifier when
    /// ``classifierInput``, ``wav2vecModel`` or ``fineTuning`` is set).
    public var modelKind: ModelKind?
    /// What the wav2vec classifier reads (nil: wav2vec features).
    public var classifierInput: Wav2VecClassifierSettings.Input?
    /// The wav2vec model file of a wav2vec-feature classifier.
    public var wav2vecModel: String?
    /// The fine-tuning strategy of a wav2vec-feature classifier.
    public var fineTuning: FineTuningStrategy?
    /// Precomputed functionals (a CSV, ``FunctionalsSettings/featuresTable``) for the functionals models.
    public var featuresTable: String?
    /// Networks per run (``TrainingConfiguration/ensemble``).
    public var ensemble: Int?
    /// Fusion with a functionals classifier (``TrainingConfiguration/fusion``).
    public var fusion: FusionSettings.Kind?

    public init() {}

    /// The configuration for a new run.
    /// - Throws: ``ReportingError`` for an unreadable configuration file; ``TrainingError`` for an
    ///   invalid result.
    public func configuration() throws -> TrainingConfiguration {
        var c: TrainingConfiguration
        if let configFile {
            c = try TrainingConfiguration.read(from: configFile)
            if preset != nil || feature != nil || modelKind != nil || classifierInput != nil {
                throw TrainingError.invalidConfiguration("--config gives the model; leave out --preset, --feature, --model and --input")
            }
            if let classes, classes != c.classes {
                guard classes.count == c.classes.count else {
                    throw TrainingError.invalidConfiguration("\(configFile.path) has \(c.classes.count) classes; --classes gives \(classes.count)")
                }
                c.classes = classes
            }
        } else {
            let classes = self.classes ?? ["neutral", "happy", "sad", "angry"]
            let wav2vecSetting = classifierInput != nil || wav2vecModel != nil || fineTuning != nil
            if let preset, preset.isRecipe, feature != nil || modelKind != nil || wav2vecSetting {
                throw TrainingError.invalidConfiguration("--preset \(preset.rawValue) is a whole recipe; leave out --feature, --model and the wav2vec options")
            }
            switch modelKind ?? (wav2vecSetting ? .wav2vecClassifier : .strfnet) {
            case .strfnet:
                if classifierInput != nil { throw TrainingError.invalidConfiguration("--input is a setting of --model wav2vec-classifier") }

                c = .preset(preset ?? .paper, feature: feature ?? .spectrogram, classes: classes)
            case .wav2vecClassifier:
                if feature != nil {
                    throw TrainingError.invalidConfiguration("--feature chooses STRFNet inputs; the wav2vec classifier reads --input log-mel or wav2vec")
                }
                c = .wav2vecClassifier(preset ?? .paper, input: classifierInput ?? .wav2vec, classes: classes)
            case .functionalsSVM, .functionalsLogReg:
                if feature != nil || preset != nil || classifierInput != nil {
                    throw TrainingError.invalidConfiguration("--feature, --preset and --input are network settings; --model \(modelKind?.rawValue ?? "") reads utterance functionals")
                }
                c = TrainingConfiguration(functionals: FunctionalsSettings(classifier: modelKind == .functionalsSVM ? .svm : .logisticRegression))
                c.classes = classes
            }
        }
        try apply(to: &c)
        if configFile == nil, wav2vecModel != nil, let v = c.wav2vecClassifier?.wav2vec {
            // A preset's classifier reads as many features as the named model gives.
            c.wav2vecClassifier?.classifier.inputSize = try v.loadModel().config.contextChannels
        }
        try c.validate()
        return c
    }

    /// The configuration for a folder that may already hold one (`existing`). Single settings apply
    /// on top of the starting point when the request names one (a file, preset, feature or classes), else
    /// on top of `existing`; the result must equal `existing` apart from ``maxEpochs`` and ``patience``.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` naming the settings that differ.
    public func configuration(existing: TrainingConfiguration?) throws -> TrainingConfiguration {
        guard let existing else { return try configuration() }
        var requested: TrainingConfiguration
        if hasStartingPoint {
            requested = try configuration()
        } else {
            requested = existing
            try apply(to: &requested)
        }
        var comparable = requested
        comparable.maxEpochs = existing.maxEpochs
        comparable.patience = existing.patience
        guard comparable == existing else {
            throw TrainingError.invalidConfiguration(
                "the folder's config.json differs in \(Self.differences(existing, comparable).joined(separator: ", ")); "
                + "only --epochs and --patience may change when continuing; use a new output folder for other settings")
        }
        try requested.validate()
        return requested
    }

    /// Whether the request names a starting point (configuration file, preset, feature, network or classes).
    var hasStartingPoint: Bool {
        configFile != nil || preset != nil || feature != nil || classes != nil || modelKind != nil || classifierInput != nil
    }

    private func apply(to c: inout TrainingConfiguration) throws {
        if let featuresTable {
            guard var f = c.functionals else { throw TrainingError.invalidConfiguration("--features-csv is a setting of --model functionals-svm or functionals-logreg") }
            f.features = .table
            f.featuresTable = featuresTable
            c.functionals = f
        }
        if wav2vecModel != nil || fineTuning != nil {
            guard var w = c.wav2vecClassifier, w.input == .wav2vec, var v = w.wav2vec else {
                throw TrainingError.invalidConfiguration("--wav2vec-model and --fine-tuning are settings of the wav2vec classifier on wav2vec features")
            }
            if let wav2vecModel { v.modelFile = wav2vecModel }
            if let fineTuning {
                v.fineTuning = fineTuning
                if fineTuning == .none { v.learningRate = nil }
            }
            w.wav2vec = v
            c.wav2vecClassifier = w
        }
        if ensemble != nil || fusion != nil, c.functionals != nil {
            throw TrainingError.invalidConfiguration("--ensemble and --fusion are settings of a network (--model strfnet or wav2vec-classifier)")
        }
        if let ensemble { c.ensemble = ensemble }
        if let fusion, c.fusion?.kind != fusion {
            var settings = FusionSettings()
            settings.kind = fusion
            c.fusion = settings
            if fusion == .late { c.model.utteranceFunctionals = nil }
            c.addEarlyFusionInput()
        }
        if let maxEpochs { c.maxEpochs = maxEpochs }
        if let patience { c.patience = patience }
        if let batchSize { c.batchSize = batchSize }
        if let learningRate { c.learningRate = learningRate }
        if let seed { c.seed = seed }
        if let frequencyWarping { c.frequencyWarping = frequencyWarping }
        if let specAugment { c.specAugment = specAugment ? (c.specAugment ?? SpecAugmentConfig()) : nil }
        if let featureNormalization { c.featureNormalization = featureNormalization }
        if let speakerNormalization { c.speakerNormalization = speakerNormalization }
    }

    /// Top-level keys whose JSON values differ (`model` for any model setting).
    static func differences(_ a: TrainingConfiguration, _ b: TrainingConfiguration) -> [String] {
        func object(_ c: TrainingConfiguration) -> [String: Any] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            guard let data = try? encoder.encode(c),
                  let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
            return o
        }
        let x = object(a), y = object(b)
        let keys = Set(x.keys).union(y.keys).sorted()
        func text(_ v: Any?) -> Data? {
            try? JSONSerialization.data(withJSONObject: ["v": v ?? NSNull()], options: [.sortedKeys, .fragmentsAllowed])
        }
        let diff = keys.filter { text(x[$0]) != text(y[$0]) }
        return diff.isEmpty ? ["settings"] : diff
    }
}

extension TrainingConfiguration {
    /// The configuration saved in `directory/config.json`, or nil when there is none.
    /// - Throws: ``ReportingError/unreadableRunFile(file:reason:)`` for a file that is not a configuration.
    public static func saved(in directory: URL) throws -> TrainingConfiguration? {
        let url = directory.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try read(from: url)
    }
}
