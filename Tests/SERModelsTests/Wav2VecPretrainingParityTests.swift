import XCTest
import SERTestSupport
@testable import SERModels

/// The wav2vec 1.0 pretraining objective against an independent PyTorch re-implementation of fairseq 2019's model,
/// `Wav2VecPredictionsModel` and `binary_cross_entropy` criterion (Tests/Fixtures/generate_wav2vec_pretraining.py,
/// float64): loss, every logit (in fairseq's flattened order), the accuracy counts and the gradient of every
/// parameter, for fixed weights, inputs and negative indices.
///
/// Errors are `max|a − e| / max|e|` per tensor (the tensor's scale; gradients have entries near zero).
/// - float64 (the differentiable ops in double precision): ≤ 1e-10 (loss ≤ 1e-12); measured 1.6e-15 (loss exact).
/// - float32 (the path training uses): ≤ 1e-4 for gradients, a float32 bound after nine convolution + group-norm
///   layers and their backward; measured 1.5e-6 (loss 9e-8, logits 5e-7).
final class Wav2VecPretrainingParityTests: XCTestCase {
    static let config = Wav2VecConfig(
        featureExtractorLayers: [.init(16, 10, 5), .init(16, 8, 4), .init(16, 4, 2), .init(16, 4, 2), .init(16, 4, 2), .init(16, 1, 1)],
        aggregatorLayers: [.init(16, 2, 1), .init(16, 3, 1), .init(12, 3, 1)])
    static let objective = Wav2VecObjective(predictionSteps: 4, negatives: 3)

    lazy var fixture: [String: Tensor] = {
        (try? Safetensors.read(from: Fixtures.url("wav2vec/pretraining.safetensors"), as: .float64)) ?? [:]
    }()

    func model(_ dtype: DType, infoNCE: Bool = false) throws -> Wav2VecPretrainingModel {
        XCTAssertFalse(fixture.isEmpty, "pretraining.safetensors missing")
        var objective = Self.objective
        objective.infoNCE = infoNCE
        let m = try Wav2VecPretrainingModel(Self.config, objective: objective, seed: 99)
        var state: [String: Tensor] = [:]
        for (k, t) in fixture where k.hasPrefix("param.") { state[String(k.dropFirst(6))] = t.to(.float32) }
        try m.loadStateDict(state, strict: true)
        if dtype == .float64 { m.convert(to: .float64) }
        return m
    }

    func negatives(_ name: String) throws -> Wav2VecNegatives {
        let t = try XCTUnwrap(fixture["\(name).negatives"])
        return try Wav2VecNegatives(batch: t.shape[0], count: t.shape[1], frames: t.shape[2], indices: t.doubles.map { Int($0) })
    }

    /// fairseq's flat logits order: step, candidate, utterance, context frame.
    static func fairseqOrder(_ r: Wav2VecPredictionResult) -> [Double] {
        let v = r.logits.doubles
        let b = r.logits.shape[0], t = r.logits.shape[1], n1 = r.logits.shape[2], s = r.logits.shape[3]
        var out: [Double] = []
        for step in 0..<s {
            let off = r.offset + step
            for n in 0..<n1 { for bi in 0..<b { for ctx in 0..<(t - off) { out.append(v[((bi * t + ctx + off) * n1 + n) * s + step]) } } }
        }
        return out
    }

    static func scaled(_ a: [Double], _ e: [Double]) -> Double {
        let scale = e.map(\.magnitude).max() ?? 0
        let diff = zip(a, e).map { ($0 - $1).magnitude }.max() ?? 0
        return scale > 0 ? diff / scale : diff
    }

    func check(_ dtype: DType, lossTolerance: Double, gradTolerance: Double) throws {
        var worst = (name: "", error: 0.0)
        for name in ["a", "b"] {
            let m = try model(dtype)
            let wav = try XCTUnwrap(fixture["\(name).wav"]).to(dtype)
            XCTAssertFalse(m.wav2vec.usesInferenceKernels(for: wav), "training must take the differentiable path")
            let r = try m.loss(wav, negatives: try negatives(name))
            r.loss.backward()

            let expectedLoss = try XCTUnwrap(fixture["\(name).loss"]).doubles[0]
            let lossError = abs(r.lossValue - expectedLoss) / abs(expectedLoss)
            XCTAssertLessThanOrEqual(lossError, lossTolerance, "\(name) loss \(r.lossValue) vs \(expectedLoss)")
            let expectedLogits = try XCTUnwrap(fixture["\(name).predictions"]).doubles
            let logits = Self.fairseqOrder(r)
            XCTAssertEqual(logits.count, expectedLogits.count, "\(name) logit count")
            XCTAssertEqual(r.logitCount, expectedLogits.count)
            let logitError = logits.count == expectedLogits.count ? Self.scaled(logits, expectedLogits) : .infinity
            XCTAssertLessThanOrEqual(logitError, lossTolerance, "\(name) logits")
            let counts = try XCTUnwrap(fixture["\(name).counts"]).doubles.map { Int($0) }
            XCTAssertEqual([r.predictionCount, r.correctPredictions, r.correctBinary], counts, "\(name) counts")
            print(String(format: "%@ %@: loss %.12f (rel err %.3g), logits err %.3g, steps %d, accuracy %d/%d",
                         "\(dtype)", name, r.lossValue, lossError, logitError, r.steps, r.correctPredictions, r.predictionCount))

            let params = Dictionary(uniqueKeysWithValues: m.namedParameters().map { ($0.name, $0.tensor) })
            var checked = 0
            for (k, ref) in fixture where k.hasPrefix("\(name).grad.") {
                let pname = String(k.dropFirst("\(name).grad.".count))
                let p = try XCTUnwrap(params[pname], pname)
                let g = try XCTUnwrap(p.grad, "no gradient for \(pname)")
                XCTAssertEqual(g.shape, ref.shape, pname)
                let e = Self.scaled(g.doubles, ref.doubles)
                XCTAssertLessThanOrEqual(e, gradTolerance, "\(name) d/d\(pname)")
                if e > worst.error { worst = ("\(name) \(pname)", e) }
                checked += 1
            }
            XCTAssertEqual(checked, name == "a" ? params.count : 4, "gradients compared")
        }
        print("\(dtype): worst gradient error \(worst.error) (\(worst.name))")
    }

    func testFloat64MatchesPyTorchExactly() throws {
        try check(.float64, lossTolerance: 1e-12, gradTolerance: 1e-10)
    }

    func testFloat32MatchesPyTorch() throws {
        try check(.float32, lossTolerance: 1e-5, gradTolerance: 1e-4)
    }

    /// fairseq's later `--infonce` loss on case a: softmax cross-entropy over each prediction's candidates, divided by
    /// the number of predictions. Measured: float64 loss exact, gradients 1e-15; float32 4e-8 / 1e-6.
    func testInfoNCEMatchesPyTorch() throws {
        for (dtype, lossTolerance, gradTolerance) in [(DType.float64, 1e-12, 1e-10), (.float32, 1e-5, 1e-4)] {
            let m = try model(dtype, infoNCE: true)
            let r = try m.loss(try XCTUnwrap(fixture["a.wav"]).to(dtype), negatives: try negatives("a"))
            r.loss.backward()
            let expected = try XCTUnwrap(fixture["nce.loss"]).doubles[0]
            let lossError = abs(r.lossValue - expected) / expected
            XCTAssertLessThanOrEqual(lossError, lossTolerance, "\(dtype) loss \(r.lossValue) vs \(expected)")
            let params = Dictionary(uniqueKeysWithValues: m.namedParameters().map { ($0.name, $0.tensor) })
            var worst = 0.0, checked = 0
            for (k, ref) in fixture where k.hasPrefix("nce.grad.") {
                let g = try XCTUnwrap(params[String(k.dropFirst("nce.grad.".count))]?.grad, k)
                let e = Self.scaled(g.doubles, ref.doubles)
                XCTAssertLessThanOrEqual(e, gradTolerance, "\(dtype) \(k)")
                worst = max(worst, e)
                checked += 1
            }
            XCTAssertEqual(checked, 4)
            print("InfoNCE \(dtype): loss \(r.lossValue) (rel err \(lossError)), worst gradient error \(worst)")
        }
    }

    /// End to end: the loss of the fixture's model w.r.t. the waveform of case b (1200 samples, T = 5, 2 steps),
    /// against central differences in float64, with the fixture's negatives. The gradient reaches the waveform through
    /// the context path and through the targets (positives and negatives).
    func testGradientCheckThroughTheWholeModel() throws {
        let m = try model(.float64)
        let wav = try XCTUnwrap(fixture["b.wav"])
        let negs = try negatives("b")
        let report = GradientChecker().check([wav]) { xs in
            (try? m.loss(xs[0], negatives: negs).loss) ?? Tensor(scalar: .nan, dtype: .float64)
        }
        print("gradient check, loss w.r.t. the waveform: \(report)")
        XCTAssertLessThan(report.maxRelativeError, 1e-6)
    }
}
