/// How one layer-direction's time loop uses the cores.
///
/// - `shared`: the loop has all workers: each step's GEMM is split as ``GEMMThreading`` says and its gate
///   pass over the batch runs on ``Parallel``'s workers (two synchronisations per step).
/// - `ownWorker`: the two directions of a layer run at once, one per worker (``RecurrentStack``), so each
///   loop makes single-threaded GEMMs and does its gate pass on its own thread: no synchronisation per step.
enum RecurrentLoopThreading: Sendable {
    case shared, ownWorker

    /// Whether a step's GEMM may be split across workers.
    var splitsGEMMs: Bool { self == .shared }

    /// Calls `body` on ranges covering the batch rows `0..<n`: across workers when `shared`, at once on
    /// this thread when `ownWorker`.
    @inline(__always)
    func forRows(_ n: Int, costPerItem: Int, _ body: (Range<Int>) -> Void) {
        switch self {
        case .shared: Parallel.forRanges(n, costPerItem: costPerItem, body)
        case .ownWorker: if n > 0 { body(0..<n) }
        }
    }
}
