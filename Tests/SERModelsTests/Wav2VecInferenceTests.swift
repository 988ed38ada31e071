import XCTest
import SERTestSupport
@testable import SERModels

/// The inference kernels against the differentiable ops (both float32, same weights) on configurations that
/// reach every kernel path: encoder skip connections with time subsampling, 1×1 convolutions with and without
/// im2col, residual projections on utterance-major and channel-major inputs, zero and replication padding,
/// a stride-2 aggregator layer, and batches split into several aggregator chunks. Both are float32 with different
/// summation orders, so they differ by float32 rounding (about 1e-6 of the outputs' scale); the measure is the
/// parity tests' `|a − e| / max(|e|, 1e-2·max|e|)`.
final class Wav2VecInferenceTests: XCTestCase {
    func configs() -> [Wav2VecConfig] {
        var a = Wav2VecConfig(featureExtractorLayers: [.init(6, 10, 5), .init(6, 8, 4), .init(6, 3, 3), .init(6, 1, 1)],
                              aggregatorLayers: [.init(5, 2, 1), .init(5, 1, 1), .init(7, 1, 1), .init(7, 4, 1)])
        a.featureExtractorSkipConnections = true
        a.residualScale = 0.3
        var b = a
        b.aggregatorZeroPadding = true
        b.groupNormAffine = false
        b.aggregatorConvBias = false
        b.logCompression = false
        var c = Wav2VecConfig(featureExtractorLayers: [.init(4, 5, 2), .init(8, 3, 2)],
                              aggregatorLayers: [.init(8, 3, 1), .init(6, 2, 2), .init(6, 5, 1)])
        c.aggregatorSkipConnections = false
        let d = Wav2VecConfig(featureExtractorLayers: [.init(4, 4, 2)], aggregatorLayers: [])
        return [a, b, c, d]
    }

    func testKernelsMatchDifferentiableOps() throws {
        var rng = RandomGenerator(seed: 21)
        for (k, config) in configs().enumerated() {
            let model = try Wav2VecModel(config, rng: &rng)
            model.eval()
            // Non-trivial group-norm affines.
            withNoGrad {
                for (name, p) in model.namedParameters() where p.rank == 1 {
                    p.assign(Tensor.uniform(p.shape, low: name.hasSuffix("weight") ? 0.5 : -0.5,
                                            high: name.hasSuffix("weight") ? 1.5 : 0.5, using: &rng))
                }
            }
            for (batch, samples) in [(1, 700), (5, 1234)] {
                let x = Tensor.uniform([batch, samples], low: -1, high: 1, using: &rng)
                let reference = try model.features(x)  // parameters require gradients: the differentiable ops
                XCTAssertNotNil(reference.c.gradFn)
                for budget in [96 << 20, 1] {  // one chunk, or one utterance per chunk
                    let fast = withNoGrad { Wav2VecInference(model: model, columnBudget: budget).features(x) }
                    for (name, got, want) in [("z", fast.z, reference.z), ("c", fast.c, reference.c)] {
                        XCTAssertEqual(got.shape, want.shape)
                        let w = Wav2VecParityTests.worst(got, want)
                        print("config \(k) batch \(batch) budget \(budget) \(name) \(got.shape): worst rel \(w.rel) at \(w.index), worst abs \(w.abs)")
                        XCTAssertLessThan(w.rel, 1e-4, "config \(k) \(name)")
                    }
                }
            }
        }
    }

    func testModelChoosesTheKernelsOnlyWithoutGradients() throws {
        let model = try Wav2VecModel(configs()[0], seed: 2)
        let x = Tensor.zeros([1, 600])
        XCTAssertFalse(model.usesInferenceKernels(for: x), "parameters require gradients")
        XCTAssertTrue(withNoGrad { model.usesInferenceKernels(for: x) }, "dropout p = 0 in training mode is the identity")
        model.freeze()
        XCTAssertTrue(model.usesInferenceKernels(for: x), "frozen parameters and an input without gradients")
        XCTAssertFalse(model.usesInferenceKernels(for: x.to(.float64)))
        var withDropout = configs()[0]
        withDropout.dropout = 0.2
        let dropping = try Wav2VecModel(withDropout, seed: 2)
        XCTAssertFalse(withNoGrad { dropping.usesInferenceKernels(for: x) }, "active dropout in training mode")
        dropping.eval()
        XCTAssertTrue(withNoGrad { dropping.usesInferenceKernels(for: x) })
    }
}

/// The `wav2vec` bench section (tiny sizes: the timings themselves are not checked).
final class Wav2VecBenchmarkTests: XCTestCase {
    func testFlopCountMatchesPyTorchReference() {
        // torch_models.py (count_macs hooks on W2VLarge, 64 x 3 s): forward_gflop / 64 = 28.922 per utterance.
        let gflop = 2 * Double(Wav2VecBenchmark.multiplyAdds(.large, samples: 48_000)) / 1e9
        XCTAssertEqual(gflop, 28.922, accuracy: 5e-4)
    }

    func testSectionRuns() {
        let section = Wav2VecBenchmark(batch: 2, seconds: 0.05)
        XCTAssertEqual(section.name, "wav2vec")
        let result = section.run(timer: BenchmarkTimer(warmups: 0, iterations: 1), progress: { _ in })
        XCTAssertEqual(result.measurements.map(\.name), ["large 2x0.05s", "large 1x0.05s"])
        let check = result.measurements.first?.maxAbsDifference ?? .infinity
        XCTAssertLessThan(check, 1e-4, "inference kernels vs differentiable ops")
        XCTAssertEqual(result.measurements.first?.workPerCall, 2 * 2 * Double(Wav2VecBenchmark.multiplyAdds(.large, samples: 800)))
    }
}
