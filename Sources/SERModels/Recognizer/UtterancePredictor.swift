import SERTensor

/// Class posteriors of whole utterances from a network in evaluation mode: what evaluation,
/// validation and prediction need from any trained model (``Predictor`` for STRFNet,
/// ``Wav2VecClassifierPredictor`` for the wav2vec classifier, ``EmotionRecognizer`` for a model file).
public protocol UtterancePredictor {
    /// Softmax posteriors `[utterances][classes]`, in the order given. Each utterance is classified
    /// as a whole (padding in a batch never counts).
    func posteriors(_ utterances: [Utterance]) throws -> [[Double]]
    /// Whether the utterances must carry their pitch-pulse signals.
    var needsPitchPulses: Bool { get }
    /// The per-frame posteriors of one whole recording from the network's segment classifiers (source
    /// `frames`), or nil when the network has none.
    func frameTimeline(_ utterance: Utterance, classes: [String]) throws -> EmotionTimeline?
}

extension UtterancePredictor {
    public func frameTimeline(_ utterance: Utterance, classes: [String]) throws -> EmotionTimeline? { nil }
}
