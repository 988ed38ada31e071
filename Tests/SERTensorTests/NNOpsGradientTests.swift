import XCTest
import SERTestSupport
@testable import SERTensor

/// Finite-difference gradient checks for convolution, pooling, normalisation, dropout and losses.
final class NNOpsGradientTests: XCTestCase {
    var rng = RandomGenerator(seed: 7)
    func randn(_ shape: [Int]) -> Tensor { Tensor.randn(shape, dtype: .float64, using: &rng) }

    func check(_ name: String, _ inputs: [Tensor], wrt: [Int]? = nil, file: StaticString = #filePath, line: UInt = #line,
               _ f: ([Tensor]) -> Tensor) {
        let r = GradientChecker().check(inputs, wrt: wrt, f)
        print("gradcheck \(name): \(r)")
        XCTAssertLessThan(r.maxRelativeError, 1e-6, "\(name): \(r)", file: file, line: line)
    }

    func testConv1d() {
        let x = randn([2, 3, 11]), w = randn([4, 3, 3]), b = randn([4])
        check("conv1d", [x, w, b]) { Tensor.conv1d($0[0], weight: $0[1], bias: $0[2]) }
        check("conv1d stride 2 pad 1", [x, w, b]) { Tensor.conv1d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: .zeros(1, 1)) }
        check("conv1d dilation 2 causal", [x, w]) { Tensor.conv1d($0[0], weight: $0[1], padding: .causal, dilation: 2) }
        check("conv1d replicate", [x, w, b]) { Tensor.conv1d($0[0], weight: $0[1], bias: $0[2], stride: 3, padding: .replicate(2, 1)) }
        check("conv1d kernel 1", [x, randn([5, 3, 1])]) { Tensor.conv1d($0[0], weight: $0[1]) }
    }

    func testConv2d() {
        let x = randn([2, 2, 7, 5]), w = randn([3, 2, 3, 2]), b = randn([3])
        check("conv2d", [x, w, b]) { Tensor.conv2d($0[0], weight: $0[1], bias: $0[2]) }
        check("conv2d stride pad", [x, w, b]) { Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], stride: (2, 1), padding: (1, 1, 1, 0)) }
        check("conv2d dilation", [x, w]) { Tensor.conv2d($0[0], weight: $0[1], dilation: (2, 2), paddingMode: .zeros) }
        check("conv2d replicate", [x, w, b]) {
            Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], stride: (1, 2), padding: (1, 2, 1, 1), paddingMode: .replicate)
        }
    }

    /// The row-tile path (one output row per tile) against finite differences, and the rule that picks it.
    func testConv2dOnRowTiles() {
        let saved = ConvPathChoice.current
        defer { ConvPathChoice.current = saved }
        ConvPathChoice.current = ConvPathChoice(forced: .rowTiles, columnTileBytes: 1)
        let x = randn([3, 2, 7, 5]), w = randn([3, 2, 3, 2]), b = randn([3])
        check("conv2d row tiles", [x, w, b]) { Tensor.conv2d($0[0], weight: $0[1], bias: $0[2]) }
        check("conv2d row tiles stride pad", [x, w, b]) {
            Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], stride: (2, 1), padding: (1, 1, 1, 0))
        }
        check("conv2d row tiles replicate", [x, w]) {
            Tensor.conv2d($0[0], weight: $0[1], stride: (1, 2), padding: (1, 2, 1, 1), paddingMode: .replicate)
        }
        check("conv2d row tiles, input gradient only", [x, w], wrt: [0]) { Tensor.conv2d($0[0], weight: $0[1]) }

        ConvPathChoice.current = ConvPathChoice(forced: nil, columnTileBytes: 256 << 10)
        func geometry(_ cin: Int, _ cout: Int, _ h: Int, _ w: Int, kernel: (Int, Int)) -> ConvGeometry {
            ConvGeometry(batch: 32, inChannels: cin, height: h, width: w, outChannels: cout, kernelH: kernel.0,
                         kernelW: kernel.1, strideH: 1, strideW: 1, padTop: kernel.0 / 2, padBottom: kernel.0 / 2, padLeft: 1, padRight: 1,
                         dilationH: 1, dilationW: 1, mode: .zeros)
        }
        XCTAssertTrue(geometry(16, 16, 300, 30, kernel: (3, 3)).usesRowTiles, "STRFNet's residual convolution")
        XCTAssertFalse(geometry(512, 512, 1, 300, kernel: (1, 3)).usesRowTiles, "a 1-D (wav2vec) convolution")
        XCTAssertFalse(geometry(16, 256, 300, 30, kernel: (3, 3)).usesRowTiles, "many output channels")
        XCTAssertFalse(geometry(2, 3, 7, 5, kernel: (3, 2)).usesRowTiles, "an image smaller than a tile")
    }

    /// The direct path is float32 only, so finite differences (float64) cannot reach it: its output and both
    /// gradients are compared with the float64 im2col path, which the checks above cover, on shapes that exercise
    /// every branch (two 32-column tiles with a partial one, channels that are not a whole tile of 8, the 3-wide weight
    /// tile and the general loop, asymmetric padding, column strides 1 and 2, an odd batch split between workers). Then the rule that picks it.
    func testConv2dDirectPathMatchesCheckedPath() {
        let saved = ConvPathChoice.current
        defer { ConvPathChoice.current = saved }
        let cases: [(x: [Int], w: [Int], padding: (Int, Int, Int, Int), strideW: Int)] = [
            ([3, 4, 9, 70], [11, 4, 3, 3], (1, 1, 1, 1), 1), ([3, 2, 6, 17], [5, 2, 3, 5], (0, 2, 2, 1), 1),
            ([2, 1, 5, 31], [16, 1, 3, 3], (2, 0, 0, 2), 1), ([5, 3, 4, 33], [8, 3, 2, 3], (1, 0, 1, 1), 1),
            ([3, 4, 7, 70], [11, 4, 3, 3], (1, 1, 1, 1), 2), ([2, 3, 5, 30], [16, 3, 3, 3], (1, 1, 1, 0), 2),
            ([3, 2, 4, 41], [6, 2, 3, 4], (0, 2, 3, 2), 2),
            // Column phases whose first column lies past the left padding (kernel width 5, padLeft 4), and a phase
            // no tap reaches (a 1 × 1 kernel with column stride 2: odd columns get a zero gradient).
            ([2, 3, 5, 23], [4, 3, 3, 5], (2, 1, 4, 0), 2), ([2, 2, 3, 12], [3, 2, 1, 1], (0, 0, 0, 0), 2),
        ]
        var worst = 0.0
        for (n, c) in cases.enumerated() {
            let x = randn(c.x), w = randn(c.w), b = randn([c.w[0]])
            func run(_ dtype: DType) -> [Tensor] {
                let xs = [x, w, b].map { $0.to(dtype).requiringGrad() }
                let y = Tensor.conv2d(xs[0], weight: xs[1], bias: xs[2], stride: (1, c.strideW), padding: c.padding)
                (y * Tensor.linspace(-1, 1, count: y.count, dtype: dtype).reshaped(y.shape)).sum().backward()
                return [y] + xs.map { $0.grad ?? Tensor.zeros([1]) }
            }
            ConvPathChoice.current = ConvPathChoice(forced: .direct, columnTileBytes: saved.columnTileBytes)
            let direct = run(.float32)
            ConvPathChoice.current = ConvPathChoice(forced: .batched, columnTileBytes: saved.columnTileBytes)
            let reference = run(.float64)
            for (name, (a, r)) in zip(["output", "dx", "dw", "db"], zip(direct, reference)) {
                XCTAssertEqual(a.shape, r.shape, "case \(n) \(name)")
                let scale = max(r.doubles.map(abs).max() ?? 0, 1e-12)
                let error = zip(a.doubles, r.doubles).map { abs($0 - $1) }.max() ?? 0
                worst = max(worst, error / scale)
                XCTAssertLessThan(error / scale, 1e-5, "case \(n) \(name): float32 direct vs float64 im2col")
            }
        }
        print("conv2d direct path vs float64 im2col: worst error \(worst) of the largest value")

        ConvPathChoice.current = ConvPathChoice(forced: nil, columnTileBytes: saved.columnTileBytes)
        func geometry(_ cin: Int, _ cout: Int, kernel: (Int, Int), stride: Int = 1) -> ConvGeometry {
            ConvGeometry(batch: 32, inChannels: cin, height: 300, width: 30, outChannels: cout, kernelH: kernel.0,
                         kernelW: kernel.1, strideH: 1, strideW: stride, padTop: kernel.0 / 2, padBottom: kernel.0 / 2,
                         padLeft: kernel.1 / 2, padRight: kernel.1 / 2, dilationH: 1, dilationW: 1, mode: .zeros)
        }
        let avx512 = LaneGEMM.compiledForAVX512
        for pass in [ConvPass.forward, .backward] {
            XCTAssertEqual(geometry(16, 16, kernel: (3, 3)).usesDirect(for: pass), avx512, "STRFNet's residual 3 × 3")
            XCTAssertEqual(geometry(1, 64, kernel: (3, 3)).usesDirect(for: pass), avx512, "the paper's first 3 × 3")
            XCTAssertEqual(geometry(16, 16, kernel: (3, 3), stride: 2).usesDirect(for: pass), avx512,
                           "STRFNet's residual 3 × 3 with column stride 2")
            XCTAssertFalse(geometry(16, 16, kernel: (3, 3), stride: 3).usesDirect(for: pass), "column stride 3")
            XCTAssertFalse(geometry(1, 64, kernel: (21, 7)).usesDirect(for: pass), "an STRF bank (measured slower)")
            XCTAssertFalse(geometry(256, 32, kernel: (3, 3)).usesDirect(for: pass), "more taps than measured")
        }
        XCTAssertFalse(geometry(128, 32, kernel: (3, 3), stride: 2).usesDirect(for: .forward),
                       "the paper's 128 → 32: forward on the row tiles")
        XCTAssertEqual(geometry(128, 32, kernel: (3, 3), stride: 2).usesDirect(for: .backward), avx512,
                       "the paper's 128 → 32: backward direct")
        ConvPathChoice.current = ConvPathChoice(forced: .direct, columnTileBytes: saved.columnTileBytes)
        XCTAssertFalse(geometry(16, 16, kernel: (3, 3), stride: 3).usesDirect(for: .forward), "forcing cannot take column stride 3")
        XCTAssertTrue(geometry(1, 64, kernel: (21, 7)).usesDirect(for: .backward), "forced")
    }

    func testPooling() {
        // Distinct values so the max is unique in every window.
        let x = Tensor.arange(0, 2 * 3 * 7 * 5, dtype: .float64).reshaped([2, 3, 7, 5]) * 0.37
        let perm = Tensor(shape: [2 * 3 * 7 * 5], scalars: rng.shuffled(x.doubles)).reshaped([2, 3, 7, 5])
        check("avgPool2d", [randn([2, 3, 7, 5])]) { $0[0].avgPool2d(kernel: (2, 3), stride: (2, 1)) }
        check("maxPool2d", [perm]) { $0[0].maxPool2d(kernel: (3, 2), stride: (2, 2)) }
        check("avgPool1d", [randn([2, 3, 9])]) { $0[0].avgPool1d(kernel: 3, stride: 2) }
        check("maxPool1d", [perm.reshaped([6, 35])]) { $0[0].maxPool1d(kernel: 4) }
        let mask = Tensor(shape: [3, 4], scalars: [1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0] as [Double])
        check("maskedMean", [randn([3, 4, 5])]) { $0[0].maskedMean(mask: mask) }
    }

    func testNormalisation() {
        let x = randn([4, 3, 5]), w = randn([3]), b = randn([3])
        check("batchNorm train", [x, w, b]) { $0[0].batchNorm(runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true) }
        let rm = randn([3]), rv = randn([3]).abs() + 0.5
        check("batchNorm eval", [x, w, b]) { $0[0].batchNorm(runningMean: rm, runningVar: rv, weight: $0[1], bias: $0[2], training: false) }
        check("batchNorm2d train", [randn([3, 2, 3, 4]), randn([2]), randn([2])]) {
            $0[0].batchNorm(runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true)
        }
        check("batchNorm + leakyRelu train", [x, w, b]) {
            $0[0].batchNorm(runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true, negativeSlope: 0.2)
        }
        check("batchNorm + leakyRelu eval", [x, w, b]) {
            $0[0].batchNorm(runningMean: rm, runningVar: rv, weight: $0[1], bias: $0[2], training: false, negativeSlope: 0.01)
        }
        check("groupNorm", [randn([2, 4, 7]), randn([4]), randn([4])]) { $0[0].groupNorm(groups: 2, weight: $0[1], bias: $0[2]) }
        check("groupNorm 1 group", [randn([2, 4, 7]), randn([4]), randn([4])]) { $0[0].groupNorm(groups: 1, weight: $0[1], bias: $0[2]) }
        check("layerNorm", [randn([2, 3, 5]), randn([5]), randn([5])]) { $0[0].layerNorm(weight: $0[1], bias: $0[2]) }
        check("layerNorm 2 dims", [randn([2, 3, 5]), randn([3, 5]), randn([3, 5])]) { $0[0].layerNorm(normalizedDims: 2, weight: $0[1], bias: $0[2]) }
    }

    /// The fused `batchNorm(…, negativeSlope:)` against `batchNorm(…).leakyRelu(slope:)` in float32, on rows long
    /// enough for the 32-lane sums (output, the three gradients, and the running statistics both update).
    func testBatchNormWithLeakyReluEqualsTheComposition() {
        var r = RandomGenerator(seed: 11)
        let x = Tensor.randn([3, 4, 7, 13], using: &r), w = Tensor.randn([4], using: &r), b = Tensor.randn([4], using: &r)
        let proj = Tensor.randn([3, 4, 7, 13], using: &r)
        func run(fused: Bool) -> (y: [Double], grads: [[Double]], running: [Double]) {
            let inputs = [x, w, b].map { $0.copy().requiringGrad() }
            let rm = Tensor.zeros([4]), rv = Tensor.ones([4])
            let y = fused
                ? inputs[0].batchNorm(runningMean: rm, runningVar: rv, weight: inputs[1], bias: inputs[2], training: true, negativeSlope: 0.1)
                : inputs[0].batchNorm(runningMean: rm, runningVar: rv, weight: inputs[1], bias: inputs[2], training: true).leakyRelu(slope: 0.1)
            (y * proj).sum().backward()
            return (y.doubles, inputs.map { $0.grad?.doubles ?? [] }, rm.doubles + rv.doubles)
        }
        let fused = run(fused: true), composed = run(fused: false)
        XCTAssertTrue(composed.y.contains { $0 < 0 } && composed.y.contains { $0 > 0 })
        XCTAssertLessThan(maxDifference(fused.y, composed.y), 1e-6)
        for (f, c) in zip(fused.grads, composed.grads) {
            XCTAssertEqual(f.count, c.count)
            XCTAssertLessThan(maxDifference(f, c), 1e-4 * max(1, c.map(abs).max() ?? 0))
        }
        XCTAssertEqual(fused.running, composed.running)
    }

    private func maxDifference(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map { abs($0 - $1) }.max() ?? .infinity }

    func testBatchNormRunningStatistics() {
        let x = Tensor(shape: [4, 1], data: [1, 2, 3, 6])
        let rm = Tensor.zeros([1]), rv = Tensor.ones([1])
        _ = x.batchNorm(runningMean: rm, runningVar: rv, weight: nil, bias: nil, training: true, momentum: 0.5)
        XCTAssertEqual(rm.item, 0.5 * 3, accuracy: 1e-6)                  // batch mean 3
        XCTAssertEqual(rv.item, 0.5 * 1 + 0.5 * (14.0 / 3), accuracy: 1e-5) // unbiased variance 14/3
    }

    func testDropout() {
        var r = RandomGenerator(seed: 1)
        let x = Tensor.ones([10_000])
        let y = x.dropout(p: 0.25, training: true, using: &r)
        let kept = y.scalars.filter { $0 != 0 }
        XCTAssertEqual(Double(kept.count) / 10_000, 0.75, accuracy: 0.02)
        XCTAssertTrue(kept.allSatisfy { abs($0 - 1 / 0.75) < 1e-6 })
        XCTAssertEqual(x.dropout(p: 0.5, training: false, using: &r).scalars, x.scalars)
        var r2 = RandomGenerator(seed: 1)
        let mask = (Tensor.ones([6], dtype: .float64).dropout(p: 0.5, training: true, using: &r2))
        check("dropout (fixed mask)", [randn([6])]) { $0[0] * mask }
    }

    func testLosses() {
        let logits = randn([5, 4]), targets = [0, 3, 1, 1, 2]
        let w = Tensor(shape: [4], scalars: [1.0, 1.6, 0.8, 1.3])
        check("crossEntropy", [logits]) { Tensor.crossEntropy(logits: $0[0], targets: targets) }
        check("crossEntropy weighted", [logits]) { Tensor.crossEntropy(logits: $0[0], targets: targets, classWeights: w) }
        check("crossEntropy smoothed", [logits]) {
            Tensor.crossEntropy(logits: $0[0], targets: targets, classWeights: w, labelSmoothing: 0.1)
        }
        let y = Tensor.bernoulli([3, 4], p: 0.5, dtype: .float64, using: &rng)
        check("bceWithLogits", [randn([3, 4]) * 3.0]) { Tensor.binaryCrossEntropyWithLogits(logits: $0[0], targets: y) }
        check("softplus", [randn([3, 4]) * 5.0]) { $0[0].softplus() }
        // Stable at extreme logits: no inf/NaN.
        let big = Tensor(shape: [2], data: [200, -200])
        let l = Tensor.binaryCrossEntropyWithLogits(logits: big, targets: Tensor(shape: [2], data: [0, 1]))
        XCTAssertEqual(l.item, 200, accuracy: 1e-3)
    }
}
