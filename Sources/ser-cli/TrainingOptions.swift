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

    @Option(name: .long, help: ArgumentHelp("Network: strfnet (default) or wav2vec-classifier (the paper's Fig. 1 classifier with segment classifiers); or a classical classifier on utterance functionals: functionals-svm (RBF SVM) or functionals-logreg (multinomial logistic regression).", valueName: "kind"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp("Input of the wav2vec classifier: wav2vec (features of --wav2vec-model, default) or log-mel (30-band frames).", valueName: "input"))
    var input: String?

    @Option(name: .long, help: ArgumentHelp("wav2vec model for --input wav2vec: a file written by `ser-cli wav2vec import`, or a fairseq .pt checkpoint (default wav2vec_large.safetensors).", valueName: "file"))
    var wav2vecModel: String?

    @Option(name: .long, help: ArgumentHelp("wav2vec fine-tuning with --input wav2vec: none (frozen, features computed once; default), all, encoder or context.", valueName: "strategy"))
    var fineTuning: String?

    @Option(name: .customLong("features-csv"), help: ArgumentHelp("With --model functionals-*: precomputed functionals (a CSV with a 'file' column, e.g. from opensmile) instead of SwiftSER's eGeMAPS extractor.", valueName: "file"))
    var featuresCSV: String?

    @Option(name: .long, help: ArgumentHelp("Model size: paper (the paper's sizes, default) or demo (small and fast); or a whole recipe: best-independent (uses nothing of the test speaker) or best-speaker (per-speaker normalisation from each speaker's unlabelled recordings), which take their classes from the manifest's labels unless --classes is given (Docs/Results.md).", valueName: "preset"))
    var preset: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Train N networks (seeds seed, seed+1, …) and average their posteriors; saved as one model file.", valueName: "N"))
    var ensemble: Int?

    @Option(name: .long, help: ArgumentHelp("Fuse the network(s) with eGeMAPS functionals: late (an SVM on them, the weighted mean of posteriors with the weight chosen on the validation speakers) or early (STRFNet only: the utterance's standardised functionals concatenated to the pooled embedding before the MLP).", valueName: "kind"))
    var fusion: String?

    @Option(name: .long, help: ArgumentHelp("Feature combination of the paper's Table 1: \(Table1Feature.allCases.map(\.rawValue).joined(separator: ", ")) (default spectrogram).", valueName: "feature"))
    var feature: String?

    @Option(name: .long, help: ArgumentHelp("Classes in output order, comma-separated (default neutral,happy,sad,angry). Rows with other labels are left out and counted.", valueName: "list"))
    var classes: String?

    @Flag(name: .long, inversion: .prefixedNo, help: "Frequency warping with alpha ~ U[-0.15, 0.15] per training utterance (paper Eq. 1).")
    var warp: Bool?

    @Flag(name: .customLong("specaugment"), inversion: .prefixedNo, help: "SpecAugment (2 frequency and 2 time masks) in training.")
    var specAugment: Bool?

    @Option(name: .long, help: ArgumentHelp("Per-utterance feature normalisation: none, level (removes recording level, keeps spectral shape) or utterance (zero mean, unit variance per band).", valueName: "mode"))
    var normalization: String?

    @Flag(name: .customLong("speaker-normalization"), inversion: .prefixedNo, help: "Standardise features per speaker and band (STRFNet), or each speaker's functionals (functionals models); uses each test speaker's unlabelled utterances.")
    var speakerNormalization: Bool?

    // Numbers are parsed `.unconditional`ly so that a negative value is refused by `validate()` with a
    // message, not taken for an option ("Missing value").
    @Option(name: .long, parsing: .unconditional, help: "Maximum epochs (training stops earlier when validation UA stops improving).")
    var epochs: Int?

    @Option(name: .long, parsing: .unconditional, help: "Epochs without a better validation UA before stopping.")
    var patience: Int?

    @Option(name: .long, parsing: .unconditional, help: "Segments per mini-batch (paper: 64).")
    var batchSize: Int?

    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Adam learning rate (paper: 1e-4).")
    var learningRate: Double?

    @Option(name: .long, parsing: .unconditional, help: "Seed of initialisation, batches and augmentation.")
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("Folder caching pitch-pulse signals and frozen wav2vec features between runs.", valueName: "dir"))
    var cache: String?

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be >= 1") }
        if let patience, patience < 1 { throw ValidationError("--patience must be >= 1") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be >= 1") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) { throw ValidationError("--lr must be positive") }
        if let ensemble, !(1...16).contains(ensemble) { throw ValidationError("--ensemble must be in 1...16") }
        _ = try request()
    }

    /// The request these options state.
    func request() throws -> TrainingRequest {
        var r = TrainingRequest()
        r.configFile = config.map { URL(fileURLWithPath: $0) }
        r.preset = try choice(preset, option: "--preset")
        r.feature = try choice(feature, option: "--feature")
        r.modelKind = try choice(model, option: "--model")
        r.classifierInput = try choice(input, option: "--input")
        r.fineTuning = try choice(fineTuning, option: "--fine-tuning")
        r.wav2vecModel = wav2vecModel
        r.featuresTable = featuresCSV.map { URL(fileURLWithPath: $0).standardizedFileURL.path }   // runs are evaluated from anywhere
        if let classes { r.classes = try ClassSelection.parse(classes: classes, mappings: []).classes }
        r.maxEpochs = epochs
        r.patience = patience
        r.batchSize = batchSize
        r.learningRate = learningRate
        r.seed = seed
        r.frequencyWarping = warp
        r.specAugment = specAugment
        r.featureNormalization = try choice(normalization, option: "--normalization")
        r.speakerNormalization = speakerNormalization
        r.ensemble = ensemble
        r.fusion = try choice(fusion, option: "--fusion")
        return r
    }

    /// ``request()`` for a run on `manifest`: a recipe preset without --classes takes the manifest's labels as
    /// its classes (in natural order), so it runs on any corpus as it stands.
    func request(manifest: Manifest) throws -> TrainingRequest {
        var r = try request()
        if r.configFile == nil, r.classes == nil, r.preset?.isRecipe == true {
            let labels = Array(Set(manifest.entries.map(\.label))).sorted { NaturalOrder.precedes($0, $1) }
            guard labels.count >= 2 else {
                throw ValidationError("--preset \(r.preset?.rawValue ?? ""): the manifest has \(labels.count) label\(labels.count == 1 ? "" : "s") (\(labels.joined(separator: ", "))); at least two classes are needed")
            }
            r.classes = labels
        }
        return r
    }

    /// `value` as one of `T`'s cases, or nil when not given.
    private func choice<T: RawRepresentable & CaseIterable>(_ value: String?, option: String) throws -> T? where T.RawValue == String {
        guard let value else { return nil }
        guard let parsed = T(rawValue: value) else {
            throw ValidationError("\(option) '\(value)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return parsed
    }

    func featureCache() throws -> FeatureCache? {
        try cache.map { try FeatureCache(directory: URL(fileURLWithPath: $0, isDirectory: true)) }
    }
}

/// One-line description of a configuration for the log.
func describe(_ c: TrainingConfiguration) -> String {
    if let f = c.functionals {
        return "model \(c.modelDescription), classes \(c.classes.joined(separator: ",")), C from \(f.cGrid.map { "\($0)" }.joined(separator: ","))"
            + (f.classifier == .svm && f.kernel == .rbf ? ", gamma " + (f.gammaGrid.map { "from " + $0.map { "\($0)" }.joined(separator: ",") } ?? "'scale'") : "")
            + (c.classWeighting ? ", balanced class weights" : "") + (c.speakerNormalization ? ", speaker normalisation" : "")
    }
    var s = "model \(c.modelDescription)"
    if let w = c.wav2vecClassifier {
        let k = w.classifier
        s += " (CNN \(k.cnnChannels), BiLSTM \(k.lstmLayers)×\(k.lstmHidden), \(k.segmentClassifiers) segment classifiers)"
        if let v = w.wav2vec { s += ", wav2vec model \(v.modelFile)" }
    } else if !c.model.strfInputs.isEmpty {
        s += " with STRF bank"
    }
    s += ", classes \(c.classes.joined(separator: ",")), batch \(c.batchSize), lr \(c.learningRate), up to \(c.maxEpochs) epochs (patience \(c.patience)), seed \(c.seed)"
    if c.frequencyWarping { s += ", frequency warping" }
    if c.specAugment != nil { s += ", SpecAugment" }
    if c.normalization != .none { s += ", \(c.normalization.rawValue) normalisation" }
    if c.speakerNormalization { s += ", speaker normalisation" }
    if let f = c.fusion, f.kind == .early {
        s += ", early fusion with eGeMAPS functionals"
    } else if let f = c.fusion {
        let names = f.functionals.map { $0.classifier == .svm ? "an SVM" : "a logistic regression" }
        s += ", fused with \(names.joined(separator: " and ")) on eGeMAPS functionals (network weight from \(f.networkWeights.count) candidates)"
    }
    return s
}

/// Reads a manifest, turning its error into a clean message.
func readManifest(_ path: String) throws -> Manifest {
    try Manifest.read(from: URL(fileURLWithPath: path))
}
