import XCTest
@testable import SERTensor

final class QuickTests: XCTestCase {
    func testBasics() {
        var rng = RandomGenerator(seed: 1)
        let a = Tensor.randn([3, 4], using: &rng)
        let b = Tensor.randn([4], using: &rng)
        let r = GradientChecker().check([a, b]) { x in ((x[0] * x[1]).tanh() + x[0].matmul(x[1])
            .unsqueezed(1)).softmax(axis: 0).logSumExp(axes: [1]) }
        print(r)
        XCTAssertLessThan(r.maxRelativeError, 1e-7)
    }
}
