import CBLAS
import Dispatch
import Foundation

/// Who runs a GEMM on several cores: OpenBLAS's own threads (the default) or SwiftSER's worker pool.
///
/// OpenBLAS keeps its own threads, which spin (`sched_yield`) for a while after every multithreaded
/// call; between GEMMs, SwiftSER's elementwise and im2col loops run on the ``Parallel`` workers, so the
/// spinning threads take CPU from them (8–27 % of a training step's CPU time is kernel time). With
/// `.swiftser`, OpenBLAS is set to one thread and a large product is split into one panel per worker
/// (rows of `C` when `m` is the larger side, columns otherwise), each panel one single-threaded
/// `cblas_?gemm` call: one pool, no spinning (kernel time 1–4 %).
///
/// Measured on 2 cores (Docs/Performance.md), `.swiftser` is about 10 % faster on the small STRFNet of
/// the demo and EmoDB runs, even on the paper-size STRFNet. On the wav2vec classifier it was 5–40 % slower
/// under OpenBLAS's AVX2 kernel, whose large LSTM and convolution products OpenBLAS's own threading ran
/// better; under its AVX-512 kernels it is as fast (2.19 s against 2.28–2.61 s a step) and the spinning
/// goes (system time 0.3 % of CPU against 6–11 %). The process starts in `SWIFTSER_GEMM_THREADS`'s mode
/// (`openblas` or `swiftser`); when it is not set, in ``defaultMode``. The training commands then choose per
/// model (`TrainingConfiguration.preferredGEMMThreading` in SERTraining) unless the variable is set. Set
/// ``mode`` only while no GEMM is running.
public enum GEMMThreading: String, Sendable {
    case swiftser
    case openblas

    nonisolated(unsafe) private static var selected: GEMMThreading = {
        _ = openBLASThreads                                   // read before any change
        let mode = TuningVariable.read("SWIFTSER_GEMM_THREADS", expected: "openblas or swiftser",
                                       GEMMThreading.init(rawValue:)) ?? defaultMode
        openblas_set_num_threads(openBLASThreadCount(mode: mode))
        return mode
    }()
    /// The mode without `SWIFTSER_GEMM_THREADS`: `.swiftser` when OpenBLAS runs one of its AVX-512 kernels
    /// (``LaneGEMM/openBLASHasAVX512Kernel``), `.openblas` otherwise.
    public static var defaultMode: GEMMThreading { LaneGEMM.openBLASHasAVX512Kernel ? .swiftser : .openblas }

    /// OpenBLAS's thread count at start-up, at most ``Parallel/workerCount`` (so `SWIFTSER_THREADS` also
    /// bounds OpenBLAS's threads).
    private static let openBLASThreads = Int32(min(Int(openblas_get_num_threads()), Parallel.workerCount))

    /// The mode in effect. Setting it also sets OpenBLAS's thread count (see
    /// ``applyOpenBLASThreadCount()``); set it only while no GEMM is running.
    public static var mode: GEMMThreading {
        get { selected }
        set {
            selected = newValue
            applyOpenBLASThreadCount()
        }
    }

    /// OpenBLAS runs on one thread when SwiftSER's workers split products (`.swiftser`) or when another
    /// ``FloatGEMMKernel`` runs the large float32 products (OpenBLAS keeps only small ones, and its idle threads
    /// would spin on the cores the other kernel uses); otherwise on its start-up count.
    private static func openBLASThreadCount(mode: GEMMThreading) -> Int32 {
        mode == .swiftser || FloatGEMMKernel.selected != .openBLAS ? 1 : openBLASThreads
    }

    /// Sets OpenBLAS's thread count for the current ``mode`` and ``FloatGEMMKernel/selected``.
    static func applyOpenBLASThreadCount() {
        openblas_set_num_threads(openBLASThreadCount(mode: mode))
    }

    /// Products below this many multiply-adds run as one call on the calling thread.
    public static let minimumSplitWork = 1 << 20

    /// Runs `body`, which makes BLAS calls from several ``Parallel`` workers at once (one
    /// `splitting: false` call per worker), with OpenBLAS single-threaded: under `.openblas` its thread
    /// count is set to 1 for the duration and restored afterwards (under `.swiftser`, or with
    /// another ``FloatGEMMKernel`` selected, it already is 1).
    /// Another thread's GEMMs in that window also run on one thread; results are unaffected.
    public static func withWorkerGEMMs<R>(_ body: () throws -> R) rethrows -> R {
        guard openBLASThreadCount(mode: mode) > 1 else { return try body() }
        openblas_set_num_threads(1)
        defer { applyOpenBLASThreadCount() }
        return try body()
    }

    /// Runs `C = alpha·op(A)·op(B) + beta·C` (row major) as one call, or, when `splitting`, as one panel
    /// per worker. `call` receives `(rowOffset, rowCount, columnOffset, columnCount)` of `C` and makes the
    /// BLAS call for that panel.
    @inline(__always)
    static func run(m: Int, n: Int, k: Int, splitting: Bool = true, _ call: (Int, Int, Int, Int) -> Void) {
        runOnWorkers(m: m, n: n, k: k, splitting: splitting && mode == .swiftser, call)
    }

    /// ``run(m:n:k:splitting:_:)`` whatever the ``mode``: for kernels that are single-threaded in every mode
    /// (``OneDNNGEMM``), large products are split into one panel per worker whenever `splitting`.
    @inline(__always)
    static func runOnWorkers(m: Int, n: Int, k: Int, splitting: Bool, _ call: (Int, Int, Int, Int) -> Void) {
        let workers = Parallel.workerCount
        guard splitting, workers > 1, m * n * k >= minimumSplitWork, max(m, n) >= 2 * workers else {
            call(0, m, 0, n)
            return
        }
        // Panels of whole multiples of 16 (the widest SIMD kernel), so no panel gets a ragged edge
        // in the middle of the matrix.
        forEachPanel(m: m, n: n, rowUnit: m >= 16 * workers ? 16 : 1, columnUnit: n >= 16 * workers ? 16 : 1) {
            rows, columns in call(rows.lowerBound, rows.count, columns.lowerBound, columns.count)
        }
    }

    /// Calls `panel(rows, columns)` once per ``Parallel`` worker, at once, on disjoint panels that cover
    /// `C` (`m × n`): bands of rows when `m ≥ n`, of columns otherwise, each boundary at a multiple of
    /// `rowUnit` or `columnUnit`. A worker left without a whole unit gets no call.
    static func forEachPanel(m: Int, n: Int, rowUnit: Int, columnUnit: Int,
                             _ panel: (Range<Int>, Range<Int>) -> Void) {
        let workers = Parallel.workerCount
        let splitRows = m >= n
        let side = splitRows ? m : n, unit = splitRows ? rowUnit : columnUnit
        let units = (side + unit - 1) / unit
        withoutActuallyEscaping(panel) { panel in
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let lo = min(side, units * w / workers * unit), hi = min(side, units * (w + 1) / workers * unit)
                guard lo < hi else { return }
                if splitRows { panel(lo..<hi, 0..<n) } else { panel(0..<m, lo..<hi) }
            }
        }
    }
}
