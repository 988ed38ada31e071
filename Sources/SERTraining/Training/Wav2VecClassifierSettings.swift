import Foundation
import SERFeatures
import SERModels

/// Which network a ``TrainingConfiguration`` trains.
public enum ModelKind: String, Codable, CaseIterable, Sendable {
    /// ``STRFNet`` on stacked log-mel channels (``TrainingConfiguration/model``).
    case strfnet
    /// The paper's wav2vec classifier (Fig. 1, ``Wav2VecClassifier``) on log-mel frames or wav2vec
    /// features (``TrainingConfiguration/wav2vecClassifier``).
    case wav2vecClassifier = "wav2vec-classifier"
    /// A classical SVM on utterance functionals (``TrainingConfiguration/functionals``; not a network).
    case functionalsSVM = "functionals-svm"
    /// Multinomial logistic regression on utterance functionals (``TrainingConfiguration/functionals``).
    case functionalsLogReg = "functionals-logreg"
}

/// The wav2vec classifier of the paper (Fig. 1 with `N_s` segment classifiers, loss Eq. 3) as a
/// training run's network, and what it reads.
///
/// - Input ``Input/logMel``: frames `[batch, time, bands]` of the run's ``TrainingConfiguration/logMel``
///   (the "same classifier on log-mel" baseline); `classifier.inputSize` must equal the band count.
///   Frequency warping, SpecAugment, per-utterance normalisation and random gain apply as for STRFNet.
/// - Input ``Input/wav2vec``: the context features c (100 frames/s) of the wav2vec model in
///   ``wav2vec``; `classifier.inputSize` must equal its context channels (512 for wav2vec large).
///   With fine-tuning ``FineTuningStrategy/none`` the features of every utterance are computed once,
///   without gradients, and training segments are cropped from them (random gain is not applied:
///   wav2vec's first convolution has no bias and is followed by group norm, so its features hardly
///   depend on the level). With the other strategies gradients flow into wav2vec and every batch runs
///   it on the (gain-scaled) audio segments.
public struct Wav2VecClassifierSettings: Codable, Equatable, Sendable {
    /// What the classifier reads.
    public enum Input: String, Codable, CaseIterable, Sendable {
        /// Log-mel frames of ``TrainingConfiguration/logMel``.
        case logMel = "log-mel"
        /// wav2vec context features c of ``Wav2VecClassifierSettings/wav2vec``.
        case wav2vec
    }

    public var input: Input
    /// The classifier's architecture (its `classes` must equal the run's class count).
    public var classifier: Wav2VecClassifierConfiguration
    /// The wav2vec model and how it is trained; required for input `wav2vec`, absent for `log-mel`.
    public var wav2vec: Wav2VecFeatureSettings?

    public init(input: Input, classifier: Wav2VecClassifierConfiguration, wav2vec: Wav2VecFeatureSettings? = nil) {
        self.input = input
        self.classifier = classifier
        self.wav2vec = wav2vec
    }

    /// Seconds between input frames (log-mel hop, or wav2vec's 10 ms), for frame timelines.
    func inputFrameSeconds(logMel: LogMelConfig) -> Double {
        switch input {
        case .logMel: return Double(logMel.hopLength) / logMel.sampleRate
        case .wav2vec: return 0.01
        }
    }
}

/// The wav2vec model a ``Wav2VecClassifierSettings`` reads features from, and its fine-tuning.
public struct Wav2VecFeatureSettings: Codable, Equatable, Sendable {
    /// A model written by SwiftSER (`ser-cli wav2vec import`, safetensors with its configuration) or a
    /// fairseq wav2vec 1.0 checkpoint (`.pt`, imported on the fly). Relative paths are resolved
    /// against the current directory.
    public var modelFile: String
    /// Which wav2vec parts train with the classifier (paper Table 2); `none` freezes wav2vec and
    /// caches its features.
    public var fineTuning: FineTuningStrategy
    /// Adam learning rate of the trained wav2vec parameters (nil: the run's ``TrainingConfiguration/learningRate``).
    public var learningRate: Double?

    public init(modelFile: String, fineTuning: FineTuningStrategy = .none, learningRate: Double? = nil) {
        self.modelFile = modelFile
        self.fineTuning = fineTuning
        self.learningRate = learningRate
    }

    private enum CodingKeys: String, CodingKey { case modelFile, fineTuning, learningRate }

    /// `fineTuning` defaults to `none` when absent.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelFile = try c.decode(String.self, forKey: .modelFile)
        fineTuning = try c.decodeIfPresent(FineTuningStrategy.self, forKey: .fineTuning) ?? .none
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(modelFile, forKey: .modelFile)
        try c.encode(fineTuning, forKey: .fineTuning)
        try c.encodeIfPresent(learningRate, forKey: .learningRate)
    }

    /// The model file as a URL (relative paths against the current directory).
    public var modelURL: URL { URL(fileURLWithPath: modelFile) }
}
