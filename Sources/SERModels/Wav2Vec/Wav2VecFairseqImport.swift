import Foundation
import SERTensor

/// What ``Wav2VecModel/importFairseq(from:policy:)`` read from a checkpoint.
public struct FairseqImportReport: Sendable, Equatable {
    /// zip or legacy torch.save format.
    public var format: TorchCheckpoint.Format
    /// Where the architecture came from: `args` (an argparse.Namespace, fairseq 2019), `cfg.model`
    /// (fairseq ≥ 0.10), or none (the checkpoint has neither; wav2vec large was assumed and the weights fitted it).
    public var architectureSource: String
    /// Storage types of the model tensors (e.g. `["HalfStorage"]` for a model saved with --fp16).
    public var storageTypes: [String]
    /// Tensors loaded into the model.
    public var loadedTensors: Int
    /// Checkpoint tensors not needed for features (the prediction head `wav2vec_predictions.*`, `project_features.*`).
    public var ignoredKeys: [String]
    /// Top-level keys of the checkpoint, for information.
    public var topLevelKeys: [String]
}

extension Wav2VecModel {
    /// State-dict prefixes of fairseq parameters that feature extraction does not use.
    public static let ignoredFairseqPrefixes = ["wav2vec_predictions", "project_features"]

    /// Builds a model from a fairseq wav2vec 1.0 checkpoint (`.pt`), reading the file directly (no Python).
    ///
    /// The checkpoint is fairseq's `{'args' | 'cfg', 'model', …}` dict in either torch.save format (see
    /// ``TorchCheckpoint``); the architecture comes from the stored arguments (``Wav2VecConfig/init(fairseqArguments:file:)``),
    /// the weights from `model` (float32, float16 or bfloat16 tensors, converted to float32). Every encoder and
    /// aggregator parameter must be present with the right shape; the prediction head is ignored; any other key is
    /// an error. With the default `.inert` policy, unknown Python classes elsewhere in the file (fairseq's meters,
    /// optimizer state) are skipped without being constructed, but `model`, `args` and `cfg` must contain none.
    /// The model is returned in evaluation mode.
    ///
    /// - Throws: ``TorchCheckpointError`` for unreadable, corrupt or unsupported files; ``StateDictError`` (with
    ///   `file` set) listing missing, unexpected and mis-shaped parameters.
    public static func importFairseq(from url: URL, policy: PickleGlobalPolicy = .inert) throws
        -> (model: Wav2VecModel, report: FairseqImportReport) {
        let checkpoint = try TorchCheckpoint.read(from: url, policy: policy)
        return try importFairseq(checkpoint)
    }

    /// ``importFairseq(from:policy:)`` for an already-read checkpoint.
    public static func importFairseq(_ checkpoint: TorchCheckpoint) throws -> (model: Wav2VecModel, report: FairseqImportReport) {
        let file = checkpoint.file
        guard case .dict(let root) = checkpoint.root else {
            throw TorchCheckpointError.invalidValue(file: file, what: "checkpoint", reason: "a \(checkpoint.root.typeName), not fairseq's dict")
        }
        func requirePlain(_ v: PickleValue, _ what: String) throws {
            if let (global, path) = v.firstInertObject() {
                throw TorchCheckpointError.disallowedGlobal(file: file, part: "\(what)\(path)", global: global)
            }
        }
        guard let modelValue = root["model"], !modelValue.isNone else {
            throw TorchCheckpointError.missing(file: file, what: "'model' (the state dict); top-level keys: \(root.stringKeys.joined(separator: ", "))")
        }
        try requirePlain(modelValue, "'model'")

        // Architecture.
        var config = Wav2VecConfig.large
        var source = "none (wav2vec large assumed)"
        if let args = root["args"], !args.isNone {
            try requirePlain(args, "'args'")
            guard let dict = args.dictionary else {
                throw TorchCheckpointError.invalidValue(file: file, what: "'args'", reason: "a \(args.typeName), expected an argparse.Namespace")
            }
            config = try Wav2VecConfig(fairseqArguments: dict, file: file)
            source = "args"
        } else if let cfg = root["cfg"], !cfg.isNone {
            try requirePlain(cfg, "'cfg'")
            guard case .dict(let dict) = cfg else {
                throw TorchCheckpointError.invalidValue(file: file, what: "'cfg'", reason: "a \(cfg.typeName), expected a dict")
            }
            if let model = dict["model"], case .dict(let section) = model {
                config = try Wav2VecConfig(fairseqArguments: section, file: file)
                source = "cfg.model"
            } else {
                config = try Wav2VecConfig(fairseqArguments: dict, file: file)
                source = "cfg"
            }
        }

        // Weights: shapes are checked against the configuration before the model is allocated.
        guard case .dict(let stateDict) = modelValue else {
            throw TorchCheckpointError.invalidValue(file: file, what: "'model'", reason: "a \(modelValue.typeName), not a state dict")
        }
        var types = Set<String>(), shapes: [String: [Int]] = [:], ignored: [String] = []
        for (k, v) in stateDict.entries {
            guard let name = k.stringValue, case .tensor(let t) = v else { continue }  // stateDict(_:what:) reports these
            types.insert(t.storage.type.rawValue)
            if ignoredFairseqPrefixes.contains(where: { Module.name(name, isUnder: $0) }) { ignored.append(name) } else { shapes[name] = t.shape }
        }
        if let mismatch = config.mismatches(shapes, file: file) { throw mismatch }
        let tensors = try checkpoint.stateDict(modelValue, what: "'model'")
        let kept = tensors.filter { shapes[$0.key] != nil }
        let model = try Wav2VecModel(config, seed: 0)
        do {
            try model.loadStateDict(kept, strict: true)
        } catch var e as StateDictError {
            e.file = file
            throw e
        }
        model.eval()
        let report = FairseqImportReport(format: checkpoint.format, architectureSource: source, storageTypes: types.sorted(),
                                         loadedTensors: kept.count, ignoredKeys: ignored.sorted(), topLevelKeys: root.stringKeys)
        return (model, report)
    }
}
