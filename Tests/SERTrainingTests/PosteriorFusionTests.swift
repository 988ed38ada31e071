import Foundation
import XCTest
@testable import SERTraining

/// The late-fusion arithmetic and the choice of its weight on validation utterances (``PosteriorFusion``).
final class PosteriorFusionTests: XCTestCase {
    func testWeightedMeanIsTheModelFilesCombination() {
        let a: [[Double]] = [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]
        let b: [[Double]] = [[0.1, 0.6, 0.3], [0.3, 0.3, 0.4]]
        let mean = PosteriorFusion.weightedMean([a, b], weights: [3, 1])
        // Σ w p / Σ w, by hand.
        XCTAssertEqual(mean[0][0], (3 * 0.7 + 0.1) / 4, accuracy: 1e-15)
        XCTAssertEqual(mean[0][1], (3 * 0.2 + 0.6) / 4, accuracy: 1e-15)
        XCTAssertEqual(mean[1][2], (3 * 0.8 + 0.4) / 4, accuracy: 1e-15)
        for row in mean { XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-12) }
        // w · a + (1 − w) · b is the same mean with weights w and 1 − w.
        let fused = PosteriorFusion.fuse(network: a, functionals: b, networkWeight: 0.75)
        for (x, y) in zip(fused.joined(), mean.joined()) { XCTAssertEqual(x, y, accuracy: 1e-15) }
        XCTAssertEqual(PosteriorFusion.predictions(mean), [0, 2])
        XCTAssertEqual(PosteriorFusion.predictions([[0.4, 0.4, 0.2]]), [0], "ties go to the first class")
    }

    /// Two parts that each get half the classes right: only a mix gets all of them.
    func testChoosesTheWeightThatValidationSupports() {
        // Class 0 utterances: the network is sure and right, the functionals mildly wrong; class 1 the reverse.
        let network: [[Double]] = [[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.6, 0.4]]
        let functionals: [[Double]] = [[0.4, 0.6], [0.4, 0.6], [0.1, 0.9], [0.1, 0.9]]
        let labels = [0, 0, 1, 1]
        let (chosen, candidates) = PosteriorFusion.chooseWeight(network: network, functionals: functionals, labels: labels, classes: 2,
                                                                grid: [0, 0.25, 0.5, 0.75, 1])
        XCTAssertEqual(candidates.map(\.networkWeight), [0, 0.25, 0.5, 0.75, 1])
        XCTAssertEqual(candidates[0].validationUA, 0.5)   // functionals alone: class 1 only
        XCTAssertEqual(candidates[4].validationUA, 0.5)   // network alone: class 0 only
        // w = 0.5: class 0 → 0.65 vs 0.35 right; class 1 → 0.35 vs 0.65 right.
        XCTAssertEqual(candidates[2].validationUA, 1)
        XCTAssertEqual(chosen.networkWeight, 0.5)
        // The NLL is the class-balanced mean of −log p(true class).
        let expected = (-log(0.65) + -log(0.65)) / 2
        XCTAssertEqual(candidates[2].validationNLL, expected, accuracy: 1e-12)
    }

    func testTiesGoToTheSmallerNLLThenToEqualTrust() {
        let p: [[Double]] = [[0.8, 0.2], [0.3, 0.7]]
        let q: [[Double]] = [[0.6, 0.4], [0.4, 0.6]]
        // Both right everywhere: every weight has UA 1, and the surer network part has the smaller NLL.
        XCTAssertEqual(PosteriorFusion.chooseWeight(network: p, functionals: q, labels: [0, 1], classes: 2, grid: [0, 0.5, 1]).chosen.networkWeight, 1)
        // Identical parts: UA and NLL tie everywhere, so the weight nearest 0.5.
        XCTAssertEqual(PosteriorFusion.chooseWeight(network: p, functionals: p, labels: [0, 1], classes: 2, grid: [0, 0.4, 1]).chosen.networkWeight, 0.4)
    }
}
