import CBLAS

/// Who runs SwiftSER's float32 matrix products (``Float``'s `gemm`) of at least ``minimumWork`` multiply-adds;
/// smaller ones always run in OpenBLAS, whose per-call cost is lowest.
///
/// - ``oneDNN``: oneDNN's `dnnl_sgemm` (the library PyTorch runs on x86 CPUs), one single-threaded call per
///   panel of `C` on SwiftSER's workers (``OneDNNGEMM``). On the AVX-512 machines measured in
///   Docs/Performance.md it was 6–30 % faster than OpenBLAS 0.3.21's kernels on the LSTM and convolution
///   products of the paper's networks, and as fast on the rest.
/// - ``lanes``: SwiftSER's own 12 × 32 kernel (``LaneGEMM``), for a build compiled for AVX-512 running with an
///   OpenBLAS held to AVX2.
/// - ``openBLAS``: OpenBLAS for every product, split as ``GEMMThreading`` says.
///
/// The process starts with `SWIFTSER_GEMM_KERNEL` (`onednn`, `lanes` or `openblas`) when set, otherwise with
/// ``defaultKernel``. Set ``selected`` only while no GEMM runs (tests and benchmarks compare them).
public enum FloatGEMMKernel: String, Sendable, CaseIterable {
    case oneDNN = "onednn"
    case lanes
    case openBLAS = "openblas"

    /// `oneDNN` everywhere: its own CPU dispatch picks AVX-512, AVX2 or SSE4.1 code whatever OpenBLAS loaded.
    public static let defaultKernel = FloatGEMMKernel.oneDNN

    nonisolated(unsafe) private static var selection: FloatGEMMKernel = {
        TuningVariable.read("SWIFTSER_GEMM_KERNEL", expected: "onednn, lanes or openblas",
                            FloatGEMMKernel.init(rawValue:)) ?? defaultKernel
    }()

    /// The kernel in effect. Setting it also sets OpenBLAS's thread count
    /// (``GEMMThreading/applyOpenBLASThreadCount()``); set it only while no GEMM runs.
    public static var selected: FloatGEMMKernel {
        get { selection }
        set {
            selection = newValue
            GEMMThreading.applyOpenBLASThreadCount()
        }
    }

    /// Products with fewer multiply-adds than this run in OpenBLAS whatever is ``selected``: below it the other
    /// kernels' packing and dispatch cost more than they save. Default 2^16; tests set 1 to run small PyTorch
    /// fixtures through the selected kernel. Set it only while no GEMM runs.
    nonisolated(unsafe) public static var minimumWork = 1 << 16

    /// The kernel that runs `op(A)·op(B)` (`m × k` by `k × n`): OpenBLAS below ``minimumWork``, and for oneDNN's
    /// one weak case, `A·Bᵀ` with an inner dimension over twice the larger side of `C` (a convolution's weight
    /// gradient, summed over many positions: oneDNN 2.6 took 20–35 % longer than OpenBLAS there on one core,
    /// Docs/Performance.md); otherwise the ``selected`` kernel.
    @inlinable
    public static func kernel(m: Int, n: Int, k: Int, transA: Bool, transB: Bool) -> FloatGEMMKernel {
        guard m * n * k >= minimumWork else { return .openBLAS }
        if selected == .oneDNN, transB, !transA, k > 2 * Swift.max(m, n) { return .openBLAS }
        return selected
    }

    /// A one-line description of who runs float32 products, for benchmark headers.
    public static var summary: String {
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        switch selected {
        case .openBLAS:
            return "OpenBLAS \(core)"
        case .lanes:
            return "SwiftSER lanes 12x32 (\(LaneGEMM.compiledForAVX512 ? "AVX-512" : "not AVX-512") build) from "
                + "\(minimumWork) multiply-adds, OpenBLAS \(core) below"
        case .oneDNN:
            return "\(OneDNNGEMM.summary) from \(minimumWork) multiply-adds, OpenBLAS \(core) below"
        }
    }
}
