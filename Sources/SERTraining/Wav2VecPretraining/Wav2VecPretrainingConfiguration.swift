import Foundation
import SERModels

/// Everything a wav2vec 1.0 pretraining run is configured by, as JSON (`ser-cli wav2vec pretrain --config FILE`).
///
/// Decoding fills absent keys from the ``tiny`` preset (or from the preset named by `"preset"`), so a file may set
/// only what it changes, e.g. `{"preset": "small", "totalUpdates": 5000}`. Units: learning rates per update,
/// durations in seconds of 16 kHz audio, intervals in updates.
public struct Wav2VecPretrainingConfiguration: Codable, Equatable, Sendable {
    public static let currentFormatVersion = 1
    /// Names accepted by ``preset(_:)``.
    public static let presetNames = ["tiny", "small", "base", "large"]

    public var formatVersion = Wav2VecPretrainingConfiguration.currentFormatVersion
    /// The preset the defaults came from (informational; decoding uses it for absent keys).
    public var preset: String?
    /// The architecture (encoder and context network).
    public var model: Wav2VecConfig
    /// Prediction steps, negatives, offset.
    public var objective: Wav2VecObjective

    // Optimisation (Adam, fairseq's cosine schedule: ``FairseqCosineLR``).
    /// Peak learning rate, reached at the end of the warm-up (fairseq `--max-lr`).
    public var learningRate: Double
    /// Learning rate of the first update (fairseq `--warmup-init-lr`).
    public var warmupInitLearningRate: Double
    /// Floor of the cosine (fairseq 2019 `--lr`).
    public var minLearningRate: Double
    public var warmupUpdates: Int
    /// Updates of the whole run (fairseq `--max-update`); the cosine ends here.
    public var totalUpdates: Int
    public var adamBeta1: Double
    public var adamBeta2: Double
    public var adamEpsilon: Double
    public var weightDecay: Double
    /// Global L2 norm the gradients are clipped to (fairseq 2019 `--clip-norm`, default 25); 0 = off.
    public var gradientClipNorm: Double

    // Data.
    /// Utterances (random crops) per update.
    public var batchSize: Int
    /// Longest crop (fairseq `--max-sample-size`, 150,000 samples = 9.375 s for wav2vec large). Each batch is cropped
    /// to min(this, its shortest file) at a random offset per file.
    public var cropSeconds: Double
    /// Fraction of the files held out for validation (deterministic given ``seed``); 0 = none.
    public var validationFraction: Double
    /// At most this many validation files.
    public var maxValidationFiles: Int
    /// Length of the one fixed crop per validation file (shorter files are used whole); nil = ``cropSeconds``.
    public var validationCropSeconds: Double?
    /// Updates between validations (and history entries).
    public var validationInterval: Int
    /// Updates between checkpoints.
    public var checkpointInterval: Int
    /// Seeds the initial weights, the split, the crops and the negatives.
    public var seed: UInt64

    /// The ``preset(_:)`` names' settings; `tiny` by default.
    public init(preset name: String = "tiny") throws {
        guard let p = Wav2VecPretrainingConfiguration.preset(name) else {
            throw Wav2VecPretrainingError.invalidConfiguration(
                "unknown preset '\(name)' (presets: \(Wav2VecPretrainingConfiguration.presetNames.joined(separator: ", ")))")
        }
        self = p
    }

    private init(preset: String, model: Wav2VecConfig, objective: Wav2VecObjective, learningRate: Double, warmupUpdates: Int,
                 totalUpdates: Int, batchSize: Int, cropSeconds: Double, validationInterval: Int, checkpointInterval: Int) {
        self.preset = preset
        self.model = model
        self.objective = objective
        self.learningRate = learningRate
        warmupInitLearningRate = 1e-7
        minLearningRate = 1e-6
        self.warmupUpdates = warmupUpdates
        self.totalUpdates = totalUpdates
        adamBeta1 = 0.9
        adamBeta2 = 0.999
        adamEpsilon = 1e-8
        weightDecay = 0
        gradientClipNorm = 25
        self.batchSize = batchSize
        self.cropSeconds = cropSeconds
        validationFraction = 0.05
        maxValidationFiles = 200
        validationCropSeconds = nil
        self.validationInterval = validationInterval
        self.checkpointInterval = checkpointInterval
        seed = 1
    }

    /// A named starting point:
    /// - `tiny`: 64 channels, encoder = wav2vec large's layout with one 1×1 layer, 4 context layers of kernel 3
    ///   (c sees 109 ms), 8 steps, 10 negatives, InfoNCE loss; lr 2e-3, 2,000 updates of 8 × 2 s crops.
    /// - `small`: 256 channels, large's 7-layer encoder, 6 context layers of kernel 3 (c sees 149 ms), 12 steps,
    ///   InfoNCE loss; lr 2e-3, 20,000 updates of 8 × 3 s crops.
    ///
    /// The small presets use fairseq's `--infonce` loss because with the 2019 binary loss small models fall into the
    /// objective's trivial solution (features constant in time, loss at the label entropy) within a few dozen updates,
    /// on speech as on synthetic audio (`Docs/Wav2Vec.md`).
    /// - `base`: fairseq's 2019 base architecture (``Wav2VecConfig/base``), the large recipe.
    /// - `large`: the released wav2vec large (binary loss) (``Wav2VecConfig/large``) and its 2019 recipe: lr 1e-7 → 5e-3 over 500
    ///   updates, cosine to 1e-6 at 400,000 updates, crops of 150,000 samples, clip 25. fairseq's batches held up to
    ///   1.5M samples per GPU (10 full crops); 10 is used here.
    public static func preset(_ name: String) -> Wav2VecPretrainingConfiguration? {
        switch name.lowercased() {
        case "tiny":
            let c = 64
            let model = Wav2VecConfig(
                featureExtractorLayers: [.init(c, 10, 5), .init(c, 8, 4), .init(c, 4, 2), .init(c, 4, 2), .init(c, 4, 2), .init(c, 1, 1)],
                aggregatorLayers: Array(repeating: .init(c, 3, 1), count: 4))
            return .init(preset: "tiny", model: model, objective: .init(predictionSteps: 8, negatives: 10, infoNCE: true),
                         learningRate: 2e-3, warmupUpdates: 100, totalUpdates: 2000, batchSize: 8, cropSeconds: 2,
                         validationInterval: 100, checkpointInterval: 250)
        case "small":
            let c = 256
            let model = Wav2VecConfig(
                featureExtractorLayers: [.init(c, 10, 5), .init(c, 8, 4), .init(c, 4, 2), .init(c, 4, 2), .init(c, 4, 2),
                                         .init(c, 1, 1), .init(c, 1, 1)],
                aggregatorLayers: Array(repeating: .init(c, 3, 1), count: 6))
            return .init(preset: "small", model: model, objective: .init(infoNCE: true), learningRate: 2e-3, warmupUpdates: 500,
                         totalUpdates: 20000, batchSize: 8, cropSeconds: 3, validationInterval: 500, checkpointInterval: 1000)
        case "base":
            return .init(preset: "base", model: .base, objective: .init(), learningRate: 5e-3, warmupUpdates: 500,
                         totalUpdates: 400_000, batchSize: 10, cropSeconds: 9.375, validationInterval: 1000, checkpointInterval: 1000)
        case "large":
            return .init(preset: "large", model: .large, objective: .init(), learningRate: 5e-3, warmupUpdates: 500,
                         totalUpdates: 400_000, batchSize: 10, cropSeconds: 9.375, validationInterval: 1000, checkpointInterval: 1000)
        default:
            return nil
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decodeIfPresent(String.self, forKey: .preset) ?? "tiny"
        guard var d = Wav2VecPretrainingConfiguration.preset(name) else {
            throw DecodingError.dataCorruptedError(forKey: .preset, in: c, debugDescription:
                "unknown preset '\(name)' (presets: \(Wav2VecPretrainingConfiguration.presetNames.joined(separator: ", ")))")
        }
        func take<T: Decodable>(_ key: CodingKeys, _ path: WritableKeyPath<Wav2VecPretrainingConfiguration, T>) throws {
            if let v = try c.decodeIfPresent(T.self, forKey: key) { d[keyPath: path] = v }
        }
        try take(.formatVersion, \.formatVersion)
        try take(.model, \.model)
        try take(.objective, \.objective)
        try take(.learningRate, \.learningRate)
        try take(.warmupInitLearningRate, \.warmupInitLearningRate)
        try take(.minLearningRate, \.minLearningRate)
        try take(.warmupUpdates, \.warmupUpdates)
        try take(.totalUpdates, \.totalUpdates)
        try take(.adamBeta1, \.adamBeta1)
        try take(.adamBeta2, \.adamBeta2)
        try take(.adamEpsilon, \.adamEpsilon)
        try take(.weightDecay, \.weightDecay)
        try take(.gradientClipNorm, \.gradientClipNorm)
        try take(.batchSize, \.batchSize)
        try take(.cropSeconds, \.cropSeconds)
        try take(.validationFraction, \.validationFraction)
        try take(.maxValidationFiles, \.maxValidationFiles)
        d.validationCropSeconds = try c.decodeIfPresent(Double.self, forKey: .validationCropSeconds) ?? d.validationCropSeconds
        try take(.validationInterval, \.validationInterval)
        try take(.checkpointInterval, \.checkpointInterval)
        try take(.seed, \.seed)
        self = d
    }

    /// The sample rate everything is measured in (16 kHz).
    public static let sampleRate = Wav2VecModel.sampleRate

    /// ``cropSeconds`` in samples.
    public var cropSamples: Int { Int((cropSeconds * Double(Self.sampleRate)).rounded()) }
    /// The validation crop length in samples.
    public var validationCropSamples: Int { Int(((validationCropSeconds ?? cropSeconds) * Double(Self.sampleRate)).rounded()) }
    /// Shortest usable file or crop: one prediction (`R + offset·H` samples: 945 for the presets).
    public var minimumSamples: Int {
        model.encoderReceptiveField + objective.resolvedOffset(for: model) * model.encoderHop
    }

    /// The learning-rate schedule of this configuration.
    public func schedule() throws -> FairseqCosineLR {
        try FairseqCosineLR(warmupUpdates: warmupUpdates, warmupInitLearningRate: warmupInitLearningRate,
                            maxLearningRate: learningRate, minLearningRate: minLearningRate, maxUpdates: totalUpdates)
    }

    /// Checks every setting. - Throws: ``Wav2VecPretrainingError/invalidConfiguration(_:)`` naming the first problem.
    public func validate() throws {
        func fail(_ s: String) -> Wav2VecPretrainingError { .invalidConfiguration(s) }
        guard formatVersion >= 1 && formatVersion <= Self.currentFormatVersion else {
            throw fail("formatVersion \(formatVersion) (this build reads 1...\(Self.currentFormatVersion))")
        }
        do { try model.validate() } catch { throw fail("model: \(error)") }
        do { try objective.validate() } catch { throw fail("objective: \(error)") }
        guard model.contextFrameCount(frames: 100) == 100 else { throw fail("model: aggregator strides must be 1 (c and z must align)") }
        do { _ = try schedule() } catch { throw fail("learning-rate schedule: \(error)") }
        guard totalUpdates >= 1 else { throw fail("totalUpdates \(totalUpdates) must be >= 1") }
        guard totalUpdates >= warmupUpdates else { throw fail("totalUpdates \(totalUpdates) is less than warmupUpdates \(warmupUpdates)") }
        for (n, v) in [("adamBeta1", adamBeta1), ("adamBeta2", adamBeta2)] where !(v >= 0 && v < 1) { throw fail("\(n) \(v) outside [0, 1)") }
        guard adamEpsilon >= 0 && adamEpsilon.isFinite else { throw fail("adamEpsilon \(adamEpsilon) must be >= 0") }
        guard weightDecay >= 0 && weightDecay.isFinite else { throw fail("weightDecay \(weightDecay) must be >= 0") }
        guard gradientClipNorm >= 0 && gradientClipNorm.isFinite else { throw fail("gradientClipNorm \(gradientClipNorm) must be >= 0 (0 = off)") }
        guard batchSize >= 1 && batchSize <= 4096 else { throw fail("batchSize \(batchSize) outside 1...4096") }
        guard cropSeconds.isFinite && cropSamples >= minimumSamples else {
            throw fail("cropSeconds \(cropSeconds) is shorter than one prediction needs (\(minimumSamples) samples = "
                       + String(format: "%.4f s)", Double(minimumSamples) / Double(Self.sampleRate)))
        }
        if let v = validationCropSeconds, !(v.isFinite && validationCropSamples >= minimumSamples) {
            throw fail("validationCropSeconds \(v) is shorter than one prediction needs (\(minimumSamples) samples)")
        }
        guard validationFraction >= 0 && validationFraction < 1 else { throw fail("validationFraction \(validationFraction) outside [0, 1)") }
        guard maxValidationFiles >= 0 else { throw fail("maxValidationFiles \(maxValidationFiles) must be >= 0") }
        guard validationInterval >= 1 else { throw fail("validationInterval \(validationInterval) must be >= 1") }
        guard checkpointInterval >= 1 else { throw fail("checkpointInterval \(checkpointInterval) must be >= 1") }
    }

    /// Pretty-printed JSON (sorted keys).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Reads and validates a configuration file.
    /// - Throws: ``Wav2VecPretrainingError/invalidConfiguration(_:)`` naming the file and the problem.
    public static func read(from url: URL) throws -> Wav2VecPretrainingConfiguration {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw Wav2VecPretrainingError.invalidConfiguration("\(url.path): cannot be read (\((error as NSError).localizedDescription))")
        }
        let c: Wav2VecPretrainingConfiguration
        // Strict: a misspelt key at any depth is an error, not a silently kept preset value.
        do { c = try StrictJSONDecoding.decode(Self.self, from: data) } catch {
            throw Wav2VecPretrainingError.invalidConfiguration("\(url.path): \(error)")
        }
        do { try c.validate() } catch let Wav2VecPretrainingError.invalidConfiguration(m) {
            throw Wav2VecPretrainingError.invalidConfiguration("\(url.path): \(m)")
        }
        return c
    }

    /// A readable account of a JSON decoding error (the key path and what was wrong).
    static func describe(_ error: Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ c: DecodingError.Context) -> String {
            let p = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "" : "'\(p)': "
        }
        switch e {
        case .typeMismatch(let t, let c): return "\(path(c))expected \(t) (\(c.debugDescription))"
        case .valueNotFound(let t, let c): return "\(path(c))missing \(t) value"
        case .keyNotFound(let k, let c): return "\(path(c))missing key '\(k.stringValue)'"
        case .dataCorrupted(let c): return "\(path(c))\(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
