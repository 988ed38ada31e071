import Foundation
import SERTensor
import SERFeatures
import SERModels

/// Trains one model on every row of a manifest whose label is a configured class, and exports its model
/// file: the model to use after a cross-validation has measured how well the configuration does on
/// unseen speakers (as `ser-cli demo` does).
///
/// There is no held-out data: validation after each epoch, the kept weights and early stopping all use
/// the training rows themselves, so the UA in the run's history is training accuracy, not an estimate for
/// new speakers (the cross-validation gives that). The run folder is a ``Trainer`` folder; a folder with a
/// checkpoint is continued (a finished run is only reloaded).
public struct WholeCorpusTraining {
    public var configuration: TrainingConfiguration
    public var manifest: Manifest
    public var runDirectory: URL
    public var cache: FeatureCache?
    public var progress: TrainingProgressHandler = { _ in }

    public init(configuration: TrainingConfiguration, manifest: Manifest, runDirectory: URL, cache: FeatureCache? = nil) {
        self.configuration = configuration
        self.manifest = manifest
        self.runDirectory = runDirectory
        self.cache = cache
    }

    /// Trains (or continues) and copies the run's model file to `modelFile` (atomically); returns the run's history.
    /// - Throws: ``TrainingError/emptySplit(_:)`` when no row has a configured class; the loading and training errors.
    @discardableResult
    public func run(exportingTo modelFile: URL) throws -> [EpochRecord] {
        try configuration.validate()
        let known = Set(configuration.classes)
        let rows = manifest.entries.indices.filter { known.contains(manifest.entries[$0].label) }
        guard !rows.isEmpty else {
            throw TrainingError.emptySplit("no manifest rows have the classes \(configuration.classes.joined(separator: ", "))")
        }
        let needsPulses = try configuration.featureChannels().contains(.pitchpulse)
        let utterances = try UtteranceStore.load(manifest, indices: rows, classes: configuration.classes, pitchPulses: needsPulses, cache: cache,
                                                 trimming: configuration.silenceTrimming)
        progress(.loaded(train: utterances.count, validation: utterances.count, test: 0))
        let trainer = try Trainer(configuration: configuration, train: utterances, validation: utterances, runDirectory: runDirectory,
                                  progress: progress, cache: cache)
        let resume = RunFolder.checkpoint(in: runDirectory) != nil
        let history = try trainer.run(resume: resume)
        let data: Data
        do { data = try Data(contentsOf: trainer.modelFileURL) } catch {
            throw TrainingError.checkpoint(path: trainer.modelFileURL.path, reason: "cannot be read: \(error.localizedDescription)")
        }
        do { try AtomicFile.write(data, to: modelFile) } catch {
            throw TrainingError.checkpoint(path: modelFile.path, reason: "cannot be written: \(error)")
        }
        return history
    }
}
