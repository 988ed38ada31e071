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
/// All frames of all items form one index space, cut into contiguous chunks by `Parallel.forRanges`;
/// each chunk builds one worker (FFT plan and scratch) and reuses it for all its frames.
enum FrameScheduler {
    static func run<Worker>(_ items: [FrameItem], rowStride: Int, costPerFrame: Int,
                            makeWorker: () throws -> Worker,
                            release: (Worker) -> Void,
                            body: (Worker, FrameItem, Int, UnsafeMutablePointer<Float>) -> Void) throws {
        var offsets = [Int](repeating: 0, count: items.count + 1)
        for (i, item) in items.enumerated() { offsets[i + 1] = offsets[i] + item.frames }
        let total = offsets[items.count]
        guard total > 0 else { return }
        let lock = NSLock()
        var failure: Error?
        Parallel.forRanges(total, costPerItem: costPerFrame) { range in
            let worker: Worker
            do { worker = try makeWorker() } catch {
                lock.lock(); failure = failure ?? error; lock.unlock()
                return
            }
            defer { release(worker) }
            // Last item whose first frame is <= range.lowerBound (skips items with no frames).
            var lo = 0, hi = items.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if offsets[mid] <= range.lowerBound { lo = mid } else { hi = mid - 1 }
            }
            var item = lo
            var g = range.lowerBound
            while g < range.upperBound {
                while offsets[item + 1] <= g { item += 1 }
                let it = items[item]
                let t = g - offsets[item]
                let end = min(range.upperBound, offsets[item + 1])
                for tt in t..<(t + end - g) { body(worker, it, tt, it.output + tt * rowStride) }
                g = end
            }
        }
        if let failure { throw failure }
    }
}
