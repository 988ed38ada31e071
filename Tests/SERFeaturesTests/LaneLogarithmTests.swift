import Foundation
import XCTest
import SERTensor
@testable import SERFeatures

/// The 16-lane logarithm against libm's `log` in double precision, rounded to float once.
final class LaneLogarithmTests: XCTestCase {
    /// Every power of two from 2^-126 to 2^127, each with 16 mantissas spread over the octave (both sides of
    /// √½ and √2), plus log-mel's typical values: at most 2 ulp of the float nearest the exact log, or 1e-7
    /// absolute near log = 0 (where an ulp vanishes).
    func testNormalInputsMatchDoublePrecisionLog() {
        var worstUlps = 0.0, worstAbsolute = 0.0
        for exponent in -126...127 {
            var x = SIMD16<Float>()
            for l in 0..<16 { x[l] = Float(sign: .plus, exponent: exponent, significand: 1 + Float(l) / 16 + 0.013) }
            let y = LaneLogarithm.log(x)
            for l in 0..<16 {
                let exact = Foundation.log(Double(x[l]))
                let error = abs(Double(y[l]) - exact)
                worstAbsolute = max(worstAbsolute, error)
                if abs(exact) > 1e-3 { worstUlps = max(worstUlps, error / Double(Float(exact).ulp)) } else {
                    XCTAssertLessThan(error, 1e-7, "x = \(x[l])")
                }
            }
        }
        // Around x = 1, where log x is near 0 and the absolute bound applies.
        var nearOne = SIMD16<Float>()
        for l in 0..<16 { nearOne[l] = 1 + Float(l - 8) * 1e-4 }
        let logNearOne = LaneLogarithm.log(nearOne)
        for l in 0..<16 {
            let exact = Foundation.log(Double(nearOne[l]))
            XCTAssertLessThan(abs(Double(logNearOne[l]) - exact), 1e-7, "x = \(nearOne[l])")
            if abs(exact) > 1e-3 { worstUlps = max(worstUlps, abs(Double(logNearOne[l]) - exact) / Double(Float(exact).ulp)) }
        }
        var rng = RandomGenerator(seed: 3)
        for _ in 0..<2000 {
            var x = SIMD16<Float>()
            for l in 0..<16 { x[l] = Float(exp(rng.nextUniform() * 40 - 25)) }      // 1.4e-11 ... 5.4e6
            let y = LaneLogarithm.log(x)
            for l in 0..<16 {
                let exact = Foundation.log(Double(x[l]))
                if abs(exact) > 1e-3 { worstUlps = max(worstUlps, abs(Double(y[l]) - exact) / Double(Float(exact).ulp)) }
            }
        }
        print("LaneLogarithm: worst \(worstUlps) ulp, worst absolute error \(worstAbsolute)")
        XCTAssertLessThanOrEqual(worstUlps, 2)
    }

    /// Zero, subnormals, negatives, infinity and NaN give libm's answers (the whole vector falls back).
    func testInputsOutsideTheNormalRangeGiveLibmAnswers() {
        var x = SIMD16<Float>(repeating: 1)
        x[0] = 0; x[1] = Float.leastNonzeroMagnitude; x[2] = -1; x[3] = .infinity; x[4] = .nan; x[5] = 2
        let y = LaneLogarithm.log(x)
        XCTAssertEqual(y[0], -.infinity)
        XCTAssertEqual(y[1], Foundation.log(Float.leastNonzeroMagnitude))
        XCTAssertTrue(y[2].isNaN)
        XCTAssertEqual(y[3], .infinity)
        XCTAssertTrue(y[4].isNaN)
        XCTAssertEqual(y[5], Foundation.log(Float(2)))
        XCTAssertEqual(y[6], 0)
    }
}
