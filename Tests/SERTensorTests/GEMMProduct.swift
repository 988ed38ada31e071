import XCTest
import CBLAS
@testable import SERTensor

/// One float32 GEMM `C = alpha·op(A)·op(B) + beta·C` on random data, with leading dimensions wider than the
/// matrices, run by LaneGEMM, by oneDNN, by OpenBLAS or by `Float.gemm`, and judged against a float64 product: each element's
/// error relative to its scale `Σ|alpha·a·b| + |beta·c|` (the error bound of a float32 sum is relative to it).
struct GEMMProduct {
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

    /// `c` with `write` run on a copy of it: each kernel's wrapper below writes its product there.
    private func written(_ c: [Float], _ write: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        var out = c
        out.withUnsafeMutableBufferPointer { write($0.baseAddress!) }
        return out
    }

    func laneGEMM(_ a: [Float], _ b: [Float], _ c: [Float], splitting: Bool) -> [Float] {
        written(c) {
            LaneGEMM.multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                              b: b, ldb: ldb, beta: beta, c: $0, ldc: ldc, splitting: splitting)
        }
    }

    func oneDNN(_ a: [Float], _ b: [Float], _ c: [Float], splitting: Bool) -> [Float] {
        written(c) {
            OneDNNGEMM.multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                                b: b, ldb: ldb, beta: beta, c: $0, ldc: ldc, splitting: splitting)
        }
    }

    /// `Float.gemm`, whichever kernel and threading it picks.
    func floatGEMM(_ a: [Float], _ b: [Float], _ c: [Float]) -> [Float] {
        written(c) {
            Float.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                       beta: beta, c: $0, ldc: ldc)
        }
    }

    func openBLAS(_ a: [Float], _ b: [Float], _ c: [Float]) -> [Float] {
        written(c) {
            cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, $0, Int32(ldc))
        }
    }

    /// Every product of the kernel tests on `shapes` `(m, n, k)`: each transpose combination and the three ways
    /// `beta` meets `C` (`alpha, beta` = 1, 0; 0.5, 1; −1.5, −0.75), with random operands from `rng`.
    static func forEachCase(_ shapes: [(Int, Int, Int)], _ rng: inout RandomGenerator,
                            _ body: (GEMMProduct, _ a: [Float], _ b: [Float], _ c: [Float]) -> Void) {
        for (m, n, k) in shapes {
            for transA in [false, true] {
                for transB in [false, true] {
                    for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-1.5, -0.75)] {
                        let product = GEMMProduct(m: m, n: n, k: k, transA: transA, transB: transB, alpha: alpha, beta: beta)
                        let (a, b, c) = product.operands(&rng)
                        body(product, a, b, c)
                    }
                }
            }
        }
    }

    /// Runs `body` under OpenBLAS's own threading (`GEMMThreading.mode = .openblas`), then puts back the kernel
    /// selection and threading mode it found: for tests that switch ``FloatGEMMKernel/selected``.
    static func withSelectionRestored(_ body: () throws -> Void) rethrows {
        let (savedKernel, savedMode) = (FloatGEMMKernel.selected, GEMMThreading.mode)
        defer { (FloatGEMMKernel.selected, GEMMThreading.mode) = (savedKernel, savedMode) }
        GEMMThreading.mode = .openblas
        try body()
    }

    /// A kernel given `k == 0` (a 3 × 4 product, `beta` 0.5) must scale the `m × n` corner of `C` by `beta` and
    /// leave the padding columns as they were. `kernel` runs the product on empty `A` and `B` and the given `C`.
    static func checkEmptyInnerDimensionScalesC(_ kernel: (GEMMProduct, [Float]) -> [Float],
                                                file: StaticString = #filePath, line: UInt = #line) {
        let product = GEMMProduct(m: 3, n: 4, k: 0, transA: false, transB: false, alpha: 1, beta: 0.5)
        let c = (0..<(3 * product.ldc)).map { Float($0) }
        let result = kernel(product, c)
        for i in 0..<3 {
            for j in 0..<product.ldc {
                let before = c[i * product.ldc + j]
                XCTAssertEqual(result[i * product.ldc + j], j < 4 ? 0.5 * before : before, "row \(i) column \(j)",
                               file: file, line: line)
            }
        }
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
