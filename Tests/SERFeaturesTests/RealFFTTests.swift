import Foundation
import XCTest
@testable import SERFeatures

final class RealFFTTests: XCTestCase {
    /// Naive double-precision DFT of real input: the independent reference.
    func testMatchesNaiveDFT() throws {
        var rng = RandomGenerator(seed: 7)
        for n in [2, 4, 6, 8, 30, 256, 400, 512] {
            let x = (0..<n).map { _ in Float(rng.nextNormal()) }
            let plan = try XCTUnwrap(RealFFT(size: n))
            XCTAssertEqual(plan.binCount, n / 2 + 1)
            let (re, im) = plan.forward(x)
            let ref = referenceDFT(x)
            let scale = sqrt(Double(n))  // typical bin magnitude for unit-variance input
            var worst = 0.0
            for k in 0..<plan.binCount {
                worst = max(worst, abs(Double(re[k]) - ref.re[k]) / scale, abs(Double(im[k]) - ref.im[k]) / scale)
            }
            print("RealFFT n=\(n): worst |error| / sqrt(n) = \(worst)")
            XCTAssertLessThan(worst, 1e-6, "n=\(n)")
        }
    }

    func testRejectsInvalidSizes() {
        XCTAssertNil(RealFFT(size: 0))
        XCTAssertNil(RealFFT(size: 1))
        XCTAssertNil(RealFFT(size: 7))
        XCTAssertNil(RealFFT(size: -4))
        XCTAssertTrue(RealFFTPlanCache().withPlan(size: 9) { $0 == nil })
    }

    func testPlanCacheReusesPlans() throws {
        let cache = RealFFTPlanCache(maximumIdlePlansPerSize: 2)
        let a = try XCTUnwrap(cache.checkOut(size: 64))
        let b = try XCTUnwrap(cache.checkOut(size: 64))
        XCTAssertFalse(a === b, "two concurrent borrowers must get distinct plans")
        let c = try XCTUnwrap(cache.checkOut(size: 64))
        cache.checkIn(a); cache.checkIn(b); cache.checkIn(c)
        XCTAssertEqual(cache.idleCount(size: 64), 2, "idle plans beyond the cap are freed")
        let d = try XCTUnwrap(cache.checkOut(size: 64))
        XCTAssertTrue(d === a || d === b, "a returned plan is reused")
    }

    func testConcurrentUseGivesIdenticalResults() throws {
        let n = 512
        var rng = RandomGenerator(seed: 3)
        let x = (0..<n).map { _ in Float(rng.nextNormal()) }
        let expected = try XCTUnwrap(RealFFT(size: n)).forward(x)
        let lock = NSLock()
        var mismatches = 0
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            let ok = RealFFTPlanCache.shared.withPlan(size: n) { plan -> Bool in
                guard let plan else { return false }
                var same = true
                for _ in 0..<20 {
                    let r = plan.forward(x)
                    same = same && r.real == expected.real && r.imaginary == expected.imaginary
                }
                return same
            }
            if !ok { lock.lock(); mismatches += 1; lock.unlock() }
        }
        XCTAssertEqual(mismatches, 0)
    }
}
