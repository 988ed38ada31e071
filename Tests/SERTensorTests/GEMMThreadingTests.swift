import XCTest
@testable import SERTensor

/// Products large enough to be split across the worker pool (``GEMMThreading``) against a float64
/// reference, for every transpose combination, both split directions and leading dimensions wider
/// than the matrices (sub-matrix views).
final class GEMMThreadingTests: XCTestCase {
    func testSplitProductsMatchAFloat64Reference() {
        let saved = GEMMThreading.mode
        GEMMThreading.mode = .swiftser
        defer { GEMMThreading.mode = saved }
        var rng = RandomGenerator(seed: 7)
        // (m, n, k): rows split (m ≥ n), columns split (n > m), and an odd size with ragged panels.
        let shapes = [(300, 200, 40), (70, 400, 64), (257, 131, 33)]
        var worst = 0.0
        for (m, n, k) in shapes {
            XCTAssertGreaterThanOrEqual(m * n * k, GEMMThreading.minimumSplitWork, "case too small to be split")
            for transA in [false, true] {
                for transB in [false, true] {
                    let product = GEMMProduct(m: m, n: n, k: k, transA: transA, transB: transB, alpha: 0.5, beta: 2)
                    let (a, b, c) = product.operands(&rng)
                    worst = max(worst, product.worstError(product.floatGEMM(a, b, c), a, b, c))
                }
            }
        }
        print("GEMM split against float64: worst error \(worst) of Σ|terms|")
        XCTAssertLessThan(worst, 1e-6)
    }
}

/// The speed switches' environment variables: parsed values pass, bad ones are reported by name.
final class TuningVariableTests: XCTestCase {
    func testBadValuesAreReportedNotSilentlyDropped() {
        var lines = [String]()
        let environment = ["SWIFTSER_GEMM_KERNEL": "lane", "SWIFTSER_CONV": "tiles"]
        let kernel = TuningVariable.read("SWIFTSER_GEMM_KERNEL", expected: "onednn, lanes or openblas",
                                         environment: environment, warn: { lines.append($0) },
                                         FloatGEMMKernel.init(rawValue:))
        XCTAssertNil(kernel)
        XCTAssertEqual(lines, ["SwiftSER: ignoring SWIFTSER_GEMM_KERNEL=lane (expected onednn, lanes or openblas); using the default"])
        let conv = TuningVariable.read("SWIFTSER_CONV", expected: "batched or tiles", environment: environment,
                                       warn: { lines.append($0) }, ConvPathChoice.Path.init(rawValue:))
        XCTAssertEqual(conv, .rowTiles)
        let unset = TuningVariable.read("SWIFTSER_POOL_BYTES", expected: "a byte count", environment: environment,
                                        warn: { lines.append($0) }) { Int($0) }
        XCTAssertNil(unset)
        XCTAssertEqual(lines.count, 1, "a valid or unset variable says nothing")
    }
}
