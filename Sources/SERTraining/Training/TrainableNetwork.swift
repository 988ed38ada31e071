import Foundation
import SERModels
import SERTensor

/// Class posteriors of whole utterances from a network in evaluation mode: what evaluation,
/// validation and prediction need from any trained model (``Predictor`` for STRFNet,
/// ``Wav2VecClassifierPredictor`` for the wav2vec classifier).
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

/// A network that ``Trainer``'s shared epoch loop (batches, loss, Adam, validation on whole
/// utterances, best model, early stopping, checkpoints) can train. One per ``ModelKind`` and input.
protocol TrainableNetwork: AnyObject {
    /// What the optimiser trains: checkpointed every epoch and saved as `best.safetensors`.
    var module: Module { get }
    /// Adam over ``module``'s parameters (groups with their learning rates).
    func makeOptimizer() throws -> Adam
    /// Work before the first epoch on the run's utterances (e.g. computing frozen features once).
    func prepare(_ utterances: [Utterance], progress: TrainingProgressHandler) throws
    /// The class-weighted training loss of the next batch, drawn from `sampler` with `rng` (the module
    /// is in training mode).
    func trainingLoss(sampler: inout BatchSampler, rng: inout RandomGenerator, classWeights: Tensor?) throws -> Tensor
    /// Whole-utterance posteriors with the current weights.
    var predictor: UtterancePredictor { get }
    /// Strings stored with the best weights besides `epoch` and `validation_ua` (what loading them needs).
    var weightsMetadata: [String: String] { get }
}
