import XCTest
import SERTestSupport
@testable import SERModels

/// Behaviour beyond the PyTorch fixtures: masking, modes, shapes, dtypes and gradients.
final class LayerBehaviourTests: XCTestCase {
    var rng = RandomGenerator(seed: 42)

    /// [batch, time] mask with the given lengths.
    func mask(_ lengths: [Int], time: Int) -> Tensor {
        Tensor(shape: [lengths.count, time], data: lengths.flatMap { n in (0..<time).map { $0 < n ? Float(1) : 0 } })
    }

    func testSelfAttentionPoolingIgnoresPaddingValues() {
        let pool = SelfAttentionPooling(inputSize: 4, hiddenSize: 16, rng: &rng)
        let x = Tensor.randn([2, 6, 4], using: &rng)
        let m = mask([6, 3], time: 6)
        let alpha = pool.attentionWeights(x, mask: m)
        XCTAssertEqual(alpha.shape, [2, 6])
        let a = alpha.scalars
        XCTAssertEqual(a[0..<6].reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertEqual(a[6..<9].reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertEqual(Array(a[9..<12]), [0, 0, 0])

        // Changing padded frames (even to huge values) changes nothing; the second row equals pooling
        // its first three frames alone.
        let y = pool(x, mask: m)
        var data = x.scalars
        for t in 3..<6 { for d in 0..<4 { data[(6 + t) * 4 + d] = 1e6 } }
        let y2 = pool(Tensor(shape: [2, 6, 4], data: data), mask: m)
        XCTAssertEqual(y.scalars, y2.scalars)
        let short = Tensor(shape: [1, 3, 4], data: Array(data[24..<36]))
        let yShort = pool(short).scalars
        for d in 0..<4 { XCTAssertEqual(y.scalars[4 + d], yShort[d], accuracy: 1e-6) }
    }

    func testSelfAttentionPoolingEmptyRowGivesZeroAndFiniteGradients() {
        let pool = SelfAttentionPooling(inputSize: 3, hiddenSize: 5, rng: &rng)
        let x = Tensor.randn([2, 4, 3], using: &rng).requiringGrad()
        let y = pool(x, mask: mask([2, 0], time: 4))
        XCTAssertEqual(Array(y.scalars[3..<6]), [0, 0, 0])
        XCTAssertTrue(y.scalars.allSatisfy(\.isFinite))
        y.sum().backward()
        XCTAssertTrue(x.grad!.scalars.allSatisfy(\.isFinite))
        XCTAssertTrue(pool.parameters().allSatisfy { $0.grad!.scalars.allSatisfy(\.isFinite) })
        XCTAssertEqual(Array(x.grad!.scalars[6..<24]), Array(repeating: 0, count: 18), "padding gets no gradient")
    }

    func testSelfAttentionPoolingGradientCheckWithMask() {
        let pool = SelfAttentionPooling(inputSize: 3, hiddenSize: 4, rng: &rng)
        let x = Tensor.randn([2, 4, 3], using: &rng)
        let m = mask([4, 2], time: 4)
        let report = GradientChecker().check([x]) { xs in pool(xs[0], mask: m) }
        print("SelfAttentionPooling float64 gradient check: \(report)")
        XCTAssertLessThan(report.maxRelativeError, 1e-6)
    }

    func testMaskedMeanPooling() {
        let pool = MaskedMeanPooling()
        let x = Tensor(shape: [2, 3, 1], data: [1, 2, 3, 10, 20, 1000])
        XCTAssertEqual(pool(x, mask: mask([3, 2], time: 3)).scalars, [2, 15])
        XCTAssertEqual(pool(x).scalars, [2, Float(1030) / 3])
        XCTAssertEqual(pool(x, mask: mask([0, 1], time: 3)).scalars, [0, 10])
    }

    func testDropoutModesAndDeterminism() {
        var a = RandomGenerator(seed: 8), b = RandomGenerator(seed: 8)
        let d1 = Dropout(0.25, rng: &a), d2 = Dropout(0.25, rng: &b)
        let x = Tensor.ones([1000])
        let y1 = d1(x).scalars
        XCTAssertEqual(y1, d2(x).scalars, "same seed, same mask")
        XCTAssertNotEqual(y1, d1(x).scalars, "the generator advances")
        let kept = y1.filter { $0 != 0 }
        XCTAssertTrue(kept.allSatisfy { abs($0 - 1 / 0.75) < 1e-6 })
        XCTAssertEqual(Double(kept.count) / 1000, 0.75, accuracy: 0.05)
        d1.eval()
        XCTAssertEqual(d1(x).scalars, x.scalars)
    }

    func testBatchNormCumulativeAverageAndUntrackedEval() {
        // momentum nil: the running mean is the plain average of the batch means.
        let bn = BatchNorm1d(1, momentum: nil)
        _ = bn(Tensor(shape: [2, 1], data: [1, 3]))
        _ = bn(Tensor(shape: [2, 1], data: [5, 7]))
        XCTAssertEqual(bn.runningMean!.item, 4, accuracy: 1e-6)
        XCTAssertEqual(bn.runningVar!.item, 2, accuracy: 1e-6)  // unbiased variances 2 and 2
        XCTAssertEqual(bn.numBatchesTracked!.item, 2)
        bn.eval()
        XCTAssertEqual(bn(Tensor(shape: [1, 1], data: [4 + Float(2).squareRoot()])).item, 1, accuracy: 1e-4)

        // Without running statistics, evaluation normalises with the batch statistics.
        let untracked = BatchNorm2d(1, trackRunningStats: false)
        untracked.eval()
        let y = untracked(Tensor(shape: [2, 1, 1, 1], data: [1, 3])).scalars
        XCTAssertEqual(y[0], -1, accuracy: 1e-4)
        XCTAssertEqual(y[1], 1, accuracy: 1e-4)
    }

    func testLinearShapesAndFloat64Inputs() {
        let l = Linear(3, 2, rng: &rng)
        XCTAssertEqual(l(Tensor.ones([3])).shape, [2])
        XCTAssertEqual(l(Tensor.ones([4, 5, 3])).shape, [4, 5, 2])
        let x = Tensor.randn([4, 3], using: &rng)
        let y32 = l(x).doubles, y64 = l(x.to(.float64))
        XCTAssertEqual(y64.dtype, .float64)
        for (a, b) in zip(y32, y64.doubles) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        // Float64 inputs still send gradients to the float32 parameters.
        y64.sum().backward()
        XCTAssertEqual(l.weight.grad?.dtype, .float32)
        XCTAssertEqual(l.bias?.grad?.scalars, [4, 4])
    }

    func testModulesGradientCheckInFloat64() {
        let cases: [(String, any UnaryLayer, [Int])] = [
            ("Conv1d causal", Conv1d(2, 3, kernelSize: 3, padding: .causal, dilation: 2, rng: &rng), [2, 2, 7]),
            ("Conv2d replicate", Conv2d(2, 2, kernelSize: 3, padding: 1, paddingMode: .replicate, rng: &rng), [1, 2, 4, 5]),
            ("BatchNorm2d", BatchNorm2d(2), [3, 2, 2, 2]),
            ("GroupNorm", GroupNorm(numGroups: 2, numChannels: 4), [2, 4, 3]),
            ("LayerNorm", LayerNorm(4), [3, 4]),
            ("MLP tanh", MLP(inputSize: 4, hiddenSizes: [5, 3], outputSize: 2, activation: .tanh, rng: &rng), [3, 4]),
        ]
        for (name, layer, shape) in cases {
            let x = Tensor.randn(shape, using: &rng)
            let report = GradientChecker().check([x]) { xs in layer(xs[0]) }
            print("\(name) float64 gradient check: \(report)")
            XCTAssertLessThan(report.maxRelativeError, 1e-6, name)
        }
    }

    func testActivationModules() {
        let x = Tensor([-2, -0.5, 0, 1.5])
        XCTAssertEqual(ReLU()(x).scalars, [0, 0, 0, 1.5])
        XCTAssertEqual(LeakyReLU(negativeSlope: 0.1)(x).scalars, [-0.2, -0.05, 0, 1.5])
        XCTAssertEqual(Tanh()(x).scalars, x.tanh().scalars)
        XCTAssertEqual(Sigmoid()(x).scalars, x.sigmoid().scalars)
        XCTAssertEqual(Identity()(x).scalars, x.scalars)
        for a in [Activation.relu, .leakyRelu(negativeSlope: 0.2), .tanh, .sigmoid, .identity] {
            // (Calling an existential inside XCTAssert's autoclosure crashes the 6.3.1 compiler's SILGen.)
            let module = a.makeModule()
            let y = module(x)
            XCTAssertEqual(y.scalars, a.apply(x).scalars)
            XCTAssertTrue(module.namedParameters().isEmpty)
        }
    }
}
