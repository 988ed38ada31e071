import SERTestSupport
import XCTest
@testable import SERTraining

/// The in-place update kernels split large parameters across threads; the result must not depend on it.
final class OptimizerKernelTests: XCTestCase {
    /// One large parameter (updated in parallel chunks) against the same values as many small parameters
    /// (each below the parallel threshold, updated serially): bit-identical after a few steps.
    func testParallelUpdateMatchesSerial() throws {
        let n = 1 << 17, pieces = 64, piece = n / pieces
        XCTAssertGreaterThan(n * 6, Parallel.minimumParallelElements)
        XCTAssertLessThan(piece * 8, Parallel.minimumParallelElements)
        var rng = RandomGenerator(seed: 3)
        for dtype in [DType.float32, .float64] {
            let makers: [(String, ([(name: String, tensor: Tensor)]) throws -> Optimizer)] = [
                ("Adam", { try Adam(parameters: $0, learningRate: 1e-2, weightDecay: 0.1) }),
                ("AdamW", { try AdamW(parameters: $0, learningRate: 1e-2) }),
                ("SGD", { try SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01) }),
            ]
            for (name, make) in makers {
                let values = Tensor.randn([n], dtype: dtype, using: &rng)
                let big = values.copy().requiringGrad()
                let vd = values.doubles
                let small = (0..<pieces).map { i in
                    Tensor(shape: [piece], scalars: Array(vd[(i * piece)..<((i + 1) * piece)]))
                        .to(dtype).requiringGrad()
                }
                let optBig = try make([("big", big)])
                let optSmall = try make(small.enumerated().map { ("p\($0.offset)", $0.element) })
                for _ in 0..<3 {
                    let g = Tensor.randn([n], dtype: dtype, using: &rng)
                    big.grad = g
                    let gd = g.doubles
                    for (i, p) in small.enumerated() {
                        p.grad = Tensor(shape: [piece], scalars: Array(gd[(i * piece)..<((i + 1) * piece)])).to(dtype)
                    }
                    optBig.step()
                    optSmall.step()
                }
                XCTAssertEqual(big.doubles, small.flatMap(\.doubles), "\(name) \(dtype)")
                XCTAssertNotEqual(big.doubles, values.doubles)
            }
        }
    }
}
