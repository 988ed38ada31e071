import Foundation
import SERTensor

/// Idle per-chunk workers of one extractor (FFT plan and scratch), kept between calls.
///
/// ``FrameScheduler`` builds one worker per parallel chunk. For a long signal that cost is spread over many
/// frames, but a 3 s utterance has about 300 frames, and rebuilding the workers of its chunks on every call
/// cost about as much as half its transform. An extractor keeps the workers its calls hand back (at most
/// ``capacity``, more are freed) and lends them to the next call. Thread-safe; a worker is used by one chunk
/// at a time.
final class IdleWorkers<Worker>: @unchecked Sendable {
    /// Most idle workers kept; enough for every chunk that can run at once.
    let capacity: Int
    private let lock = NSLock()
    private var idle: [Worker] = []

    init(capacity: Int = Parallel.workerCount + 1) {
        self.capacity = capacity
    }

    /// An idle worker, or a new one from `make` when none is idle.
    func take(orMake make: () throws -> Worker) rethrows -> Worker {
        lock.lock()
        if let worker = idle.popLast() {
            lock.unlock()
            return worker
        }
        lock.unlock()
        return try make()
    }

    /// Hands `worker` back for later calls (dropped when ``capacity`` are already idle).
    func put(_ worker: Worker) {
        lock.lock()
        defer { lock.unlock() }
        if idle.count < capacity { idle.append(worker) }
    }

    /// Workers idle now (for tests).
    var idleCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return idle.count
    }
}
