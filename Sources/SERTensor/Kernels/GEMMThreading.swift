import CBLAS
import Dispatch
import Foundation

/// Who runs a GEMM on several cores: SwiftSER's own worker pool (the default) or OpenBLAS's threads.
///
/// OpenBLAS keeps its own threads, which spin (`sched_yield`) for a while after every multithreaded
/// call. Between GEMMs, SwiftSER's elementwise and im2col loops run on the ``Parallel`` workers, so
/// with both pools there are twice as many busy threads as cores and the spinning threads take CPU
/// from the workers (a profile of STRFNet training showed about a fifth of all CPU time in
/// `sched_yield`). With `.swiftser`, OpenBLAS is set to one thread and a large product is split into
/// one panel per worker (rows of `C` when `m` is the larger side, columns otherwise), each panel one
/// single-threaded `cblas_?gemm` call: one pool, no spinning.
///
/// Chosen once per process from `SWIFTSER_GEMM_THREADS` (`swiftser` (default) or `openblas`).
public enum GEMMThreading: String, Sendable {
    case swiftser
    case openblas

    /// The mode of this process (the first use also configures OpenBLAS's thread count).
    public static let current: GEMMThreading = {
        let mode = ProcessInfo.processInfo.environment["SWIFTSER_GEMM_THREADS"].flatMap(GEMMThreading.init(rawValue:)) ?? .swiftser
        if mode == .swiftser { openblas_set_num_threads(1) }
        return mode
    }()

    /// Products below this many multiply-adds run as one call on the calling thread.
    public static let minimumSplitWork = 1 << 20

    /// Runs `C = alpha·op(A)·op(B) + beta·C` (row major) as one call, or as one panel per worker.
    /// `call` receives `(rowOffset, rowCount, columnOffset, columnCount)` of `C` and makes the
    /// BLAS call for that panel.
    @inline(__always)
    static func run(m: Int, n: Int, k: Int, _ call: (Int, Int, Int, Int) -> Void) {
        let workers = Parallel.workerCount
        guard current == .swiftser, workers > 1, m * n * k >= minimumSplitWork, max(m, n) >= 2 * workers else {
            call(0, m, 0, n)
            return
        }
        let splitRows = m >= n
        let side = splitRows ? m : n
        // Panels of whole multiples of 16 (the widest SIMD kernel), so no panel gets a ragged edge
        // in the middle of the matrix.
        let unit = side >= 16 * workers ? 16 : 1
        let units = (side + unit - 1) / unit
        withoutActuallyEscaping(call) { call in
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let lo = min(side, units * w / workers * unit), hi = min(side, units * (w + 1) / workers * unit)
                guard lo < hi else { return }
                if splitRows { call(lo, hi - lo, 0, n) } else { call(0, m, lo, hi - lo) }
            }
        }
    }
}
