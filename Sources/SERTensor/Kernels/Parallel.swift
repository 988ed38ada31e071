import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Splits data-parallel loops across the machine's cores.
///
/// Work below ``minimumParallelElements`` runs on the calling thread: a dispatch costs a few
/// microseconds, which only pays off on large tensors.
public enum Parallel {
    /// Online processors (at least 1).
    public static let onlineProcessors: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Number of worker threads: `SWIFTSER_THREADS` when set (1 up to ``onlineProcessors``), otherwise
    /// ``onlineProcessors``. `ser-cli cv --jobs N` gives each of its N fold processes a share of the cores
    /// this way.
    public static let workerCount: Int = TuningVariable.read(
        "SWIFTSER_THREADS", expected: "a whole number from 1 to \(onlineProcessors)") { text in
            Int(text).flatMap { (1...onlineProcessors).contains($0) ? $0 : nil }
        } ?? onlineProcessors

    /// Elementwise loops shorter than this run serially.
    public static let minimumParallelElements = 1 << 15

    /// Calls `body` on disjoint sub-ranges covering `0..<n`, in parallel when `n * costPerItem` is large.
    ///
    /// - Parameters:
    ///   - n: number of items.
    ///   - costPerItem: rough cost of one item in elementwise-op units (e.g. a row length).
    @inline(__always)
    public static func forRanges(_ n: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        let chunks = min(workerCount, n)
        if chunks <= 1 || n * max(costPerItem, 1) < minimumParallelElements {
            if n > 0 { body(0..<n) }
            return
        }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = n * c / chunks, hi = n * (c + 1) / chunks
                if lo < hi { body(lo..<hi) }
            }
        }
    }
}
