import Foundation
import SERFeatures
import SERModels

/// Model sizes for a run: the paper's, or the small fast network of the demo.
public enum TrainingPreset: String, Codable, CaseIterable, Sendable {
    /// The paper's STRFNet sizes and §3.2 settings (``TrainingConfiguration/paper(_:classes:)``).
    case paper
    /// The demo's narrower network and shorter schedule (``TrainingConfiguration/demo(classes:)``),
    /// with the feature's input channels and STRF bank.
    case demo
}

extension TrainingConfiguration {
    /// The configuration of `preset` for one Table 1 feature combination.
    public static func preset(_ preset: TrainingPreset, feature: Table1Feature,
                              classes: [String] = ["neutral", "happy", "sad", "angry"]) -> TrainingConfiguration {
        switch preset {
        case .paper:
            return .paper(feature, classes: classes)
        case .demo:
            var c = TrainingConfiguration.demo(classes: classes)
            let full = feature.configuration(classes: classes.count)
            c.model.inputChannels = full.inputChannels
            c.model.strfInputs = full.strfInputs
            c.model.convChannels = full.convChannels == 0 ? 0 : c.model.convChannels
            c.model.strfKernels = Swift.min(c.model.strfKernels, 8)
            return c
        }
    }
}

/// A request for a training configuration as the command line states it: a starting point (a
/// configuration file, or a preset and feature) and single settings on top. Unset fields keep the
/// starting point's value.
///
/// When a run folder already holds a configuration (resuming, or adding folds to a cross-validation),
/// ``configuration(existing:)`` keeps it: only ``maxEpochs`` and ``patience`` may change (to train
/// longer); any other difference is an error, so results in one folder always come from one
/// configuration.
public struct TrainingRequest: Equatable, Sendable {
    public var configFile: URL?
    public var preset: TrainingPreset?
    public var feature: Table1Feature?
    public var classes: [String]?
    public var maxEpochs: Int?
    public var patience: Int?
    public var batchSize: Int?
    public var learningRate: Double?
    public var seed: UInt64?
    public var frequencyWarping: Bool?
    public var specAugment: Bool?

    public init() {}

    /// The configuration for a new run.
    /// - Throws: ``ReportingError`` for an unreadable configuration file; ``TrainingError`` for an
    ///   invalid result.
    public func configuration() throws -> TrainingConfiguration {
        var c: TrainingConfiguration
        if let configFile {
            do {
                c = try JSONDecoder().decode(TrainingConfiguration.self, from: Data(contentsOf: configFile))
            } catch let e as DecodingError {
                throw ReportingError.unreadableRunFile(file: configFile.path, reason: "not a training configuration: \(DecodingErrorText.describe(e))")
            } catch {
                throw ReportingError.unreadableRunFile(file: configFile.path, reason: (error as NSError).localizedDescription)
            }
            if preset != nil || feature != nil {
                throw TrainingError.invalidConfiguration("--config gives the model; leave out --preset and --feature")
            }
            if let classes, classes != c.classes {
                guard classes.count == c.classes.count else {
                    throw TrainingError.invalidConfiguration("\(configFile.path) has \(c.classes.count) classes; --classes gives \(classes.count)")
                }
                c.classes = classes
            }
        } else {
            let classes = self.classes ?? ["neutral", "happy", "sad", "angry"]
            c = .preset(preset ?? .paper, feature: feature ?? .spectrogram, classes: classes)
        }
        apply(to: &c)
        try c.validate()
        return c
    }

    /// The configuration for a folder that may already hold one (`existing`). Single settings apply
    /// on top of the starting point when the request names one (a file, preset, feature or classes), else
    /// on top of `existing`; the result must equal `existing` apart from ``maxEpochs`` and ``patience``.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` naming the settings that differ.
    public func configuration(existing: TrainingConfiguration?) throws -> TrainingConfiguration {
        guard let existing else { return try configuration() }
        var requested: TrainingConfiguration
        if hasStartingPoint {
            requested = try configuration()
        } else {
            requested = existing
            apply(to: &requested)
        }
        var comparable = requested
        comparable.maxEpochs = existing.maxEpochs
        comparable.patience = existing.patience
        guard comparable == existing else {
            throw TrainingError.invalidConfiguration(
                "the folder's config.json differs in \(Self.differences(existing, comparable).joined(separator: ", ")); "
                + "only --epochs and --patience may change when continuing; use a new output folder for other settings")
        }
        try requested.validate()
        return requested
    }

    /// Whether the request names a starting point (configuration file, preset, feature or classes).
    var hasStartingPoint: Bool { configFile != nil || preset != nil || feature != nil || classes != nil }

    private func apply(to c: inout TrainingConfiguration) {
        if let maxEpochs { c.maxEpochs = maxEpochs }
        if let patience { c.patience = patience }
        if let batchSize { c.batchSize = batchSize }
        if let learningRate { c.learningRate = learningRate }
        if let seed { c.seed = seed }
        if let frequencyWarping { c.frequencyWarping = frequencyWarping }
        if let specAugment { c.specAugment = specAugment ? (c.specAugment ?? SpecAugmentConfig()) : nil }
    }

    /// Top-level keys whose JSON values differ (`model` for any model setting).
    static func differences(_ a: TrainingConfiguration, _ b: TrainingConfiguration) -> [String] {
        func object(_ c: TrainingConfiguration) -> [String: Any] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            guard let data = try? encoder.encode(c),
                  let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
            return o
        }
        let x = object(a), y = object(b)
        let keys = Set(x.keys).union(y.keys).sorted()
        func text(_ v: Any?) -> Data? {
            try? JSONSerialization.data(withJSONObject: ["v": v ?? NSNull()], options: [.sortedKeys, .fragmentsAllowed])
        }
        let diff = keys.filter { text(x[$0]) != text(y[$0]) }
        return diff.isEmpty ? ["settings"] : diff
    }
}

extension TrainingConfiguration {
    /// The configuration saved in `directory/config.json`, or nil when there is none.
    /// - Throws: ``ReportingError/unreadableRunFile(file:reason:)`` for a file that is not a configuration.
    public static func saved(in directory: URL) throws -> TrainingConfiguration? {
        let url = directory.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do { return try JSONDecoder().decode(TrainingConfiguration.self, from: Data(contentsOf: url)) } catch {
            throw ReportingError.unreadableRunFile(file: url.path, reason: "not a training configuration: \(DecodingErrorText.describe(error))")
        }
    }
}
