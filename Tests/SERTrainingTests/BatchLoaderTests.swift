import Foundation
import XCTest
import SERFeatures
import SERTensor
@testable import SERTraining

/// Preparing each step's batch on the loader thread while the previous step runs (``BatchLoader``) changes no result:
/// the same losses, validation figures and weights, bit for bit, as preparing every batch just before its step, for
/// STRFNet (with frequency warping, SpecAugment and gain, which draw from the run's generator) and the wav2vec
/// classifier on log-mel frames.
final class BatchLoaderTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ser-batch-loader-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A tiny STRFNet run whose batch preparation draws from the generator at every stage.
    static func strfnetConfiguration() -> TrainingConfiguration {
        var c = EndToEndTrainingTests.tinyConfiguration(epochs: 2, classes: Wav2VecClassifierTrainingTests.classes)
        c.batchSize = 6
        c.stepsPerEpoch = 5           // 30 draws from 24 utterances: the second epoch starts mid-permutation
        c.segmentSeconds = 0.5
        c.seed = 13
        c.frequencyWarping = true
        c.specAugment = SpecAugmentConfig()
        c.gainSpanDB = 6
        return c
    }

    /// (history figures, best weights, checkpoint weights) of one run.
    func train(_ configuration: TrainingConfiguration, ahead: Bool, name: String) throws -> ([[Double]], Data, Data) {
        let run = directory.appendingPathComponent(name)
        let trainer = try Trainer(configuration: configuration, train: Wav2VecClassifierTrainingTests.train,
                                  validation: Wav2VecClassifierTrainingTests.validation, runDirectory: run)
        trainer.preparesBatchesAhead = ahead
        let history = try trainer.run()
        XCTAssertEqual(history.count, configuration.maxEpochs)
        return (history.map { [$0.trainLoss, $0.validationUA, $0.validationWA] },
                try Data(contentsOf: trainer.bestModelURL),
                try Data(contentsOf: run.appendingPathComponent("checkpoint/model.safetensors")))
    }

    func testPreparingBatchesAheadChangesNoResult() throws {
        if ProcessInfo.processInfo.environment["SWIFTSER_BATCH_LOADER"] == nil { XCTAssertFalse(BatchLoader.isEnabled) }
        for (label, configuration) in [("strfnet", Self.strfnetConfiguration()),
                                       ("wav2vec-logmel", Wav2VecClassifierTrainingTests.logMelConfiguration())] {
            var c = configuration
            c.maxEpochs = 2
            let inline = try train(c, ahead: false, name: "\(label)-inline")
            let ahead = try train(c, ahead: true, name: "\(label)-ahead")
            XCTAssertEqual(ahead.0, inline.0, label)
            XCTAssertTrue(ahead.0.allSatisfy { $0[0].isFinite && $0[0] > 0 }, label)
            XCTAssertEqual(ahead.1, inline.1, "\(label): best weights")
            XCTAssertEqual(ahead.2, inline.2, "\(label): last weights")
        }
    }

    /// The loader hands back the sampler and generator as preparing the batch left them, and rethrows what preparing threw.
    func testLoaderReturnsTheAdvancedStateAndRethrows() throws {
        let utterances = Wav2VecClassifierTrainingTests.train
        let sampler = try BatchSampler(utterances: utterances, batchSize: 4, segmentSeconds: 0.5, gainSpanDB: 6)
        let rng = RandomGenerator(seed: 3)
        var inlineSampler = sampler, inlineRNG = rng
        let inlineBatch = inlineSampler.next(using: &inlineRNG)

        let loader = BatchLoader()
        XCTAssertNil(try loader.wait())
        nonisolated(unsafe) var drawn: SegmentBatch?
        loader.start(sampler: sampler, rng: rng) { s, r in
            drawn = s.next(using: &r)
            return PreparedTrainingStep { Tensor.zeros([]) }
        }
        let prepared = try XCTUnwrap(try loader.wait())
        XCTAssertEqual(drawn?.audio.scalars, inlineBatch.audio.scalars)
        XCTAssertEqual(prepared.sampler.state.order, inlineSampler.state.order)
        XCTAssertEqual(prepared.sampler.state.cursor, inlineSampler.state.cursor)
        var a = prepared.rng, b = inlineRNG
        XCTAssertEqual(a.nextInt(below: 1 << 30), b.nextInt(below: 1 << 30))

        struct Broken: Error {}
        loader.start(sampler: sampler, rng: rng) { _, _ in throw Broken() }
        XCTAssertThrowsError(try loader.wait()) { XCTAssertTrue($0 is Broken) }
        XCTAssertNil(try loader.wait())
    }
}
