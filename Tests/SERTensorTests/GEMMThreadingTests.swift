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
                    let pad = 5                                            // leading dimensions wider than the data
                    let (ar, ac) = transA ? (k, m) : (m, k), (br, bc) = transB ? (n, k) : (k, n)
                    let lda = ac + pad, ldb = bc + pad, ldc = n + pad
                    let a = (0..<(ar * lda)).map { _ in Float(rng.nextNormal()) }
                    let b = (0..<(br * ldb)).map { _ in Float(rng.nextNormal()) }
                    var c = (0..<(m * ldc)).map { _ in Float(rng.nextNormal()) }
                    let c0 = c
                    a.withUnsafeBufferPointer { pa in
                        b.withUnsafeBufferPointer { pb in
                            c.withUnsafeMutableBufferPointer { pc in
                                Float.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5,
                                           a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                                           beta: 2, c: pc.baseAddress!, ldc: ldc)
                            }
                        }
                    }
                    for i in 0..<m {
                        for j in 0..<ldc {
                            guard j < n else {
                                XCTAssertEqual(c[i * ldc + j], c0[i * ldc + j], "padding column \(j) was written")
                                continue
                            }
                            var s = 0.0
                            for p in 0..<k {
                                let av = transA ? a[p * lda + i] : a[i * lda + p]
                                let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                                s += Double(av) * Double(bv)
                            }
                            let expected = 0.5 * s + 2 * Double(c0[i * ldc + j])
                            worst = max(worst, abs(Double(c[i * ldc + j]) - expected) / max(1, abs(expected)))
                        }
                    }
                }
            }
        }
        print("GEMM split against float64: worst relative error \(worst)")
        XCTAssertLessThan(worst, 1e-5)
    }
}

/// The speed switches' environment variables: parsed values pass, bad ones are reported by name.
final class TuningVariableTests: XCTestCase {
    func testBadValuesAreReportedNotSilentlyDropped() {
        var lines = [String]()
        let environment = ["SWIFTSER_GEMM_KERNEL": "lane", "SWIFTSER_CONV": "tiles"]
        let kernel = TuningVariable.read("SWIFTSER_GEMM_KERNEL", expected: "lanes or openblas", environment: environment,
                                         warn: { lines.append($0) }) { $0 == "lanes" ? true : nil }
        XCTAssertNil(kernel)
        XCTAssertEqual(lines, ["SwiftSER: ignoring SWIFTSER_GEMM_KERNEL=lane (expected lanes or openblas); using the default"])
        let conv = TuningVariable.read("SWIFTSER_CONV", expected: "batched or tiles", environment: environment,
                                       warn: { lines.append($0) }, ConvPathChoice.Path.init(rawValue:))
        XCTAssertEqual(conv, .rowTiles)
        let unset = TuningVariable.read("SWIFTSER_POOL_BYTES", expected: "a byte count", environment: environment,
                                        warn: { lines.append($0) }) { Int($0) }
        XCTAssertNil(unset)
        XCTAssertEqual(lines.count, 1, "a valid or unset variable says nothing")
    }
}
