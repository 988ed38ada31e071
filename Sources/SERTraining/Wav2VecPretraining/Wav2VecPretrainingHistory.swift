import Foundation
import SERTensor

/// One validation point of a pretraining run.
public struct Wav2VecPretrainingRecord: Codable, Equatable, Sendable {
    /// Updates done.
    public var update: Int
    /// Learning rate of the last update.
    public var learningRate: Double
    /// Mean training loss and true-frame accuracy over the updates since the previous record.
    public var trainLoss: Double
    public var trainAccuracy: Double
    /// Held-out loss (Σ BCE / number of logits over all fixed validation crops), true-frame accuracy and binary accuracy;
    /// nil without validation files.
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var validationBinaryAccuracy: Double?
    /// Training time so far (seconds, validation included; the wall clock of every session).
    public var seconds: Double
}

/// The history file written at every validation: the configuration, chance level and every record so far.
public struct Wav2VecPretrainingHistory: Codable, Equatable, Sendable {
    public var configuration: Wav2VecPretrainingConfiguration
    /// Accuracy of guessing among the true frame and its negatives: 1 / (negatives + 1).
    public var chanceAccuracy: Double
    public var trainingFiles: Int
    public var validationFiles: Int
    public var records: [Wav2VecPretrainingRecord]

    /// Writes the history as pretty-printed JSON to `url` atomically.
    /// - Throws: ``Wav2VecPretrainingError/output(path:reason:)``.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try AtomicFile.write(try encoder.encode(self), to: url) } catch {
            throw Wav2VecPretrainingError.output(path: url.path, reason: "\(error)")
        }
    }
}
