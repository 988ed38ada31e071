import XCTest
@testable import SERTensor

/// Behaviour of the autograd engine itself: accumulation, no-grad scopes, detach, leaves.
final class AutogradTests: XCTestCase {
    func testGradientsAccumulateAcrossBackwardCalls() {
        let w = Tensor([1, 2, 3], requiresGrad: true)
        (w * w).sum().backward()
        XCTAssertEqual(w.grad?.scalars, [2, 4, 6])
        (w * 3.0).sum().backward()
        XCTAssertEqual(w.grad?.scalars, [5, 7, 9])
        w.zeroGrad()
        XCTAssertNil(w.grad)
    }

    func testFanOutSumsContributions() {
        // y = x*x + x uses x three times: dy/dx = 2x + 1.
        let x = Tensor([0.5, -1], requiresGrad: true)
        (x * x + x).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [2, -1])
    }

    func testNoGradScopeRecordsNothing() {
        let x = Tensor([1, 2], requiresGrad: true)
        let y = withNoGrad { x * 2.0 }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertNil(y.gradFn)
        XCTAssertTrue(GradMode.isEnabled, "no-grad state must be restored")
        let z = x * 2.0
        XCTAssertTrue(z.requiresGrad)
        XCTAssertEqual(z.gradFn?.name, "mul")
    }

    func testNoGradIsPerThread() {
        let done = expectation(description: "worker")
        withNoGrad {
            Thread.detachNewThread {
                XCTAssertTrue(GradMode.isEnabled)
                done.fulfill()
            }
            wait(for: [done], timeout: 5)
        }
    }

    func testDetachCutsTheGraph() {
        let x = Tensor([3], requiresGrad: true)
        let y = x * x.detach()  // d/dx = x (the detached factor is a constant)
        y.sum().backward()
        XCTAssertEqual(x.grad?.scalars, [3])
    }

    func testInputsWithoutRequiresGradGetNoGradient() {
        let a = Tensor([1, 2], requiresGrad: true), b = Tensor([3, 4])
        (a * b).sum().backward()
        XCTAssertEqual(a.grad?.scalars, [3, 4])
        XCTAssertNil(b.grad)
    }

    func testBackwardWithExplicitGradient() {
        let x = Tensor([1, 2, 3], requiresGrad: true)
        (x * 2.0).backward(Tensor([1, 0, -1]))
        XCTAssertEqual(x.grad?.scalars, [2, 0, -2])
    }

    func testDeepChainDoesNotOverflowTheStack() {
        let x = Tensor([1], requiresGrad: true)
        var y = x
        for _ in 0..<20_000 { y = y * 1.0 }
        y.sum().backward()
        XCTAssertEqual(x.grad?.scalars, [1])
    }
}
