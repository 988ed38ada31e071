import XCTest
import CBLAS
@testable import SERTensor

/// SwiftSER's own float32 GEMM (``LaneGEMM``) against a float64 product and against OpenBLAS, with
/// shapes that cross every block boundary and leave ragged tiles, every transpose combination, leading
/// dimensions wider than the matrices, and the three ways `beta` meets `C`.
final class LaneGEMMTests: XCTestCase {
    /// One product on random data; returns `C` after LaneGEMM and the float64 reference with each
    /// element's scale `Σ|alpha·a·b| + |beta·c|` (the error bound of a float32 sum is relative to it).
    private struct Product {
        var m: Int, n: Int, k: Int, transA: Bool, transB: Bool, alpha: Float, beta: Float
        var lda: Int { (transA ? m : k) + 3 }
        var ldb: Int { (transB ? k : n) + 2 }
        var ldc: Int { n + 5 }

        func operands(_ rng: inout RandomGenerator) -> (a: [Float], b: [Float], c: [Float]) {
            let a = (0..<((transA ? k : m) * lda)).map { _ in Float(rng.nextNormal()) }
            let b = (0..<((transB ? n : k) * ldb)).map { _ in Float(rng.nextNormal()) }
            // beta == 0 must not read C: fill it with NaN, which would leak into every element.
            let c = (0..<(m * ldc)).map { _ in beta == 0 ? Float.nan : Float(rng.nextNormal()) }
            return (a, b, c)
        }

        func laneGEMM(_ a: [Float], _ b: [Float], _ c: [Float], splitting: Bool) -> [Float] {
            var out = c
            out.withUnsafeMutableBufferPointer { pc in
                LaneGEMM.multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                                  b: b, ldb: ldb, beta: beta, c: pc.baseAddress!, ldc: ldc, splitting: splitting)
            }
            return out
        }

        func openBLAS(_ a: [Float], _ b: [Float], _ c: [Float]) -> [Float] {
            var out = c
            out.withUnsafeMutableBufferPointer { pc in
                cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta,
                            pc.baseAddress!, Int32(ldc))
            }
            return out
        }

        /// Worst `|C − C64| / scale` over the `m × n` elements; padding columns must be untouched.
        func worstError(_ result: [Float], _ a: [Float], _ b: [Float], _ c: [Float]) -> Double {
            var worst = 0.0
            for i in 0..<m {
                for j in 0..<ldc {
                    guard j < n else {
                        XCTAssert(result[i * ldc + j].bitPattern == c[i * ldc + j].bitPattern,
                                  "padding column \(j) of row \(i) was written")
                        continue
                    }
                    var sum = 0.0, scale = 0.0
                    for p in 0..<k {
                        let term = Double(transA ? a[p * lda + i] : a[i * lda + p])
                            * Double(transB ? b[j * ldb + p] : b[p * ldb + j])
                        sum += term
                        scale += abs(term)
                    }
                    var expected = Double(alpha) * sum
                    scale = abs(Double(alpha)) * scale
                    if beta != 0 {
                        expected += Double(beta) * Double(c[i * ldc + j])
                        scale += abs(Double(beta) * Double(c[i * ldc + j]))
                    }
                    let got = Double(result[i * ldc + j])
                    guard got.isFinite else { return .infinity }
                    worst = max(worst, abs(got - expected) / max(scale, 1e-30))
                }
            }
            return worst
        }
    }

    func testProductsMatchFloat64AndOpenBLAS() {
        var rng = RandomGenerator(seed: 11)
        // (m, n, k): ragged in all three; rows past one row block (144); columns past one column block (2048);
        // exact tiles; tiny; inner dimension past one step block (256) with a ragged rest.
        let shapes = [(13, 33, 257), (150, 70, 40), (20, 2090, 9), (12, 32, 256), (1, 5, 3), (25, 64, 520)]
        var worstFloat64 = 0.0, worstOpenBLAS = 0.0
        for (m, n, k) in shapes {
            for transA in [false, true] {
                for transB in [false, true] {
                    for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-1.5, -0.75)] {
                        let product = Product(m: m, n: n, k: k, transA: transA, transB: transB, alpha: alpha, beta: beta)
                        let (a, b, c) = product.operands(&rng)
                        let lanes = product.laneGEMM(a, b, c, splitting: false)
                        let error = product.worstError(lanes, a, b, c)
                        let reference = product.openBLAS(a, b, c)
                        let openBLASError = product.worstError(reference, a, b, c)
                        XCTAssertLessThan(error, 1e-6, "\(m)x\(n)x\(k) transA \(transA) transB \(transB) beta \(beta)")
                        worstFloat64 = max(worstFloat64, error)
                        worstOpenBLAS = max(worstOpenBLAS, openBLASError)
                    }
                }
            }
        }
        print("LaneGEMM against float64: worst error \(worstFloat64) of Σ|terms| (OpenBLAS on the same products: \(worstOpenBLAS))")
    }

    /// The inner sums run in the same order however `C` is split, so splitting changes no bit.
    func testSplittingAcrossWorkersChangesNoBit() throws {
        try XCTSkipIf(Parallel.workerCount < 2, "one worker: nothing is split")
        var rng = RandomGenerator(seed: 12)
        for (m, n, k, transA, transB) in [(300, 200, 40, false, true), (70, 400, 64, true, false)] {
            XCTAssertGreaterThanOrEqual(m * n * k, GEMMThreading.minimumSplitWork, "case too small to be split")
            let product = Product(m: m, n: n, k: k, transA: transA, transB: transB, alpha: 0.5, beta: 2)
            let (a, b, c) = product.operands(&rng)
            let whole = product.laneGEMM(a, b, c, splitting: false)
            let split = product.laneGEMM(a, b, c, splitting: true)
            XCTAssertEqual(whole.map(\.bitPattern), split.map(\.bitPattern), "\(m)x\(n)x\(k)")
            XCTAssertLessThan(product.worstError(split, a, b, c), 1e-6)
        }
    }

    /// `op(B)` packed once (``LaneGEMMPackedOperand``) gives the bits of packing it per call, split or not; the
    /// shapes cross a step block (256) and a column block (2048), with ragged strips.
    func testPackedRightOperandChangesNoBit() {
        var rng = RandomGenerator(seed: 14)
        for (m, n, k) in [(13, 33, 257), (20, 2090, 300), (300, 70, 40)] {
            for transB in [false, true] {
                let product = Product(m: m, n: n, k: k, transA: false, transB: transB, alpha: 1, beta: 0.5)
                let (a, b, c) = product.operands(&rng)
                let packed = LaneGEMMPackedOperand(b: b, ldb: product.ldb, transposed: transB, k: k, n: n)
                for splitting in [false, true] {
                    var viaPacked = c
                    viaPacked.withUnsafeMutableBufferPointer { pc in
                        LaneGEMM.multiply(transA: false, m: m, alpha: 1, a: a, lda: product.lda, packed: packed,
                                          beta: 0.5, c: pc.baseAddress!, ldc: product.ldc, splitting: splitting)
                    }
                    let raw = product.laneGEMM(a, b, c, splitting: splitting)
                    XCTAssertEqual(viaPacked.map(\.bitPattern), raw.map(\.bitPattern),
                                   "\(m)x\(n)x\(k) transB \(transB) splitting \(splitting)")
                }
            }
        }
    }

    func testEmptyInnerDimensionScalesC() {
        let product = Product(m: 3, n: 4, k: 0, transA: false, transB: false, alpha: 1, beta: 0.5)
        let c = (0..<(3 * product.ldc)).map { Float($0) }
        let result = product.laneGEMM([], [], c, splitting: true)
        for i in 0..<3 {
            for j in 0..<product.ldc {
                let before = c[i * product.ldc + j]
                XCTAssertEqual(result[i * product.ldc + j], j < 4 ? 0.5 * before : before, "row \(i) column \(j)")
            }
        }
    }

    /// `Float.gemm` sends products of at least ``LaneGEMM/minimumWork`` multiply-adds to LaneGEMM only
    /// while it is selected, and OpenBLAS runs on one thread meanwhile.
    func testSelectionRoutesFloatGEMMAndSetsOpenBLASToOneThread() {
        let (savedSelection, savedMode) = (LaneGEMM.isSelected, GEMMThreading.mode)
        defer { (LaneGEMM.isSelected, GEMMThreading.mode) = (savedSelection, savedMode) }
        GEMMThreading.mode = .openblas
        var rng = RandomGenerator(seed: 13)
        let product = Product(m: 40, n: 60, k: 300, transA: false, transB: false, alpha: 1, beta: 0)
        XCTAssertGreaterThanOrEqual(product.m * product.n * product.k, LaneGEMM.minimumWork)
        let (a, b, c) = product.operands(&rng)
        func viaFloatGEMM() -> [Float] {
            var out = c
            out.withUnsafeMutableBufferPointer { pc in
                Float.gemm(transA: false, transB: false, m: product.m, n: product.n, k: product.k, alpha: 1, a: a,
                           lda: product.lda, b: b, ldb: product.ldb, beta: 0, c: pc.baseAddress!, ldc: product.ldc)
            }
            return out
        }
        let lanes = product.laneGEMM(a, b, c, splitting: true).map(\.bitPattern)
        let openBLAS = product.openBLAS(a, b, c).map(\.bitPattern)
        XCTAssertNotEqual(lanes, openBLAS, "the two kernels round differently on this product; the test needs that")
        LaneGEMM.isSelected = true
        XCTAssertEqual(openblas_get_num_threads(), 1)
        XCTAssertEqual(viaFloatGEMM().map(\.bitPattern), lanes)
        LaneGEMM.isSelected = false
        XCTAssertEqual(viaFloatGEMM().map(\.bitPattern), openBLAS)
    }
}
