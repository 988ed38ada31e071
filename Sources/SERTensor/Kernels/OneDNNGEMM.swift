import CBLAS
import CDNNL

/// oneDNN's float32 GEMM, `dnnl_sgemm`: `C = alpha·op(A)·op(B) + beta·C`, row major, the same contract as
/// `cblas_sgemm`. One single-threaded call per panel of `C`, each on a SwiftSER worker
/// (``GEMMThreading/runOnWorkers(m:n:k:splitting:_:)``): oneDNN's OpenMP team is never started.
///
/// ``FloatGEMMKernel`` decides when products come here. A panel call oneDNN refuses (it checks its arguments
/// and returns a status), and an empty inner dimension (`k == 0`, where oneDNN 2.6 leaves `C` unscaled by
/// `beta`), run in OpenBLAS instead.
public enum OneDNNGEMM {
    /// `C = alpha·op(A)·op(B) + beta·C` (row major; `op(A)` is `m × k`, `op(B)` is `k × n`). With `splitting`,
    /// large products are split into one panel of `C` per ``Parallel`` worker; callers already on several
    /// workers pass `false`. With `beta == 0`, `C` is not read.
    public static func multiply(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                                a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, splitting: Bool) {
        _ = GEMMThreading.mode          // first use: OpenBLAS set to one thread (GEMMThreading.applyOpenBLASThreadCount)
        GEMMThreading.runOnWorkers(m: m, n: n, k: k, splitting: splitting) { i0, mi, j0, nj in
            let panelA = a + (transA ? i0 : i0 * lda), panelB = b + (transB ? j0 * ldb : j0)
            let panelC = c + i0 * ldc + j0
            swiftser_openmp_use_one_thread()
            // oneDNN 2.6 returns an empty inner dimension's C unscaled (beta ignored); OpenBLAS scales it.
            let status = k == 0 ? dnnl_unimplemented : dnnl_sgemm(CChar(UInt8(ascii: transA ? "T" : "N")), CChar(UInt8(ascii: transB ? "T" : "N")),
                                    Int64(mi), Int64(nj), Int64(k), alpha, panelA, Int64(lda), panelB, Int64(ldb),
                                    beta, panelC, Int64(ldc))
            if status != dnnl_success {
                cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                            Int32(mi), Int32(nj), Int32(k), alpha, panelA, Int32(lda), panelB, Int32(ldb), beta,
                            panelC, Int32(ldc))
            }
        }
    }

    /// oneDNN's version and the instruction set its CPU dispatch chose, e.g. `oneDNN 2.6.3 avx512_core_bf16`.
    public static var summary: String {
        let isa: String
        switch dnnl_get_effective_cpu_isa() {
        case dnnl_cpu_isa_sse41: isa = "sse41"
        case dnnl_cpu_isa_avx: isa = "avx"
        case dnnl_cpu_isa_avx2: isa = "avx2"
        case dnnl_cpu_isa_avx2_vnni: isa = "avx2_vnni"
        case dnnl_cpu_isa_avx512_core: isa = "avx512_core"
        case dnnl_cpu_isa_avx512_core_vnni: isa = "avx512_core_vnni"
        case dnnl_cpu_isa_avx512_core_bf16: isa = "avx512_core_bf16"
        case dnnl_cpu_isa_avx512_core_amx: isa = "avx512_core_amx"
        default: isa = "isa \(dnnl_get_effective_cpu_isa().rawValue)"
        }
        guard let version = dnnl_version()?.pointee else { return "oneDNN \(isa)" }
        return "oneDNN \(version.major).\(version.minor).\(version.patch) \(isa)"
    }
}
