import ArgumentParser
import Foundation
import SERFeatures
import SERModels
import SERTraining

/// Options shared by `train` and `cv`: where the configuration starts (a JSON file, or a preset and a
/// Table 1 feature) and single settings on top. They become a ``TrainingRequest``.
struct TrainingOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Training configuration JSON (a run's config.json); replaces --preset and --feature.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Model size: paper (the paper's STRFNet, default) or demo (small and fast).", valueName: "preset"))
    var preset: String?

    @Option(name: .long, help: ArgumentHelp("Feature combination of the paper's Table 1: \(Table1Feature.allCases.map(\.rawValue).joined(separator: ", ")) (default spectrogram).", valueName: "feature"))
    var feature: String?

    @Option(name: .long, help: ArgumentHelp("Classes in output order, comma-separated (default neutral,happy,sad,angry). Rows with other labels are left out and counted.", valueName: "list"))
    var classes: String?

    @Flag(name: .long, inversion: .prefixedNo, help: "Frequency warping with alpha ~ U[-0.15, 0.15] per training utterance (paper Eq. 1).")
    var warp: Bool?

    @Flag(name: .customLong("specaugment"), inversion: .prefixedNo, help: "SpecAugment (2 frequency and 2 time masks) in training.")
    var specAugment: Bool?

    @Option(name: .long, help: "Maximum epochs (training stops earlier when validation UA stops improving).")
    var epochs: Int?

    @Option(name: .long, help: "Epochs without a better validation UA before stopping.")
    var patience: Int?

    @Option(name: .long, help: "Segments per mini-batch (paper: 64).")
    var batchSize: Int?

    @Option(name: .customLong("lr"), help: "Adam learning rate (paper: 1e-4).")
    var learningRate: Double?

    @Option(name: .long, help: "Seed of initialisation, batches and augmentation.")
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("Folder caching pitch-pulse signals between runs.", valueName: "dir"))
    var cache: String?

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be >= 1") }
        if let patience, patience < 1 { throw ValidationError("--patience must be >= 1") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be >= 1") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) { throw ValidationError("--lr must be positive") }
        _ = try request()
    }

    /// The request these options state.
    func request() throws -> TrainingRequest {
        var r = TrainingRequest()
        r.configFile = config.map { URL(fileURLWithPath: $0) }
        if let preset {
            guard let p = TrainingPreset(rawValue: preset) else {
                throw ValidationError("--preset '\(preset)' is not one of \(TrainingPreset.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            r.preset = p
        }
        if let feature {
            guard let f = Table1Feature(rawValue: feature) else {
                throw ValidationError("--feature '\(feature)' is not one of \(Table1Feature.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            r.feature = f
        }
        if let classes { r.classes = try ClassSelection.parse(classes: classes, mappings: []).classes }
        r.maxEpochs = epochs
        r.patience = patience
        r.batchSize = batchSize
        r.learningRate = learningRate
        r.seed = seed
        r.frequencyWarping = warp
        r.specAugment = specAugment
        return r
    }

    func featureCache() throws -> FeatureCache? {
        try cache.map { try FeatureCache(directory: URL(fileURLWithPath: $0, isDirectory: true)) }
    }
}

/// One-line description of a configuration for the log.
func describe(_ c: TrainingConfiguration) -> String {
    var s = "model \(c.model.inputChannels.joined(separator: "+"))"
    if !c.model.strfInputs.isEmpty { s += " with STRF bank" }
    s += ", classes \(c.classes.joined(separator: ",")), batch \(c.batchSize), lr \(c.learningRate), up to \(c.maxEpochs) epochs (patience \(c.patience)), seed \(c.seed)"
    if c.frequencyWarping { s += ", frequency warping" }
    if c.specAugment != nil { s += ", SpecAugment" }
    return s
}

/// Reads a manifest, turning its error into a clean message.
func readManifest(_ path: String) throws -> Manifest {
    try Manifest.read(from: URL(fileURLWithPath: path))
}
