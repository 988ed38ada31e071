import SERTestSupport
import XCTest
@testable import SERTraining

/// Optimisers actually minimise: a convex least-squares problem with a known zero-loss solution.
final class OptimizerLearningTests: XCTestCase {
    /// loss(w) = mean((A·w − b)²) with b = A·w*, A [64, 8] Gaussian; starting from w = 0.
    func leastSquares(_ make: ([(name: String, tensor: Tensor)]) throws -> Optimizer, steps: Int,
                      schedule: (any StepSchedule)? = nil) throws -> (initial: Double, final: Double, error: Double) {
        var rng = RandomGenerator(seed: 11)
        let a = Tensor.randn([64, 8], using: &rng)
        let wStar = Tensor.randn([8, 1], using: &rng)
        let b = withNoGrad { a.matmul(wStar) }
        let w = Tensor.zeros([8, 1], requiresGrad: true)
        let opt = try make([("w", w)])
        var initial = 0.0, last = 0.0
        for k in 0..<steps {
            schedule?.apply(to: opt, atStep: k)
            opt.zeroGrad()
            let loss = (a.matmul(w) - b).square().mean()
            loss.backward()
            last = Double(loss.item)
            if k == 0 { initial = last }
            opt.step()
        }
        let err = zip(w.doubles, wStar.doubles).map { abs($0 - $1) }.max() ?? .nan
        return (initial, last, err)
    }

    func testAdamMinimisesLeastSquares() throws {
        let r = try leastSquares({ try Adam(parameters: $0, learningRate: 0.05) }, steps: 600,
                                 schedule: try CosineWarmupLR(warmupSteps: 20, totalSteps: 600))
        print("Adam least squares: loss \(r.initial) -> \(r.final), max |w - w*| \(r.error)")
        XCTAssertLessThan(r.final, 1e-6 * r.initial)
        XCTAssertLessThan(r.error, 1e-3)
    }

    func testSGDMomentumMinimisesLeastSquares() throws {
        let r = try leastSquares({ try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9, nesterov: true) }, steps: 300)
        print("SGD (Nesterov) least squares: loss \(r.initial) -> \(r.final), max |w - w*| \(r.error)")
        XCTAssertLessThan(r.final, 1e-6 * r.initial)
    }

    func testAdamWShrinksTowardsZero() throws {
        // With decoupled weight decay the minimiser is pulled towards 0: the loss stalls above the unregularised one.
        let plain = try leastSquares({ try AdamW(parameters: $0, learningRate: 0.05, weightDecay: 0) }, steps: 400)
        let decayed = try leastSquares({ try AdamW(parameters: $0, learningRate: 0.05, weightDecay: 0.5) }, steps: 400)
        print("AdamW least squares: loss without decay \(plain.final), with decay 0.5 \(decayed.final)")
        XCTAssertLessThan(plain.final, 1e-3 * plain.initial)
        XCTAssertGreaterThan(decayed.final, 100 * plain.final)
    }
}
