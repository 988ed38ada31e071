/// What a pretraining run reports while it works (the CLI draws its progress line from these).
public enum Wav2VecPretrainingEvent: Sendable {
    /// The run starts (or resumes) at `update` of `total`.
    case started(update: Int, total: Int, resumed: Bool, parameters: Int)
    /// An update finished: its loss, true-frame accuracy, learning rate and duration in seconds.
    case update(update: Int, total: Int, loss: Double, accuracy: Double, learningRate: Double, seconds: Double)
    /// A validation finished (a history record was appended and the history file rewritten).
    case validated(Wav2VecPretrainingRecord)
    /// A checkpoint was written to `path` after `update` updates.
    case checkpointed(update: Int, path: String)
}

public typealias Wav2VecPretrainingProgress = (Wav2VecPretrainingEvent) -> Void

/// The outcome of ``Wav2VecPretrainer/run(resume:stopAfter:)``.
public struct Wav2VecPretrainingResult {
    /// The model as trained so far (also written to the checkpoint, and to the output file when finished).
    public var model: Wav2VecPretrainingModel
    public var records: [Wav2VecPretrainingRecord]
    /// Updates done.
    public var updates: Int
    /// Whether all ``Wav2VecPretrainingConfiguration/totalUpdates`` are done (false after `stopAfter`).
    public var finished: Bool
}
