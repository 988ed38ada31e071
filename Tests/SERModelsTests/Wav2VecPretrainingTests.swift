import Foundation
import XCTest
import SERTestSupport
@testable import SERModels

/// The prediction head's loss against finite differences, negative sampling, the objective's shapes and errors, and
/// saving / loading a pretraining model.
final class Wav2VecPretrainingTests: XCTestCase {
    static let tinyConfig = Wav2VecConfig(
        featureExtractorLayers: [.init(8, 10, 5), .init(8, 8, 4), .init(8, 4, 2), .init(8, 4, 2), .init(8, 4, 2)],
        aggregatorLayers: [.init(8, 3, 1), .init(6, 2, 1)])

    /// The loss w.r.t. the head's weight and bias, the context c and the targets z (through positives and negatives),
    /// against central differences in float64; c has fewer channels than z, T limits the steps (min(4, 7 − 3) = 4,
    /// then a shorter T = 5 gives 2).
    func testGradientCheckOfThePredictionLoss() throws {
        for frames in [7, 5] {
            var rng = RandomGenerator(seed: UInt64(frames))
            let head = Wav2VecPredictions(contextChannels: 4, featureChannels: 5, steps: 4, rng: &rng)
            head.convert(to: .float64)
            let c = Tensor.randn([2, 4, frames], dtype: .float64, using: &rng)
            let z = Tensor.uniform([2, 5, frames], low: 0, high: 2, dtype: .float64, using: &rng)
            let negs = Wav2VecNegatives.sample(batch: 2, count: 3, frames: frames, using: &rng)
            let report = GradientChecker().check(module: head, inputs: [c, z]) { xs in
                (try? head.loss(context: xs[0], targets: xs[1], negatives: negs, offset: 3).loss) ?? Tensor(scalar: .nan, dtype: .float64)
            }
            print("prediction loss gradient check, T = \(frames): \(report)")
            XCTAssertLessThan(report.maxRelativeError, 1e-7)
        }
    }

    func testNegativesAreUniformWithinTheUtteranceAndSeeded() throws {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42), other = RandomGenerator(seed: 43)
        let n1 = Wav2VecNegatives.sample(batch: 3, count: 10, frames: 7, using: &a)
        let n2 = Wav2VecNegatives.sample(batch: 3, count: 10, frames: 7, using: &b)
        let n3 = Wav2VecNegatives.sample(batch: 3, count: 10, frames: 7, using: &other)
        XCTAssertEqual(n1, n2, "same seed, same negatives")
        XCTAssertNotEqual(n1.indices, n3.indices)
        XCTAssertEqual(n1.indices.count, 3 * 10 * 7)
        XCTAssertTrue(n1.indices.allSatisfy { (0..<7).contains($0) }, "indices are frames of the utterance")

        // Uniform over all T frames, the target frame included (fairseq 2019's randint(0, T)): chi-square.
        var rng = RandomGenerator(seed: 7)
        let big = Wav2VecNegatives.sample(batch: 4, count: 10, frames: 50, using: &rng)
        var histogram = [Int](repeating: 0, count: 50)
        var equalToTarget = 0
        for bi in 0..<4 { for n in 0..<10 { for t in 0..<50 {
            histogram[big[bi, n, t]] += 1
            if big[bi, n, t] == t { equalToTarget += 1 }
        } } }
        let expected = Double(big.indices.count) / 50
        let chi2 = histogram.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
        XCTAssertLessThan(chi2, 90, "49 degrees of freedom: p < 1e-3 above 85")
        XCTAssertGreaterThan(equalToTarget, 10, "about 2000/50 = 40 draws hit their own target frame")

        // Every candidate row the loss gathers comes from the same utterance: check through the logits. Two utterances
        // with disjoint constant features: a negative from the other utterance would change the dot products.
        var g = RandomGenerator(seed: 1)
        let head = Wav2VecPredictions(contextChannels: 3, featureChannels: 2, steps: 2, rng: &g)
        let z = Tensor(shape: [2, 2, 6], scalars: [Float](repeating: 1, count: 6) + [Float](repeating: 0, count: 6)
                       + [Float](repeating: 0, count: 6) + [Float](repeating: 1, count: 6))
        let c = Tensor.randn([2, 3, 6], using: &g)
        let negs = Wav2VecNegatives.sample(batch: 2, count: 4, frames: 6, using: &g)
        let r = try withNoGrad { try head.loss(context: c, targets: z, negatives: negs, offset: 1) }
        let v = r.logits.doubles
        for bi in 0..<2 { for j in 0..<6 { for s in 0..<2 where j >= 1 + s {
            let pos = v[((bi * 6 + j) * 5 + 0) * 2 + s]
            for n in 1..<5 { XCTAssertEqual(v[((bi * 6 + j) * 5 + n) * 2 + s], pos, accuracy: 1e-6) }
        } } }
    }

    /// fairseq's `wav2vec` criterion's rule: correct ⇔ argmax == 0 and not argmin == 0 (first-index ties).
    func testTrueFrameAccuracyFollowsFairseqsTieRule() {
        // One utterance, T = 5 frames, 3 candidates (N = 2), 1 step, offset 1: frames 1...4 are scored.
        let rows: [[Double]] = [[2, 1, 0],    // frame 1: positive highest: correct
                                [1, 1, 0],    // frame 2: tied with a distractor (e.g. the target frame drawn as a negative): correct
                                [1, 1, 1],    // frame 3: all equal (collapsed features): wrong
                                [0, 1, -1]]   // frame 4: a distractor wins: wrong
        var values = [Double](repeating: 0, count: 5 * 3)
        for (k, r) in rows.enumerated() { for n in 0..<3 { values[(k + 1) * 3 + n] = r[n] } }
        let logits = Tensor(shape: [1, 5, 3, 1], scalars: values)
        let (correct, binary) = Wav2VecPredictions.accuracyCounts(logits: logits, offset: 1, steps: 1)
        XCTAssertEqual(correct, 2)
        // Right side of 0: positives > 0 (frames 1, 2, 3) and distractors ≤ 0 (frame 1: 0; frame 2: 0; frame 4: −1).
        XCTAssertEqual(binary, 3 + 3)
    }

    func testInvalidNegativesAndShortInputsAreErrors() throws {
        XCTAssertThrowsError(try Wav2VecNegatives(batch: 1, count: 2, frames: 3, indices: [0, 1, 2, 0, 1])) {
            XCTAssertTrue("\($0)".contains("5 indices"), "\($0)")
        }
        XCTAssertThrowsError(try Wav2VecNegatives(batch: 1, count: 1, frames: 3, indices: [0, 3, 1])) {
            XCTAssertTrue("\($0)".contains("index 3"), "\($0)")
        }
        let m = try Wav2VecPretrainingModel(Self.tinyConfig, objective: .init(predictionSteps: 3, negatives: 2), seed: 1)
        XCTAssertEqual(m.offset, 3)
        XCTAssertEqual(m.minimumSamples, 465 + 3 * 160)
        var rng = RandomGenerator(seed: 1)
        // 4 frames: one prediction step.
        let ok = try m.loss(Tensor.randn([1, m.minimumSamples], using: &rng), using: &rng)
        XCTAssertEqual(ok.steps, 1)
        XCTAssertEqual(ok.logitCount, 3)
        XCTAssertThrowsError(try m.loss(Tensor.randn([1, m.minimumSamples - 1], using: &rng), using: &rng)) {
            XCTAssertEqual($0 as? Wav2VecObjectiveError, .tooFewFrames(frames: 3, minimum: 4))
        }
        XCTAssertThrowsError(try m.loss(Tensor.randn([1, 400], using: &rng), using: &rng)) {
            XCTAssertEqual($0 as? Wav2VecError, .inputTooShort(samples: 400, minimum: 465))
        }
        let wrong = try Wav2VecNegatives(batch: 2, count: 2, frames: 4, indices: [Int](repeating: 0, count: 16))
        XCTAssertThrowsError(try m.loss(Tensor.randn([1, m.minimumSamples], using: &rng), negatives: wrong)) {
            XCTAssertTrue("\($0)".contains("batch of 1"), "\($0)")
        }
        XCTAssertThrowsError(try Wav2VecPretrainingModel(Self.tinyConfig, objective: .init(negatives: 0), seed: 1))
    }

    func testStateDictNamesAreFairseqs() throws {
        let m = try Wav2VecPretrainingModel(Self.tinyConfig, objective: .init(predictionSteps: 5), seed: 3)
        let names = Set(m.namedParameters().map(\.name))
        XCTAssertTrue(names.contains("feature_extractor.conv_layers.0.0.weight"))
        XCTAssertTrue(names.contains("feature_aggregator.conv_layers.1.1.bias"))
        XCTAssertTrue(names.contains("feature_aggregator.residual_proj.1.weight"))
        XCTAssertEqual(m.predictions.weight.shape, [6, 8, 1, 5])
        XCTAssertEqual(m.predictions.bias.shape, [8])
        XCTAssertEqual(names.subtracting(m.wav2vec.namedParameters().map(\.name)),
                       ["wav2vec_predictions.project_to_steps.weight", "wav2vec_predictions.project_to_steps.bias"])
        // Default ConvTranspose2d init bound 1/√(C_z·steps).
        let bound = 1 / (8.0 * 5).squareRoot()
        XCTAssertTrue(m.predictions.weight.doubles.allSatisfy { abs($0) <= bound })
        XCTAssertGreaterThan(m.predictions.weight.doubles.map(abs).max() ?? 0, 0.8 * bound)
    }

    /// A saved pretraining model reloads in full, and as a feature-extraction model wherever the released model loads.
    func testSavedModelLoadsForFeaturesAndForMorePretraining() throws {
        let dir = try Fixtures.temporaryDirectory("w2v-pretrain")
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = try Wav2VecPretrainingModel(Self.tinyConfig, objective: .init(predictionSteps: 4, negatives: 5), seed: 9)
        let url = dir.appendingPathComponent("m.safetensors")
        try m.write(to: url)

        let features = try Wav2VecModel.read(from: url)
        XCTAssertEqual(features.config, Self.tinyConfig)
        XCTAssertFalse(features.isTraining)
        var rng = RandomGenerator(seed: 2)
        let wav = Tensor.randn([1, 3000], using: &rng)
        let (expectedZ, expectedC) = try withNoGrad { try m.wav2vec.features(wav) }
        let (z, c) = try withNoGrad { try features.features(wav) }
        XCTAssertEqual(z.scalars, expectedZ.scalars)
        XCTAssertEqual(c.scalars, expectedC.scalars)

        let again = try Wav2VecPretrainingModel.read(from: url)
        XCTAssertEqual(again.objective, m.objective)
        for (name, t) in m.stateDict() { XCTAssertEqual(again.stateDict()[name]?.scalars, t.scalars, name) }

        // A feature-extraction file has no head: a clear error, and a new head can be attached.
        let plain = dir.appendingPathComponent("plain.safetensors")
        try features.write(to: plain)
        XCTAssertThrowsError(try Wav2VecPretrainingModel.read(from: plain)) {
            XCTAssertTrue("\($0)".contains("no prediction head"), "\($0)")
        }
        let attached = try Wav2VecPretrainingModel(wav2vec: try Wav2VecModel.read(from: plain), rng: &rng)
        XCTAssertEqual(attached.predictions.steps, 12)
    }
}
