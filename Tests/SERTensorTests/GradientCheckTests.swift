import XCTest
import SERTestSupport
@testable import SERTensor

/// Finite-difference gradient checks (float64, central differences) for every differentiable op in
/// the elementwise, reduction, softmax and matmul families, on broadcasting shapes with odd lengths.
/// A correct backward agrees to ~1e-9; the tolerance 1e-6 leaves margin yet catches any wrong rule.
final class GradientCheckTests: XCTestCase {
    var rng = RandomGenerator(seed: 42)
    let tolerance = 1e-6
    nonisolated(unsafe) static var worst: [String: Double] = [:]

    func randn(_ shape: [Int]) -> Tensor { Tensor.randn(shape, dtype: .float64, using: &rng) }
    func positive(_ shape: [Int]) -> Tensor { Tensor.uniform(shape, low: 0.3, high: 2.0, dtype: .float64, using: &rng) }
    /// Values bounded away from 0 so |x|, relu and friends are differentiable at every sample.
    func awayFromZero(_ shape: [Int]) -> Tensor {
        let u = Tensor.uniform(shape, low: 0.2, high: 1.5, dtype: .float64, using: &rng)
        let s = Tensor.bernoulli(shape, p: 0.5, dtype: .float64, using: &rng) * 2.0 - 1.0
        return u * s
    }

    func check(_ name: String, _ inputs: [Tensor], file: StaticString = #filePath, line: UInt = #line,
               _ f: ([Tensor]) -> Tensor) {
        let r = GradientChecker().check(inputs, f)
        print("gradcheck \(name): \(r)")
        GradientCheckTests.worst[name] = r.maxRelativeError
        XCTAssertLessThan(r.maxRelativeError, tolerance, "\(name): \(r)", file: file, line: line)
    }

    func testBinaryOpsWithBroadcasting() {
        let shapes: [([Int], [Int])] = [([3, 5], [3, 5]), ([2, 3, 5], [5]), ([4, 1, 3], [1, 5, 1]), ([7], []), ([3, 1], [1, 4])]
        for (sa, sb) in shapes {
            check("add \(sa)+\(sb)", [randn(sa), randn(sb)]) { $0[0] + $0[1] }
            check("sub \(sa)-\(sb)", [randn(sa), randn(sb)]) { $0[0] - $0[1] }
            check("mul \(sa)*\(sb)", [randn(sa), randn(sb)]) { $0[0] * $0[1] }
            check("div \(sa)/\(sb)", [randn(sa), awayFromZero(sb)]) { $0[0] / $0[1] }
            check("pow \(sa)^\(sb)", [positive(sa), randn(sb)]) { $0[0].pow($0[1]) }
        }
        // maximum/minimum away from ties.
        let a = randn([3, 4]), b = a + awayFromZero([3, 4]) * 0.5
        check("maximum", [a, b]) { Tensor.maximum($0[0], $0[1]) }
        check("minimum", [a, b]) { Tensor.minimum($0[0], $0[1]) }
        check("scalar ops", [randn([5])]) { (2.0 * $0[0] + 1.0) / 3.0 - 0.5 }
    }

    func testUnaryOps() {
        let x = awayFromZero([3, 7]), p = positive([3, 7])
        check("neg", [x]) { -$0[0] }
        check("exp", [x]) { $0[0].exp() }
        check("log", [p]) { $0[0].log() }
        check("log1p", [p]) { $0[0].log1p() }
        check("sqrt", [p]) { $0[0].sqrt() }
        check("abs", [x]) { $0[0].abs() }
        check("sin", [x]) { $0[0].sin() }
        check("cos", [x]) { $0[0].cos() }
        check("tanh", [x]) { $0[0].tanh() }
        check("sigmoid", [x * 4.0]) { $0[0].sigmoid() }
        check("relu", [x]) { $0[0].relu() }
        check("leakyRelu", [x]) { $0[0].leakyRelu(slope: 0.1) }
        check("clamp", [x]) { $0[0].clamp(min: -0.9, max: 0.8) }
        check("powScalar", [p]) { $0[0].pow(2.5) }
        check("square", [x]) { $0[0].square() }
        check("to(float32) round trip keeps graph", [x]) { $0[0].to(.float64) * 2.0 }
    }

    func testWhereAndMaskedFill() {
        let c = Tensor.bernoulli([3, 4], p: 0.5, dtype: .float64, using: &rng)
        check("where", [randn([3, 4]), randn([4])]) { Tensor.where(c, $0[0], $0[1]) }
        check("maskedFill", [randn([3, 4])]) { $0[0].maskedFill(c, -2) }
    }

    func testReductions() {
        let shape = [3, 4, 5]
        for axes: [Int]? in [nil, [0], [1], [2], [0, 2], [1, 2], [-1]] {
            check("sum \(String(describing: axes))", [randn(shape)]) { $0[0].sum(axes: axes) }
            check("mean \(String(describing: axes))", [randn(shape)]) { $0[0].mean(axes: axes, keepDims: true) }
            check("variance \(String(describing: axes))", [randn(shape)]) { $0[0].variance(axes: axes) }
            check("biased variance \(String(describing: axes))", [randn(shape)]) { $0[0].variance(axes: axes, unbiased: false) }
            check("max \(String(describing: axes))", [randn(shape)]) { $0[0].max(axes: axes) }
            check("min \(String(describing: axes))", [randn(shape)]) { $0[0].min(axes: axes) }
            check("logSumExp \(String(describing: axes))", [randn(shape)]) { $0[0].logSumExp(axes: axes) }
        }
    }

    func testSoftmaxFamily() {
        for axis in [0, 1, 2, -1] {
            check("softmax \(axis)", [randn([3, 4, 5])]) { $0[0].softmax(axis: axis) }
            check("logSoftmax \(axis)", [randn([3, 4, 5])]) { $0[0].logSoftmax(axis: axis) }
        }
    }

    func testMatmul() {
        let cases: [([Int], [Int], Bool, Bool)] = [
            ([3, 4], [4, 5], false, false), ([4, 3], [4, 5], true, false), ([3, 4], [5, 4], false, true),
            ([4, 3], [5, 4], true, true), ([2, 3, 4], [4, 5], false, false), ([2, 3, 4], [2, 4, 5], false, false),
            ([4, 5], [3, 5, 2], false, false), ([2, 1, 3, 4], [1, 3, 5, 4], false, true), ([4], [4, 5], false, false),
            ([3, 4], [4], false, false), ([2, 4, 3], [4, 5], true, false),
        ]
        for (sa, sb, ta, tb) in cases {
            check("matmul \(sa)\(ta ? "ᵀ" : "")·\(sb)\(tb ? "ᵀ" : "")", [randn(sa), randn(sb)]) {
                $0[0].matmul($0[1], transposeA: ta, transposeB: tb)
            }
        }
    }

    func testReshapeFamily() {
        check("reshape", [randn([3, 4])]) { $0[0].reshaped([2, -1, 3]) * $0[0].reshaped([2, 2, 3]) }
        check("unsqueeze/squeeze", [randn([3, 1, 5])]) { $0[0].squeezed().unsqueezed(0).flattened(from: 1) }
        check("expand", [randn([3, 1])]) { $0[0].expanded(to: [2, 3, 4]) }
    }

    func testComposite() {
        // A small MLP-like expression exercising graph fan-out and gradient accumulation.
        check("composite", [randn([4, 3]), randn([3, 5]), randn([5])]) { x in
            let h = (x[0].matmul(x[1]) + x[2]).tanh()
            return (h * h.sigmoid()).logSoftmax(axis: -1).mean(axes: [0]) + h.sum()
        }
    }
}
