import XCTest
@testable import SERModels

/// Default initialisations have PyTorch's distributions: weights and biases of Linear and convolutions
/// `U(−1/√fanIn, 1/√fanIn)` (std `1/√(3·fanIn)`), normalisation weights 1 and biases 0.
final class InitializationTests: XCTestCase {
    struct Stats { var min: Double; var max: Double; var mean: Double; var std: Double }

    func stats(_ t: Tensor) -> Stats {
        let v = t.doubles
        let mean = v.reduce(0, +) / Double(v.count)
        let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)
        return Stats(min: v.min()!, max: v.max()!, mean: mean, std: variance.squareRoot())
    }

    /// Weights fill `[-bound, bound)` (extremes within 0.2% of the bound) with the uniform's std
    /// `bound/√3` (within 1%) and mean 0 (within 4 standard errors).
    func assertUniform(_ t: Tensor, fanIn: Int, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let bound = 1 / Double(fanIn).squareRoot()
        let s = stats(t)
        print("\(what): bound \(bound), min \(s.min), max \(s.max), mean \(s.mean), std \(s.std) (expected \(bound / 3.0.squareRoot()))")
        XCTAssertGreaterThanOrEqual(s.min, -bound, what, file: file, line: line)
        XCTAssertLessThanOrEqual(s.max, bound, what, file: file, line: line)
        XCTAssertLessThan(s.min, -bound * 0.998, what, file: file, line: line)
        XCTAssertGreaterThan(s.max, bound * 0.998, what, file: file, line: line)
        XCTAssertEqual(s.std, bound / 3.0.squareRoot(), accuracy: 0.01 * bound / 3.0.squareRoot(), what, file: file, line: line)
        XCTAssertEqual(s.mean, 0, accuracy: 4 * s.std / Double(t.count).squareRoot(), what, file: file, line: line)
    }

    func testLinearMatchesPyTorchDefault() {
        var rng = RandomGenerator(seed: 2024)
        let l = Linear(400, 300, rng: &rng)
        XCTAssertEqual(l.weight.shape, [300, 400])
        XCTAssertEqual(l.bias?.shape, [300])
        assertUniform(l.weight, fanIn: 400, "Linear(400, 300).weight")
        let b = stats(l.bias!)
        XCTAssertGreaterThanOrEqual(b.min, -0.05)
        XCTAssertLessThanOrEqual(b.max, 0.05)
        XCTAssertGreaterThan(b.max, 0.045)  // not a narrower distribution (300 draws)
        XCTAssertLessThan(b.min, -0.045)
        XCTAssertTrue(l.weight.requiresGrad && l.bias!.requiresGrad)
    }

    func testConvolutionsUseInChannelsTimesKernelAsFanIn() {
        var rng = RandomGenerator(seed: 5)
        let c1 = Conv1d(16, 64, kernelSize: 5, rng: &rng)
        XCTAssertEqual(c1.weight.shape, [64, 16, 5])
        assertUniform(c1.weight, fanIn: 80, "Conv1d(16, 64, 5).weight")
        let c2 = Conv2d(8, 64, kernelSize: (3, 4), rng: &rng)
        XCTAssertEqual(c2.weight.shape, [64, 8, 3, 4])
        assertUniform(c2.weight, fanIn: 96, "Conv2d(8, 64, (3, 4)).weight")
        let bound = 1 / 96.0.squareRoot()
        XCTAssertTrue(c2.bias!.doubles.allSatisfy { abs($0) <= bound })
    }

    func testSameSeedSameWeightsDifferentSeedDifferentWeights() {
        var a = RandomGenerator(seed: 11), b = RandomGenerator(seed: 11), c = RandomGenerator(seed: 12)
        let m1 = MLP(inputSize: 5, hiddenSizes: [7], outputSize: 2, dropout: 0.2, rng: &a)
        let m2 = MLP(inputSize: 5, hiddenSizes: [7], outputSize: 2, dropout: 0.2, rng: &b)
        let m3 = MLP(inputSize: 5, hiddenSizes: [7], outputSize: 2, dropout: 0.2, rng: &c)
        XCTAssertEqual(m1.stateDict().mapValues(\.scalars), m2.stateDict().mapValues(\.scalars))
        XCTAssertNotEqual(m1.linears[0].weight.scalars, m3.linears[0].weight.scalars)
    }

    func testNormalisationDefaults() {
        let bn = BatchNorm2d(4)
        XCTAssertEqual(bn.weight?.scalars, [1, 1, 1, 1])
        XCTAssertEqual(bn.bias?.scalars, [0, 0, 0, 0])
        XCTAssertEqual(bn.runningMean?.scalars, [0, 0, 0, 0])
        XCTAssertEqual(bn.runningVar?.scalars, [1, 1, 1, 1])
        XCTAssertEqual(bn.numBatchesTracked?.shape, [])
        XCTAssertEqual(bn.numBatchesTracked?.item, 0)
        XCTAssertEqual(bn.namedBuffers().map(\.name), ["running_mean", "running_var", "num_batches_tracked"])
        XCTAssertTrue(bn.namedBuffers().allSatisfy { !$0.tensor.requiresGrad })
        XCTAssertTrue(BatchNorm1d(3, trackRunningStats: false).namedBuffers().isEmpty)
        let gn = GroupNorm(numGroups: 2, numChannels: 6)
        XCTAssertEqual(gn.weight?.scalars, Array(repeating: 1, count: 6))
        XCTAssertEqual(gn.bias?.scalars, Array(repeating: 0, count: 6))
        let ln = LayerNorm([3, 5])
        XCTAssertEqual(ln.weight?.shape, [3, 5])
        XCTAssertEqual(ln.namedParameters().map(\.name), ["weight", "bias"])
        XCTAssertEqual(LayerNorm(5, bias: false).namedParameters().map(\.name), ["weight"])
        XCTAssertTrue(LayerNorm(5, elementwiseAffine: false).namedParameters().isEmpty)
    }
}
