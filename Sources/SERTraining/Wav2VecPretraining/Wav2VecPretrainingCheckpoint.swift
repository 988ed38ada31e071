import Foundation
import SERModels
import SERTensor

/// What a pretraining run needs to continue exactly where it stopped, besides the model and optimiser tensors.
public struct Wav2VecPretrainingState: Codable, Equatable, Sendable {
    public static let currentFormatVersion = 1
    public var formatVersion = Wav2VecPretrainingState.currentFormatVersion
    /// Updates done.
    public var update = 0
    /// The generator of crops and negatives.
    public var rng: RandomGenerator
    /// Every dropout layer's generator, in module order.
    public var dropoutGenerators: [RandomGenerator] = []
    /// The shuffled order of training files and the position in it.
    public var samplerOrder: [Int] = []
    public var samplerCursor = 0
    /// Training figures accumulated since the last record.
    public var pendingLossSum = 0.0
    public var pendingCorrect = 0
    public var pendingPredictions = 0
    public var pendingUpdates = 0
    public var records: [Wav2VecPretrainingRecord] = []
    public var seconds = 0.0
    public var optimizer: OptimizerScalarState?
    /// The run's configuration and data (checked on resume).
    public var configuration: Wav2VecPretrainingConfiguration
    public var trainingFiles: [String] = []
    public var validationFiles: [String] = []

    public init(rng: RandomGenerator, configuration: Wav2VecPretrainingConfiguration) {
        self.rng = rng
        self.configuration = configuration
    }
}

/// Checkpoints of a pretraining run: a folder with `model.safetensors` (``Wav2VecPretrainingModel/write(to:)``, so it
/// is also a usable model), `optimizer.safetensors` (Adam's moments and step counts) and `state.json`
/// (``Wav2VecPretrainingState``). The folder is written to a temporary sibling and renamed into place (the previous
/// checkpoint survives as `<name>.previous` until the new one is complete), so a kill at any moment leaves one whole
/// checkpoint.
public enum Wav2VecPretrainingCheckpoint {
    static let modelFile = "model.safetensors", optimizerFile = "optimizer.safetensors", stateFile = "state.json"

    public static func save(to folder: URL, model: Wav2VecPretrainingModel, optimizer: Optimizer, state: Wav2VecPretrainingState) throws {
        do {
            try CheckpointFolder.replace(folder) { tmp in
                try model.write(to: tmp.appendingPathComponent(modelFile))
                try Safetensors.write(optimizer.stateDict(), metadata: ["kind": "optimizer"], to: tmp.appendingPathComponent(optimizerFile),
                                      keepFloat64: true)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try AtomicFile.write(try encoder.encode(state), to: tmp.appendingPathComponent(stateFile))
            }
        } catch {
            throw Wav2VecPretrainingError.checkpoint(path: folder.path, reason: "could not be written: \(error)")
        }
    }

    /// Whether `folder` (or its `.previous` fallback) holds a checkpoint.
    public static func exists(at folder: URL) -> Bool {
        CheckpointFolder.readable(folder) != nil
    }

    /// Reads a checkpoint: the model, the optimiser tensors and the state. Falls back to `.previous` when the folder is
    /// missing (a kill between the two renames).
    /// - Throws: ``Wav2VecPretrainingError/checkpoint(path:reason:)`` saying which file is missing, truncated or invalid.
    public static func load(from folder: URL) throws
        -> (model: Wav2VecPretrainingModel, optimizer: [String: Tensor], state: Wav2VecPretrainingState) {
        let fm = FileManager.default
        guard let dir = CheckpointFolder.readable(folder) else {
            throw Wav2VecPretrainingError.checkpoint(path: folder.path, reason: "no checkpoint to resume from")
        }
        func part<T>(_ name: String, _ body: (URL) throws -> T) throws -> T {
            let url = dir.appendingPathComponent(name)
            guard fm.fileExists(atPath: url.path) else {
                throw Wav2VecPretrainingError.checkpoint(path: dir.path, reason: "\(name) is missing (incomplete checkpoint)")
            }
            do { return try body(url) } catch {
                throw Wav2VecPretrainingError.checkpoint(path: dir.path, reason: "\(name) is unreadable, truncated or invalid: \(error)")
            }
        }
        let state = try part(stateFile) { url -> Wav2VecPretrainingState in
            let s = try JSONDecoder().decode(Wav2VecPretrainingState.self, from: Data(contentsOf: url))
            guard s.formatVersion >= 1 && s.formatVersion <= Wav2VecPretrainingState.currentFormatVersion else {
                throw Wav2VecPretrainingError.invalidConfiguration("state format version \(s.formatVersion) (this build reads 1)")
            }
            return s
        }
        let model = try part(modelFile) { try Wav2VecPretrainingModel.read(from: $0) }
        let optimizer = try part(optimizerFile) { try Safetensors.read(from: $0, as: .float32) }
        return (model, optimizer, state)
    }
}
