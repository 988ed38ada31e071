import Foundation
import SERTensor

/// Saving and loading a ``Wav2VecModel`` as one safetensors file: the state dict under fairseq's names, and the
/// ``Wav2VecConfig`` as JSON (with its format version) in the file's metadata under ``configMetadataKey``.
extension Wav2VecModel {
    /// The safetensors metadata key holding the configuration JSON.
    public static let configMetadataKey = "swiftser.wav2vec.config"

    /// The configuration as JSON (sorted keys).
    public var configJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain ints, doubles, bools and strings cannot fail.
        return (try? encoder.encode(config)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Writes the weights and configuration to `url` atomically.
    /// - Throws: ``TensorIOError`` when the file cannot be written.
    public func write(to url: URL) throws {
        try save(to: url, metadata: [Wav2VecModel.configMetadataKey: configJSON, "format": "pt"])
    }

    /// Reads a model written by ``write(to:)``, `ser-cli wav2vec import` or ``Wav2VecPretrainingModel/write(to:)``,
    /// in evaluation mode. Tensors of the prediction head and other parts feature extraction does not use
    /// (``ignoredFairseqPrefixes``: `wav2vec_predictions.*`, `project_features.*`) are ignored, as the fairseq import
    /// ignores them.
    /// - Throws: ``TensorIOError`` for an unreadable or malformed safetensors file,
    ///   ``Wav2VecError/invalidModelFile(file:reason:)`` when the configuration is missing, newer than this build,
    ///   or invalid, and ``StateDictError`` listing weights whose names or shapes do not match it.
    public static func read(from url: URL) throws -> Wav2VecModel {
        let (all, config, _) = try readFile(url)
        let tensors = all.filter { entry in !ignoredFairseqPrefixes.contains { Module.name(entry.key, isUnder: $0) } }
        if let mismatch = config.mismatches(tensors.mapValues(\.shape), file: url.path) { throw mismatch }
        let model = try Wav2VecModel(config, seed: 0)
        do {
            try model.loadStateDict(tensors, strict: true)
        } catch var e as StateDictError {
            e.file = url.path
            throw e
        }
        model.eval()
        return model
    }

    /// The tensors, validated configuration and metadata of a saved model file (shared by the readers).
    static func readFile(_ url: URL) throws -> (tensors: [String: Tensor], config: Wav2VecConfig, metadata: [String: String]) {
        let tensors: [String: Tensor], metadata: [String: String]
        do {
            (tensors, metadata) = try Safetensors.readWithMetadata(from: url)
        } catch let error as TensorIOError {
            // A PyTorch checkpoint given where a converted model is expected: say what to do.
            if let head = try? FileHandle(forReadingFrom: url).read(upToCount: 4),
               [UInt8](head) == [0x50, 0x4B, 0x03, 0x04] || [UInt8](head) == [0x80, 0x02, 0x8A, 0x0A] {
                throw Wav2VecError.invalidModelFile(file: url.path, reason: "this is a PyTorch checkpoint, not a SwiftSER model; "
                                                    + "convert it first with `ser-cli wav2vec import` (Wav2VecModel.importFairseq)")
            }
            throw error
        }
        guard let json = metadata[configMetadataKey] else {
            throw Wav2VecError.invalidModelFile(file: url.path, reason: "no '\(configMetadataKey)' entry in the safetensors metadata "
                                                + "(import fairseq checkpoints with `ser-cli wav2vec import`)")
        }
        let config: Wav2VecConfig
        do {
            struct Version: Decodable { var formatVersion: Int }
            let version = try JSONDecoder().decode(Version.self, from: Data(json.utf8)).formatVersion
            guard version >= 1 && version <= Wav2VecConfig.currentFormatVersion else {
                throw Wav2VecError.invalidModelFile(file: url.path, reason: "configuration format version \(version); this build reads 1...\(Wav2VecConfig.currentFormatVersion)")
            }
            config = try JSONDecoder().decode(Wav2VecConfig.self, from: Data(json.utf8))
            try config.validate()
        } catch let e as Wav2VecError {
            if case .invalidModelFile = e { throw e }
            throw Wav2VecError.invalidModelFile(file: url.path, reason: e.description)
        } catch {
            throw Wav2VecError.invalidModelFile(file: url.path, reason: "configuration JSON: \(error)")
        }
        return (tensors, config, metadata)
    }
}
