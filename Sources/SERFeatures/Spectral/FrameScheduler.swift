import Dispatch
import Foundation
import SERTensor

/// One signal of a frame-wise job: its samples, its frame count and where its output rows go.
struct FrameItem {
    var signal: UnsafePointer<Float>
    var length: Int
    var frames: Int
    /// First output row; row `t` starts at `output + t · rowStride`.
    var output: UnsafeMutablePointer<Float>
    /// Position of the item in its batch.
    var index: Int
}

/// Runs a per-frame kernel over every frame of several signals, split across cores.
///
/// All frames of all items form one index space, cut into contiguous chunks; each chunk builds one worker
/// (FFT plan and scratch) and reuses it for all its frames. Small jobs (below `Parallel.minimumParallelElements`
/// cost units) run on the calling thread. Larger ones are cut into up to ``chunksPerWorker`` chunks per core of at
/// least ``minimumFramesPerChunk`` frames, handed out dynamically by `DispatchQueue.concurrentPerform`, so a thread
/// that the OS preempts on a busy machine delays only its small chunk, not half the job.
enum FrameScheduler {
    static let chunksPerWorker = 8
    static let minimumFramesPerChunk = 32

    /// Calls `body(worker, item, t, row)` for every frame `t` of every item, `row` being frame `t`'s output row.
    static func run<Worker>(_ items: [FrameItem], rowStride: Int, costPerFrame: Int,
                            makeWorker: () throws -> Worker,
                            release: (Worker) -> Void,
                            body: (Worker, FrameItem, Int, UnsafeMutablePointer<Float>) -> Void) throws {
        try runSpans(items, costPerFrame: costPerFrame, makeWorker: makeWorker, release: release) { worker, item, frames in
            for t in frames { body(worker, item, t, item.output + t * rowStride) }
        }
    }

    /// Calls `body(worker, item, frames)` on consecutive spans of frames of one item (a chunk's share of it),
    /// for kernels that work on several frames at once. Chunks are cut at frames that are multiples of
    /// `alignment` within their item, so a kernel that takes `alignment` frames at a time gets full groups
    /// except at each item's end.
    static func runSpans<Worker>(_ items: [FrameItem], costPerFrame: Int, alignment: Int = 1,
                                 makeWorker: () throws -> Worker,
                                 release: (Worker) -> Void,
                                 body: (Worker, FrameItem, Range<Int>) -> Void) throws {
        var offsets = [Int](repeating: 0, count: items.count + 1)
        for (i, item) in items.enumerated() { offsets[i + 1] = offsets[i] + item.frames }
        let total = offsets[items.count]
        guard total > 0 else { return }
        let lock = NSLock()
        var failure: Error?
        let chunks = total * max(costPerFrame, 1) < Parallel.minimumParallelElements ? 1
            : max(1, min(Parallel.workerCount * chunksPerWorker, total / minimumFramesPerChunk))
        /// The item holding global frame `g` (the last item whose first frame is ≤ g; skips empty items).
        func item(containing g: Int) -> Int {
            var lo = 0, hi = items.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if offsets[mid] <= g { lo = mid } else { hi = mid - 1 }
            }
            return lo
        }
        let cuts = (0...chunks).map { c -> Int in
            let g = total * c / chunks
            guard alignment > 1, c > 0, c < chunks else { return g }
            let first = offsets[item(containing: g)]
            return first + (g - first) / alignment * alignment
        }
        forChunks(cuts) { range in
            let worker: Worker
            do { worker = try makeWorker() } catch {
                lock.lock(); failure = failure ?? error; lock.unlock()
                return
            }
            defer { release(worker) }
            var index = item(containing: range.lowerBound)
            var g = range.lowerBound
            while g < range.upperBound {
                while offsets[index + 1] <= g { index += 1 }
                let it = items[index]
                let t = g - offsets[index]
                let end = min(range.upperBound, offsets[index + 1])
                body(worker, it, t..<(t + end - g))
                g = end
            }
        }
        if let failure { throw failure }
    }

    /// Calls `body` on the ranges `cuts[c]..<cuts[c + 1]` (non-decreasing cuts; empty ranges skipped),
    /// serially when there is one.
    private static func forChunks(_ cuts: [Int], _ body: (Range<Int>) -> Void) {
        let chunks = cuts.count - 1
        if chunks <= 1 {
            if chunks == 1, cuts[0] < cuts[1] { body(cuts[0]..<cuts[1]) }
            return
        }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                if cuts[c] < cuts[c + 1] { body(cuts[c]..<cuts[c + 1]) }
            }
        }
    }
}
