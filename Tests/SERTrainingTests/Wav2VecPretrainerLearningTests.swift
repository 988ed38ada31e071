import Foundation
import XCTest
import SERTestSupport
@testable import SERModels
@testable import SERTraining

/// Short pretraining runs of a 16-channel model on synthetic audio (``SyntheticSpeech``).
///
/// With the InfoNCE loss (the small presets' choice) the held-out loss falls well below log(N+1), the loss of
/// predicting nothing, and the true-frame accuracy rises far above chance. Measured (150 updates, seeds 1–5, seed 4
/// here): held-out loss 1.80–1.82 → 1.37–1.46 (log 6 = 1.792), accuracy 0.16–0.23 → 0.41–0.52 (chance 1/6; the tie
/// rule lets the untrained model score a little above chance on these piecewise-steady signals).
///
/// With the 2019 binary loss the same model falls into the objective's trivial solution instead: the encoder output
/// becomes nearly constant in time and the loss sits at the label entropy H(1/6) = 0.4506, the loss of any
/// constant predictor (`Docs/Wav2Vec.md`).
final class Wav2VecPretrainerLearningTests: XCTestCase {
    static let labelEntropy: Double = {
        let p = 1.0 / 6
        return -(p * log(p) + (1 - p) * log(1 - p))
    }()

    func run(_ c: Wav2VecPretrainingConfiguration, model: Wav2VecPretrainingModel? = nil) throws -> Wav2VecPretrainingResult {
        let corpus = try Wav2VecPretrainingCorpus(recordings: SyntheticSpeech.corpus(files: 12, seconds: 1.5, seed: 28),
                                                  configuration: c)
        XCTAssertEqual(corpus.validation.count, 3)
        let dir = try Fixtures.temporaryDirectory("w2v-learn")
        defer { try? FileManager.default.removeItem(at: dir) }
        let trainer = try Wav2VecPretrainer(configuration: c, corpus: corpus, outputModel: dir.appendingPathComponent("m.safetensors"))
        trainer.initialModel = model
        var losses: [Double] = []
        trainer.progress = { if case let .update(_, _, loss, _, _, _) = $0 { losses.append(loss) } }
        let result = try trainer.run()
        XCTAssertEqual(losses.count, c.totalUpdates)
        for r in result.records {
            print(String(format: "update %3d: train loss %.4f acc %.3f | held-out loss %.4f acc %.3f binary %.3f", r.update, r.trainLoss,
                         r.trainAccuracy, r.validationLoss ?? .nan, r.validationAccuracy ?? .nan, r.validationBinaryAccuracy ?? .nan))
        }
        return result
    }

    func testHeldOutLossFallsAndAccuracyRises() throws {
        let c = try SyntheticSpeech.configuration(updates: 150)
        let records = try run(c).records
        XCTAssertEqual(records.map(\.update), [0, 50, 100, 150])
        let first = try XCTUnwrap(records.first), last = try XCTUnwrap(records.last)
        let loss0 = try XCTUnwrap(first.validationLoss), loss = try XCTUnwrap(last.validationLoss)
        let acc0 = try XCTUnwrap(first.validationAccuracy), acc = try XCTUnwrap(last.validationAccuracy)
        let chance = 1.0 / 6, uniform = log(6.0)
        XCTAssertLessThan(loss, loss0 - 0.25)
        XCTAssertLessThan(loss, uniform - 0.2, "far below the loss of uniform scores, log(N+1)")
        XCTAssertGreaterThan(acc, 2.2 * chance)
        XCTAssertGreaterThan(acc, acc0 + 0.15)
        XCTAssertLessThan(last.trainLoss, uniform - 0.2)
        XCTAssertEqual(last.learningRate, try c.schedule().learningRate(atUpdate: 149))
    }

    /// The binary loss: z's variation over time (mean over channels of the standard deviation over frames, on a
    /// held-out crop) shrinks more than tenfold and the loss ends at the label entropy.
    func testBinaryLossCollapsesThisSmallModel() throws {
        var c = try SyntheticSpeech.configuration(updates: 100)
        c.objective.infoNCE = false
        var rng = RandomGenerator(seed: 11)
        let model = try Wav2VecPretrainingModel(c.model, objective: c.objective, rng: &rng)
        let probe = Tensor(shape: [1, 8000], data: SyntheticSpeech.utterance(seconds: 0.5, seed: 999))
        func zVariation() throws -> Float {
            let z = try withNoGrad { try model.wav2vec.features(probe).z }
            return z.variance(axes: [2]).sqrt().mean().item
        }
        let before = try zVariation()
        let last = try XCTUnwrap(run(c, model: model).records.last)
        let after = try zVariation()
        print("z variation over time: \(before) → \(after)")
        XCTAssertLessThan(after, before / 10)
        XCTAssertEqual(try XCTUnwrap(last.validationLoss), Self.labelEntropy, accuracy: 0.002)
    }
}
