/// Events a long training run reports (the CLI draws a progress bar from them).
public enum TrainingEvent: Sendable {
    /// Training data loaded: utterances per split.
    case loaded(train: Int, validation: Int, test: Int)
    case resumed(epoch: Int)
    /// Frozen wav2vec features computed (or found) for `done` of `total` utterances, before the first epoch.
    case featureExtraction(done: Int, total: Int)
    case epochStarted(epoch: Int, maxEpochs: Int, steps: Int)
    /// An optimiser step finished with this batch loss.
    case step(epoch: Int, step: Int, steps: Int, loss: Double)
    case epochFinished(EpochRecord, improved: Bool)
    case earlyStop(epoch: Int, bestEpoch: Int)
}

public typealias TrainingProgressHandler = (TrainingEvent) -> Void
