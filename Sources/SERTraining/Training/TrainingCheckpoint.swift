import Foundation
import SERModels
import SERTensor

/// What a run needs to continue exactly where it stopped: model and optimiser tensors, and this
/// Codable state (epoch, RNG, sampler position, best metric, history).
public struct TrainingState: Codable, Equatable {
    public var formatVersion = 1
    /// Epochs completed.
    public var epoch = 0
    public var rng: RandomGenerator
    public var samplerOrder: [Int] = []
    public var samplerCursor = 0
    public var bestValidationUA = -1.0
    public var bestEpoch = 0
    public var epochsWithoutImprovement = 0
    public var history: [EpochRecord] = []
    public var optimizerScalars: Data?

    public init(rng: RandomGenerator) { self.rng = rng }
}

/// One epoch's figures.
public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    public var trainLoss: Double
    public var validationUA: Double
    public var validationWA: Double
    public var seconds: Double
}

/// Checkpoints are folders written atomically: everything goes to a fresh temporary folder, which
/// then replaces the old checkpoint by rename (the previous one is kept as `.previous` until the new
/// one is in place, so a kill at any moment leaves one complete checkpoint).
public enum TrainingCheckpoint {
    static let modelFile = "model.safetensors", optimizerFile = "optimizer.safetensors", stateFile = "state.json"

    public static func save(to folder: URL, model: Module, optimizer: [String: Tensor], state: TrainingState) throws {
        do {
            try CheckpointFolder.replace(folder) { tmp in
                try model.save(to: tmp.appendingPathComponent(modelFile), metadata: ["kind": "model"])
                try Safetensors.write(optimizer, metadata: ["kind": "optimizer"], to: tmp.appendingPathComponent(optimizerFile))
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try AtomicFile.write(try encoder.encode(state), to: tmp.appendingPathComponent(stateFile))
            }
        } catch {
            throw TrainingError.checkpoint(path: folder.path, reason: "could not be written: \(error)")
        }
    }

    /// Loads into `model` and returns the optimiser tensors and state. Falls back to `.previous`
    /// when the main folder is missing (a kill between the two renames).
    public static func load(from folder: URL, into model: Module) throws -> (optimizer: [String: Tensor], state: TrainingState) {
        guard let dir = CheckpointFolder.readable(folder) else {
            throw TrainingError.checkpoint(path: folder.path, reason: "no checkpoint to resume from")
        }
        do {
            let data = try Data(contentsOf: dir.appendingPathComponent(stateFile))
            let state = try JSONDecoder().decode(TrainingState.self, from: data)
            guard state.formatVersion == 1 else {
                throw TrainingError.checkpoint(path: dir.path, reason: "unsupported format version \(state.formatVersion)")
            }
            _ = try model.load(from: dir.appendingPathComponent(modelFile), strict: true)
            let optimizer = try Safetensors.read(from: dir.appendingPathComponent(optimizerFile))
            return (optimizer, state)
        } catch let e as TrainingError {
            throw e
        } catch {
            throw TrainingError.checkpoint(path: dir.path, reason: "is unreadable or incomplete: \(error)")
        }
    }
}
