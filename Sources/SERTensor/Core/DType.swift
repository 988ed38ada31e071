import CBLAS
import RealModule

/// Element type of a ``Tensor``.
///
/// SwiftSER computes in `float32`; `float64` exists so that every kernel can also run in double
/// precision, which is what the finite-difference gradient checker (``GradientChecker``) uses to make
/// its checks tight. All kernels are written once, generically over ``TensorScalar``.
public enum DType: String, Sendable, Codable, CaseIterable {
    case float32
    case float64

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float32: return 4
        case .float64: return 8
        }
    }
}

/// The scalar types a ``Tensor`` can hold (`Float` and `Double`).
///
/// Kernels are generic over this protocol and specialised by the compiler for each concrete type;
/// the BLAS entry points are reached through ``gemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``.
public protocol TensorScalar: BinaryFloatingPoint, Real, SIMDScalar, Sendable, Codable
where Self.RawSignificand: FixedWidthInteger {
    /// The ``DType`` tag of this scalar type.
    static var dtype: DType { get }

    /// Row-major GEMM: `C = alpha * op(A) * op(B) + beta * C` through `cblas_sgemm` / `cblas_dgemm`
    /// (float32 products in ``OneDNNGEMM`` or ``LaneGEMM`` where ``FloatGEMMKernel`` says so), split across the worker
    /// pool as ``GEMMThreading`` says when `splitting` (callers already running on several workers pass
    /// `false`: one BLAS call on the calling thread).
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int, splitting: Bool)
}

extension TensorScalar {
    /// ``gemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:splitting:)`` split as ``GEMMThreading`` says.
    @inline(__always)
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                            a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                            beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int) {
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
             beta: beta, c: c, ldc: ldc, splitting: true)
    }
}

extension Float: TensorScalar {
    public static var dtype: DType { .float32 }

    @inline(__always)
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, splitting: Bool) {
        switch FloatGEMMKernel.kernel(m: m, n: n, k: k, transA: transA, transB: transB) {
        case .oneDNN:
            OneDNNGEMM.multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                                b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, splitting: splitting)
            return
        case .lanes:
            LaneGEMM.multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                              b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, splitting: splitting)
            return
        case .openBLAS:
            break
        }
        GEMMThreading.run(m: m, n: n, k: k, splitting: splitting) { i0, mi, j0, nj in
            cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                        Int32(mi), Int32(nj), Int32(k), alpha, a + (transA ? i0 : i0 * lda), Int32(lda),
                        b + (transB ? j0 * ldb : j0), Int32(ldb), beta, c + i0 * ldc + j0, Int32(ldc))
        }
    }
}

extension Double: TensorScalar {
    public static var dtype: DType { .float64 }

    @inline(__always)
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int, splitting: Bool) {
        GEMMThreading.run(m: m, n: n, k: k, splitting: splitting) { i0, mi, j0, nj in
            cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                        Int32(mi), Int32(nj), Int32(k), alpha, a + (transA ? i0 : i0 * lda), Int32(lda),
                        b + (transB ? j0 * ldb : j0), Int32(ldb), beta, c + i0 * ldc + j0, Int32(ldc))
        }
    }
}
