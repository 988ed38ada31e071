import Foundation
import SERAudio
import SERFeatures
import SERModels

/// Everything that defines a training run (paper §3.2), saved as `config.json` next to its results.
///
/// Defaults follow the paper: batches of 64 random 3 s segments, random gain over a 40 dB span,
/// class weights inversely proportional to the class counts, Adam at 1e-4; frequency warping with
/// α ~ U[−0.15, 0.15] per utterance and SpecAugment are options.
///
/// The network is an ``STRFNet`` (``model``; the default, and the only kind of older configuration
/// files) or, when ``wav2vecClassifier`` is set, the paper's wav2vec classifier on log-mel frames or
/// wav2vec features (``modelKind``). JSON: see `TrainingConfiguration+Codable.swift`.
public struct TrainingConfiguration: Equatable, Sendable {
    public var formatVersion = 1
    /// Class names, in output order.
    public var classes: [String] = ["neutral", "happy", "sad", "angry"]
    /// The STRFNet (its input channels decide the features). Unused, and not written to JSON, when
    /// ``wav2vecClassifier`` is set.
    public var model: STRFNetConfiguration
    /// The wav2vec classifier trained instead of the STRFNet (nil: the STRFNet ``model``).
    public var wav2vecClassifier: Wav2VecClassifierSettings?
    /// A classical classifier on utterance functionals instead of a network (``FunctionalsSettings``;
    /// ``model`` then holds an unused placeholder, and the epoch settings are unused).
    public var functionals: FunctionalsSettings?
    /// Log-mel settings (paper: 16 kHz, 25 ms / 10 ms, 30 bands).
    public var logMel: LogMelConfig = .paper(sampleRate: 16000)
    /// Per-utterance mean and variance normalisation of the features (per channel and band, over
    /// real frames). Not in the paper; it makes the model insensitive to recording level. Kept for
    /// configurations written before ``featureNormalization``, which replaces it when set.
    public var utteranceNormalization = false
    /// Per-utterance feature normalisation (see ``FeatureNormalization``); nil: ``utteranceNormalization``
    /// decides (`true` = `.utterance`, `false` = `.none`).
    public var featureNormalization: FeatureNormalization?
    /// Standardise features per speaker and band (``SpeakerNormalization``; STRFNet only), after the
    /// per-utterance normalisation. Not in the paper. Uses each test speaker's unlabelled utterances;
    /// `ser-cli predict` treats every file as its own speaker.
    public var speakerNormalization = false
    /// Segment length for training batches, seconds.
    public var segmentSeconds = 3.0
    public var batchSize = 64
    /// Random gain drawn uniformly from `[−gainSpanDB, 0]` dB per segment; 0 disables it.
    public var gainSpanDB = 40.0
    /// Frequency warping (paper Eq. 1) with α ~ U[−warpRange, warpRange] per utterance.
    public var frequencyWarping = false
    public var warpRange = 0.15
    /// SpecAugment in training (nil: off).
    public var specAugment: SpecAugmentConfig?
    public var learningRate = 1e-4
    /// The optimiser (nil: Adam with PyTorch's defaults, the paper's) at ``learningRate``.
    public var optimizer: OptimizerSettings?
    /// The learning-rate schedule over optimiser steps (nil: constant, the paper's).
    public var schedule: LearningRateSchedule?
    /// Weight each class's loss by `N / (C · N_c)` (inverse class frequency).
    public var classWeighting = true
    /// Upper limit on epochs; training stops earlier when validation UA has not improved for
    /// `patience` epochs.
    public var maxEpochs = 60
    public var patience = 10
    /// Optimiser steps per epoch; nil means one pass worth of segments (⌈train utterances / batch⌉).
    public var stepsPerEpoch: Int?
    /// Global-norm gradient clipping (nil: off).
    public var gradientClipNorm: Double? = 5
    public var seed: UInt64 = 1
    /// Networks trained per run with seeds `seed`, `seed + 1`, …; their posteriors are averaged and
    /// they are saved as the members of one model file. 1: a single network.
    public var ensemble = 1
    /// Late fusion of the network(s) with a functionals classifier (nil: the network alone).
    public var fusion: FusionSettings?
    /// Leading and trailing silence removed from every recording before anything else (nil: kept), in training
    /// and, through the model file, in prediction (``SilenceTrimming``, librosa's `effects.trim`).
    public var silenceTrimming: SilenceTrimming?

    public init(model: STRFNetConfiguration) {
        self.model = model
    }

    /// A run that trains the wav2vec classifier (``model`` holds an unused placeholder).
    public init(wav2vecClassifier: Wav2VecClassifierSettings) {
        self.model = Self.unusedModel(classes: wav2vecClassifier.classifier.classes)
        self.wav2vecClassifier = wav2vecClassifier
    }

    /// A run that fits a classical classifier on utterance functionals.
    public init(functionals: FunctionalsSettings) {
        self.model = Self.unusedModel(classes: 4)
        self.functionals = functionals
    }

    /// The network this configuration trains.
    public var modelKind: ModelKind {
        if let f = functionals { return f.classifier == .svm ? .functionalsSVM : .functionalsLogReg }
        return wav2vecClassifier == nil ? .strfnet : .wav2vecClassifier
    }

    /// A short name of the network and its input: the STRFNet's input channels joined by `+`
    /// (e.g. `spectrogram+pitchpulse`), or `wav2vec-classifier on log-mel` / `wav2vec-classifier on
    /// wav2vec (fine-tuning none)`.
    public var modelDescription: String {
        if let f = functionals {
            return modelKind.rawValue + (f.classifier == .svm ? " (\(f.kernel.rawValue))" : "") + " on " + (f.features == .egemaps ? "eGeMAPS functionals" : "functionals of \(f.featuresTable ?? "")")
        }
        var network: String
        if let w = wavClassifierName { network = w } else { network = model.inputChannels.joined(separator: "+") }
        if ensemble > 1 { network += " (ensemble of \(ensemble))" }
        if let f = fusion {
            network += f.kind == .early ? ", early fusion with eGeMAPS functionals"
                : ", late fusion with \(f.functionals.map { $0.classifier == .svm ? "functionals-svm" : "functionals-logreg" }.joined(separator: "+"))"
        }
        return network
    }

    private var wavClassifierName: String? {
        guard let w = wav2vecClassifier else { return nil }
        switch w.input {
        case .logMel: return "wav2vec-classifier on log-mel"
        case .wav2vec: return "wav2vec-classifier on wav2vec (fine-tuning \(w.wav2vec?.fineTuning.rawValue ?? "none"))"
        }
    }

    /// Whether a run trains more than one network, or fuses with a functionals classifier
    /// (``ensemble`` > 1 or late ``fusion``); such runs are trained by ``CombinedTraining``.
    public var isCombined: Bool { ensemble > 1 || fusion?.kind == .late }

    /// Whether the network reads utterance functionals (early ``fusion``).
    public var isEarlyFusion: Bool { fusion?.kind == .early }

    /// The configuration of ensemble member `index` (0-based): this one with seed `seed + index`, one network
    /// and no late fusion (an early fusion is part of the network and stays).
    public func member(_ index: Int) -> TrainingConfiguration {
        var c = self
        c.seed = seed &+ UInt64(index)
        c.ensemble = 1
        if !isEarlyFusion { c.fusion = nil }
        return c
    }

    /// With early fusion, gives the STRFNet its utterance input (SwiftSER's 88 eGeMAPS functionals) unless the
    /// configuration already states it; called after decoding and after `--fusion early`.
    mutating func addEarlyFusionInput() {
        guard isEarlyFusion, wav2vecClassifier == nil, functionals == nil, model.utteranceFunctionals == nil else { return }
        model.utteranceFunctionals = .egemaps
    }

    /// Where a fusion (late or early) reads its utterance functionals: SwiftSER's eGeMAPS (``validate()`` refuses a
    /// table), with `cache`; nil without fusion.
    public func fusionFunctionalsProvider(cache: FeatureCache?) -> FunctionalsProvider? {
        fusion == nil ? nil : EGeMAPSFunctionalsProvider(cache: cache)
    }

    /// The functionals configurations of a late fusion's classifiers, in order: their settings, with this
    /// configuration's classes, speaker normalisation, class weighting and seed (empty without late ``fusion``).
    public var fusionFunctionals: [TrainingConfiguration] {
        (fusion?.kind == .late ? fusion?.functionals ?? [] : []).map { settings in
            var c = TrainingConfiguration(functionals: settings)
            c.classes = classes
            c.speakerNormalization = speakerNormalization
            c.classWeighting = classWeighting
            c.seed = seed
            return c
        }
    }

    /// The placeholder ``model`` of wav2vec-classifier configurations.
    static func unusedModel(classes: Int) -> STRFNetConfiguration { Table1Feature.spectrogram.configuration(classes: classes) }

    /// Equal when they train the same thing: every setting is compared, except ``model`` when the
    /// network is the wav2vec classifier (it is unused then). Compares the JSON forms, which hold
    /// exactly the settings that matter.
    public static func == (a: TrainingConfiguration, b: TrainingConfiguration) -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let x = try? encoder.encode(a), let y = try? encoder.encode(b) else { return false }
        return x == y
    }

    /// The paper's setting for one Table 1 row.
    public static func paper(_ feature: Table1Feature, classes: [String] = ["neutral", "happy", "sad", "angry"]) -> TrainingConfiguration {
        var c = TrainingConfiguration(model: feature.configuration(classes: classes.count))
        c.classes = classes
        return c
    }

    /// A small, fast configuration (narrower network, fewer epochs) for the built-in demo and tests,
    /// with level and speaker normalisation of the features.
    public static func demo(classes: [String] = ["neutral", "happy", "sad", "angry"]) -> TrainingConfiguration {
        var c = TrainingConfiguration(model: smallSpectrogramNetwork(classes: classes.count))
        c.classes = classes
        c.batchSize = 32
        c.learningRate = 2e-3
        c.maxEpochs = 12
        c.patience = 4
        c.segmentSeconds = 2.5
        c.featureNormalization = .level
        c.speakerNormalization = true
        return c
    }

    /// The small STRFNet of the demo and the recipe presets on the log-mel spectrogram: 16 conv channels, one residual
    /// stage of 16, embedding 64, GRU 48, attention 32, MLP 48 (the paper's sizes: 64, two stages of 32, 256, 256, 256, 256).
    public static func smallSpectrogramNetwork(classes: Int) -> STRFNetConfiguration {
        var m = Table1Feature.spectrogram.configuration(classes: classes)
        m.convChannels = 16
        m.residualChannels = [16]
        m.embeddingSize = 64
        m.gruHidden = 48
        m.attentionHidden = 32
        m.mlpHidden = [48]
        return m
    }

    /// The feature normalisation in effect.
    public var normalization: FeatureNormalization {
        featureNormalization ?? (utteranceNormalization ? .utterance : .none)
    }

    /// The feature stack of this configuration (channels, log-mel settings, normalisation); the same
    /// for training, evaluation and prediction.
    public func featureStack() throws -> FeatureStack {
        let channels = try featureChannels()
        guard !channels.isEmpty else { throw TrainingError.invalidConfiguration("this model reads no log-mel features (wav2vec input)") }
        return try FeatureStack(channels: channels, logMel: logMel, normalization: normalization)
    }

    /// The feature channels the network reads from the audio: the STRFNet's input channels, or the
    /// log-mel spectrogram for the wav2vec classifier on log-mel (none for wav2vec features).
    public func featureChannels() throws -> [FeatureChannel] {
        if functionals != nil { return [] }
        if let w = wav2vecClassifier { return w.input == .logMel ? [.spectrogram] : [] }
        return try model.inputChannels.map { name in
            guard let c = FeatureChannel(rawValue: name) else {
                throw TrainingError.invalidConfiguration("unknown feature channel '\(name)'; known: \(FeatureChannel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return c
        }
    }

    public func validate() throws {
        func fail(_ m: String) -> TrainingError { .invalidConfiguration(m) }
        if classes.count < 2 { throw fail("at least two classes are needed") }
        if Set(classes).count != classes.count { throw fail("class names must be distinct") }
        if let t = silenceTrimming {
            do { try t.validate() } catch AudioError.invalidArgument(let m) { throw fail(m) }
        }
        if let f = functionals {
            if wav2vecClassifier != nil { throw fail("a configuration trains either functionals or the wav2vec classifier") }
            if formatVersion != 1 { throw fail("unsupported format version \(formatVersion)") }
            if ensemble != 1 || fusion != nil { throw fail("ensemble and fusion are settings of a network (strfnet or wav2vec-classifier)") }
            try f.validate()
            return
        }
        if !(1...16).contains(ensemble) { throw fail("ensemble must be in 1...16 networks") }
        if let fusion {
            try fusion.validate()
            if fusion.functionals.contains(where: { $0.features == .table }) { throw fail("fusion: functionals must be computed from the audio (features 'egemaps'), not read from a table") }
            if fusion.kind == .early, wav2vecClassifier != nil {
                throw fail("fusion: early fusion is built for STRFNet (--model strfnet); the wav2vec classifier fuses late (--fusion late)")
            }
        }
        if wav2vecClassifier == nil {
            let expected: UtteranceFunctionalsInput? = isEarlyFusion ? .egemaps : nil
            if model.utteranceFunctionals != expected {
                throw fail(isEarlyFusion ? "early fusion: model.utteranceFunctionals must be {\"featureSet\": \"\(expected?.featureSet ?? "")\", \"count\": \(expected?.count ?? 0)} (or left out)"
                           : "model.utteranceFunctionals is the input of early fusion; add \"fusion\": {\"kind\": \"early\"} or remove it")
            }
        }
        if wav2vecClassifier == nil {
            if model.classes != classes.count { throw fail("the model has \(model.classes) outputs for \(classes.count) classes") }
            if model.frequencyBins != logMel.bandCount { throw fail("the model expects \(model.frequencyBins) bands, log-mel gives \(logMel.bandCount)") }
        }
        if !(segmentSeconds > 0.3 && segmentSeconds <= 30) { throw fail("segmentSeconds must be in (0.3, 30]") }
        if batchSize < 1 { throw fail("batchSize must be >= 1") }
        if !(gainSpanDB >= 0 && gainSpanDB <= 120) { throw fail("gainSpanDB must be in [0, 120]") }
        if !(warpRange >= 0 && warpRange < 1) { throw fail("warpRange must be in [0, 1)") }
        if !(learningRate > 0 && learningRate.isFinite) { throw fail("learningRate must be positive") }
        if let o = optimizer {
            if !(o.weightDecay >= 0 && o.weightDecay.isFinite) { throw fail("optimizer.weightDecay must be >= 0") }
            if !(o.beta1 >= 0 && o.beta1 < 1 && o.beta2 >= 0 && o.beta2 < 1) { throw fail("optimizer.beta1 and beta2 must be in [0, 1)") }
            if !(o.eps >= 0 && o.momentum >= 0) { throw fail("optimizer.eps and momentum must be >= 0") }
            if o.nesterov && o.momentum <= 0 { throw fail("optimizer.nesterov needs momentum > 0") }
        }
        if let s = schedule {
            do { try s.validate() } catch { throw fail("schedule: \(error)") }
        }
        if maxEpochs < 1 || patience < 1 { throw fail("maxEpochs and patience must be >= 1") }
        if let s = stepsPerEpoch, s < 1 { throw fail("stepsPerEpoch must be >= 1") }
        if formatVersion != 1 { throw fail("unsupported format version \(formatVersion)") }
        if let w = wav2vecClassifier {
            if speakerNormalization { throw fail("speakerNormalization is available for STRFNet only") }
            try logMel.validate()
            if let sa = specAugment { try sa.validate() }
            try validate(w)
        } else {
            try model.validate()
            try logMel.validate()
            _ = try featureChannels()
            if let sa = specAugment { try sa.validate() }
        }
    }

    private func validate(_ w: Wav2VecClassifierSettings) throws {
        func fail(_ m: String) -> TrainingError { .invalidConfiguration("wav2vecClassifier: \(m)") }
        let c = w.classifier
        do { try c.validate() } catch { throw fail("\(error)") }
        if c.classes != classes.count { throw fail("the classifier has \(c.classes) outputs for \(classes.count) classes") }
        // Training segments must give the CNN block at least one output frame.
        let segmentFrames: Int
        switch w.input {
        case .logMel:
            if w.wav2vec != nil { throw fail("input log-mel takes no wav2vec model; remove 'wav2vec' or use input 'wav2vec'") }
            if c.inputSize != logMel.bandCount { throw fail("classifier.inputSize is \(c.inputSize), log-mel gives \(logMel.bandCount) bands") }
            segmentFrames = Int(segmentSeconds * logMel.sampleRate) / logMel.hopLength
        case .wav2vec:
            guard let v = w.wav2vec else { throw fail("input wav2vec needs 'wav2vec': {\"modelFile\": …, \"fineTuning\": \"none\"}") }
            if v.modelFile.isEmpty { throw fail("wav2vec.modelFile is empty") }
            if normalization == .level {
                throw fail("featureNormalization 'level' applies to log-mel only; use 'utterance' or 'none' for wav2vec features")
            }
            if let lr = v.learningRate, !(lr > 0 && lr.isFinite) { throw fail("wav2vec.learningRate must be positive") }
            if v.learningRate != nil && v.fineTuning == .none { throw fail("wav2vec.learningRate needs a fineTuning strategy other than none") }
            if frequencyWarping { throw fail("frequencyWarping applies to log-mel features only") }
            if specAugment != nil { throw fail("specAugment applies to log-mel features only") }
            segmentFrames = Int(segmentSeconds * 100)
        }
        if segmentFrames < c.minimumInputFrames {
            throw fail("segments of \(segmentSeconds) s (\(segmentFrames) frames) are shorter than the CNN block's receptive field (\(c.minimumInputFrames) frames)")
        }
    }
}

/// Errors of the training layer; each names the file, utterance or setting concerned.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case invalidConfiguration(String)
    case emptySplit(String)
    case unknownLabel(label: String, path: String)
    case audio(path: String, reason: String)
    case checkpoint(path: String, reason: String)
    case nonFiniteLoss(epoch: Int, step: Int)
    /// The wav2vec model file of a configuration cannot be used.
    case wav2vecModel(path: String, reason: String)
    /// The model gave NaN or infinite posteriors for this input (never reported as a prediction).
    case nonFinitePosteriors(path: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let m): return "invalid training configuration: \(m)"
        case .emptySplit(let m): return "empty data split: \(m)"
        case let .unknownLabel(label, path): return "\(path): label '\(label)' is not one of the configured classes"
        case let .audio(path, reason): return "\(path): \(reason)"
        case let .checkpoint(path, reason): return "checkpoint \(path): \(reason)"
        case let .wav2vecModel(path, reason): return "wav2vec model \(path): \(reason)"
        case let .nonFinitePosteriors(path):
            return "\(path): the model gave NaN or infinite posteriors; its weights are damaged (restore or retrain the run) or the input is extreme"
        case let .nonFiniteLoss(epoch, step): return "the training loss became NaN or infinite at epoch \(epoch), step \(step); lower the learning rate or enable gradient clipping"
        }
    }
}
