import Foundation
import SERModels
import SERTensor
@testable import SERTraining

/// A run folder without training: `config.json` of the end-to-end tests' tiny STRFNet (no speaker
/// normalisation) and its freshly initialised weights as `best.safetensors`. Enough for everything
/// that loads a run (``TrainedRun``), in milliseconds.
enum UntrainedRunSupport {
    static func write(to run: URL) throws {
        var c = EndToEndTrainingTests.tinyConfiguration(epochs: 1)
        c.speakerNormalization = false
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        try JSONEncoder().encode(c).write(to: run.appendingPathComponent(TrainedRun.configFile))
        var rng = RandomGenerator(seed: c.seed)
        try STRFNet(c.model, rng: &rng).save(to: run.appendingPathComponent(TrainedRun.weightsFile))
    }
}
