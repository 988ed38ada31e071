import Foundation
import SERModels
import SERTensor

/// A network that ``Trainer``'s shared epoch loop (batches, loss, Adam, validation on whole
/// utterances, best model, early stopping, checkpoints) can train. One per ``ModelKind`` and input.
protocol TrainableNetwork: AnyObject {
    /// What the optimiser trains: checkpointed every epoch and saved as `best.safetensors`.
    var module: Module { get }
    /// ``module``'s trained parameters in groups with their learning rates (the configured optimiser runs over them).
    func parameterGroups() throws -> [ParameterGroup]
    /// Work before the first epoch on the run's utterances (e.g. computing frozen features once).
    func prepare(_ utterances: [Utterance], progress: TrainingProgressHandler) throws
    /// The same with the training utterances (the sampler's, in its order) and the validation utterances apart
    /// (default: ``prepare(_:progress:)`` of both together).
    func prepare(train: [Utterance], validation: [Utterance], progress: TrainingProgressHandler) throws
    /// The next batch, drawn from `sampler` with `rng` and made into the network's input, with the step that runs
    /// the network on it and gives the class-weighted training loss (the module in training mode). Every use of
    /// `sampler` and `rng` in a step happens here, before the network runs, and nothing here reads what training
    /// changes, so ``Trainer`` can prepare the next step's batch on its loader thread (``BatchLoader``) while the
    /// current one runs, with the same draws in the same order. Under data parallelism (``DataParallelism``) the
    /// whole global batch is drawn (the same random draws on every rank), the network runs on `share`'s items only,
    /// and the loss is that share's part of the global loss (``BatchShare/scaled(_:labels:classWeights:)``).
    func trainingBatch(sampler: inout BatchSampler, rng: inout RandomGenerator, classWeights: Tensor?,
                       share: BatchShare) throws -> PreparedTrainingStep
    /// Whole-utterance posteriors with the current weights.
    var predictor: UtterancePredictor { get }
    /// Strings stored with the best weights besides `epoch` and `validation_ua` (what loading them needs).
    var weightsMetadata: [String: String] { get }
    /// The network stored in the model file (`model.safetensors`), sharing ``module``'s weights: the module
    /// itself, or for frozen wav2vec features the ``Wav2VecEmotionModel`` of the wav2vec model and the classifier.
    var modelFileNetwork: Module { get throws }
    /// The wav2vec configuration of a classifier on wav2vec features (nil otherwise), for the model file.
    var wav2vecConfiguration: Wav2VecConfig? { get }
}

extension TrainableNetwork {
    func prepare(train: [Utterance], validation: [Utterance], progress: TrainingProgressHandler) throws {
        try prepare(train + validation, progress: progress)
    }

    /// ``trainingBatch(sampler:rng:classWeights:share:)`` and its step at once: the loss of the next batch.
    func trainingLoss(sampler: inout BatchSampler, rng: inout RandomGenerator, classWeights: Tensor?, share: BatchShare) throws -> Tensor {
        try trainingBatch(sampler: &sampler, rng: &rng, classWeights: classWeights, share: share).loss()
    }
}

/// A training step whose batch is drawn and made into the network's input: ``loss`` runs the network on it.
struct PreparedTrainingStep {
    let loss: () throws -> Tensor
    init(loss: @escaping () throws -> Tensor) { self.loss = loss }
}
