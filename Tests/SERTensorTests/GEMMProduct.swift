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

    func laneGEMM(_ a: [Float], _ b: [Float], _ c: [Float], splitting: Bool) -> [Float] {
        var out = c
        out.withUnsafeMutableBufferPointer { pc in
            LaneGEMM.multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                              b: b, ldb: ldb, beta: beta, c: pc.baseAddress!, ldc: ldc, splitting: splitting)
        }
        return out
    }

    func oneDNN(_ a: [Float], _ b: [Float], _ c: [Float], splitting: Bool) -> [Float] {
        var out = c
        out.withUnsafeMutableBufferPointer { pc in
            OneDNNGEMM.multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                                b: b, ldb: ldb, beta: beta, c: pc.baseAddress!, ldc: ldc, splitting: splitting)
        }
        return out
    }

    /// `Float.gemm`, whichever kernel and threading it picks.
    func floatGEMM(_ a: [Float], _ b: [Float], _ c: [Float]) -> [Float] {
        var out = c
        out.withUnsafeMutableBufferPointer { pc in
            Float.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                       beta: beta, c: pc.baseAddress!, ldc: ldc)
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
