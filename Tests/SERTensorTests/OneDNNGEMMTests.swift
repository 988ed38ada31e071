import XCTest
import CBLAS
@testable import SERTensor

/// oneDNN's float32 GEMM as SwiftSER calls it (``OneDNNGEMM``: one single-threaded call per panel) against a
/// float64 product, with the shapes, transposes, leading dimensions and `beta` cases of ``LaneGEMMTests``, whole
/// and split across workers; and ``FloatGEMMKernel``'s routing of `Float.gemm`.
final class OneDNNGEMMTests: XCTestCase {
    func testProductsMatchFloat64WholeAndSplit() {
        var rng = RandomGenerator(seed: 21)
        // The LaneGEMM shapes, plus ones large enough to be split into panels (≥ GEMMThreading.minimumSplitWork).
        let shapes = [(13, 33, 257), (150, 70, 40), (20, 2090, 9), (12, 32, 256), (1, 5, 3), (25, 64, 520),
                      (300, 200, 40), (70, 400, 64)]
        var worst = 0.0, worstOpenBLAS = 0.0
        GEMMProduct.forEachCase(shapes, &rng) { product, a, b, c in
            for splitting in [false, true] {
                let error = product.worstError(product.oneDNN(a, b, c, splitting: splitting), a, b, c)
                XCTAssertLessThan(error, 1e-6, "\(product) split \(splitting)")
                worst = max(worst, error)
            }
            worstOpenBLAS = max(worstOpenBLAS, product.worstError(product.openBLAS(a, b, c), a, b, c))
        }
        print("oneDNN sgemm against float64: worst error \(worst) of Σ|terms| (OpenBLAS on the same products: \(worstOpenBLAS))")
    }

    func testEmptyInnerDimensionScalesC() {
        GEMMProduct.checkEmptyInnerDimensionScalesC { $0.oneDNN([], [], $1, splitting: true) }
    }

    /// `Float.gemm` sends products of at least ``FloatGEMMKernel/minimumWork`` multiply-adds to the selected
    /// kernel and smaller ones to OpenBLAS; OpenBLAS runs on one thread while another kernel is selected.
    func testSelectionRoutesFloatGEMM() {
        GEMMProduct.withSelectionRestored {
            var rng = RandomGenerator(seed: 23)
            let large = GEMMProduct(m: 40, n: 60, k: 300, transA: false, transB: false, alpha: 1, beta: 0)
            XCTAssertGreaterThanOrEqual(large.m * large.n * large.k, FloatGEMMKernel.minimumWork)
            let (a, b, c) = large.operands(&rng)
            FloatGEMMKernel.selected = .oneDNN
            XCTAssertEqual(openblas_get_num_threads(), 1)
            XCTAssertEqual(large.floatGEMM(a, b, c).map(\.bitPattern), large.oneDNN(a, b, c, splitting: true).map(\.bitPattern))
            FloatGEMMKernel.selected = .lanes
            XCTAssertEqual(large.floatGEMM(a, b, c).map(\.bitPattern), large.laneGEMM(a, b, c, splitting: true).map(\.bitPattern))
            let small = GEMMProduct(m: 4, n: 5, k: 6, transA: true, transB: false, alpha: 1, beta: 0)
            XCTAssertLessThan(small.m * small.n * small.k, FloatGEMMKernel.minimumWork)
            let (sa, sb, sc) = small.operands(&rng)
            FloatGEMMKernel.selected = .oneDNN
            XCTAssertEqual(small.floatGEMM(sa, sb, sc).map(\.bitPattern), small.openBLAS(sa, sb, sc).map(\.bitPattern))
        }
    }

    func testSummaryNamesTheInstructionSet() {
        XCTAssertTrue(OneDNNGEMM.summary.hasPrefix("oneDNN "), OneDNNGEMM.summary)
        XCTAssertFalse(OneDNNGEMM.summary.contains("isa "), "an instruction set this build does not name: \(OneDNNGEMM.summary)")
    }
}
