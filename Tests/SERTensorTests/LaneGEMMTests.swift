import XCTest
import CBLAS
@testable import SERTensor

/// SwiftSER's own float32 GEMM (``LaneGEMM``) against a float64 product and against OpenBLAS, with
/// shapes that cross every block boundary and leave ragged tiles, every transpose combination, leading
/// dimensions wider than the matrices, and the three ways `beta` meets `C`.
final class LaneGEMMTests: XCTestCase {
    func testProductsMatchFloat64AndOpenBLAS() {
        var rng = RandomGenerator(seed: 11)
        // (m, n, k): ragged in all three; rows past one row block (144); columns past one column block (2048);
        // exact tiles; tiny; inner dimension past one step block (256) with a ragged rest.
        let shapes = [(13, 33, 257), (150, 70, 40), (20, 2090, 9), (12, 32, 256), (1, 5, 3), (25, 64, 520)]
        var worstFloat64 = 0.0, worstOpenBLAS = 0.0
        GEMMProduct.forEachCase(shapes, &rng) { product, a, b, c in
            let error = product.worstError(product.laneGEMM(a, b, c, splitting: false), a, b, c)
            XCTAssertLessThan(error, 1e-6, "\(product)")
            worstFloat64 = max(worstFloat64, error)
            worstOpenBLAS = max(worstOpenBLAS, product.worstError(product.openBLAS(a, b, c), a, b, c))
        }
        print("LaneGEMM against float64: worst error \(worstFloat64) of Σ|terms| (OpenBLAS on the same products: \(worstOpenBLAS))")
    }

    /// The inner sums run in the same order however `C` is split, so splitting changes no bit.
    func testSplittingAcrossWorkersChangesNoBit() throws {
        try XCTSkipIf(Parallel.workerCount < 2, "one worker: nothing is split")
        var rng = RandomGenerator(seed: 12)
        for (m, n, k, transA, transB) in [(300, 200, 40, false, true), (70, 400, 64, true, false)] {
            XCTAssertGreaterThanOrEqual(m * n * k, GEMMThreading.minimumSplitWork, "case too small to be split")
            let product = GEMMProduct(m: m, n: n, k: k, transA: transA, transB: transB, alpha: 0.5, beta: 2)
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
                let product = GEMMProduct(m: m, n: n, k: k, transA: false, transB: transB, alpha: 1, beta: 0.5)
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
        GEMMProduct.checkEmptyInnerDimensionScalesC { $0.laneGEMM([], [], $1, splitting: true) }
    }

    /// `Float.gemm` sends products of at least ``FloatGEMMKernel/minimumWork`` multiply-adds to LaneGEMM only
    /// while it is selected, and OpenBLAS runs on one thread meanwhile.
    func testSelectionRoutesFloatGEMMAndSetsOpenBLASToOneThread() {
        GEMMProduct.withSelectionRestored {
            // OpenBLAS's reference with the thread count it has when it runs every product (its generic kernel rounds
            // differently with 1 and 2 threads).
            FloatGEMMKernel.selected = .openBLAS
            var rng = RandomGenerator(seed: 13)
            let product = GEMMProduct(m: 40, n: 60, k: 300, transA: false, transB: false, alpha: 1, beta: 0)
            XCTAssertGreaterThanOrEqual(product.m * product.n * product.k, FloatGEMMKernel.minimumWork)
            let (a, b, c) = product.operands(&rng)
            let lanes = product.laneGEMM(a, b, c, splitting: true).map(\.bitPattern)
            let openBLAS = product.openBLAS(a, b, c).map(\.bitPattern)
            XCTAssertNotEqual(lanes, openBLAS, "the two kernels round differently on this product; the test needs that")
            FloatGEMMKernel.selected = .lanes
            XCTAssertEqual(openblas_get_num_threads(), 1)
            XCTAssertEqual(product.floatGEMM(a, b, c).map(\.bitPattern), lanes)
            FloatGEMMKernel.selected = .openBLAS
            XCTAssertEqual(product.floatGEMM(a, b, c).map(\.bitPattern), openBLAS)
        }
    }
}
