import Foundation
import SERTensor

/// Saving and loading a ``Wav2VecPretrainingModel``: one safetensors file with every tensor under fairseq's names
/// (`feature_extractor.*`, `feature_aggregator.*`, `wav2vec_predictions.project_to_steps.*`), the architecture as
/// JSON under ``Wav2VecModel/configMetadataKey`` (exactly as ``Wav2VecModel/write(to:)`` stores it, so
/// ``Wav2VecModel/read(from:)`` and `ser-cli wav2vec features` read the file and ignore the head), and the
/// objective under ``objectiveMetadataKey``.
extension Wav2VecPretrainingModel {
    /// The safetensors metadata key holding the ``Wav2VecObjective`` JSON.
    public static let objectiveMetadataKey = "swiftser.wav2vec.objective"

    /// The objective as JSON (sorted keys).
    public var objectiveJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(objective)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Writes the weights (head included), configuration and objective to `url` atomically.
    /// - Throws: ``TensorIOError`` when the file cannot be written.
    public func write(to url: URL) throws {
        try save(to: url, metadata: [Wav2VecModel.configMetadataKey: wav2vec.configJSON,
                                     Wav2VecPretrainingModel.objectiveMetadataKey: objectiveJSON, "format": "pt"])
    }

    /// Reads a model written by ``write(to:)`` (in training mode, ready to continue pretraining).
    ///
    /// A file without the objective entry (but with a head) gets the default objective with the head's step count.
    /// - Throws: ``TensorIOError``; ``Wav2VecError/invalidModelFile(file:reason:)`` when the configuration or
    ///   objective is missing or invalid, or the file has no prediction head (a feature-extraction model: start
    ///   from it with ``init(wav2vec:objective:rng:)``); ``StateDictError`` for names or shapes that do not fit.
    public static func read(from url: URL) throws -> Wav2VecPretrainingModel {
        let (tensors, config, metadata) = try Wav2VecModel.readFile(url)
        let weightName = "wav2vec_predictions.project_to_steps.weight"
        guard let head = tensors[weightName] else {
            throw Wav2VecError.invalidModelFile(file: url.path, reason: "no prediction head ('\(weightName)'): this is a "
                + "feature-extraction model; continue pretraining it by attaching a new head")
        }
        var objective = Wav2VecObjective(predictionSteps: head.rank == 4 ? head.shape[3] : 0)
        if let json = metadata[objectiveMetadataKey] {
            do { objective = try JSONDecoder().decode(Wav2VecObjective.self, from: Data(json.utf8)) } catch {
                throw Wav2VecError.invalidModelFile(file: url.path, reason: "objective JSON: \(error)")
            }
        }
        do { try objective.validate() } catch {
            throw Wav2VecError.invalidModelFile(file: url.path, reason: "\(error)")
        }
        let model = try Wav2VecPretrainingModel(config, objective: objective, seed: 0)
        do {
            try model.loadStateDict(tensors, strict: true)
        } catch var e as StateDictError {
            e.file = url.path
            throw e
        }
        return model
    }
}
