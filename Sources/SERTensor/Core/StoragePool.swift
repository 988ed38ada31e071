import Foundation

/// A cache of large freed tensor buffers, reused by later allocations of the same size class.
///
/// Fresh large allocations come from `mmap` and pay a page fault for every 4 KiB on first touch,
/// which dominates simple elementwise ops on big tensors; a training step allocates the same sizes
/// again and again, so reusing buffers removes that cost. Buffers below ``minimumBytes`` go straight
/// to the system allocator. The pool holds at most ``capacityBytes``; beyond that, freed buffers
/// are released. Size classes are quarter-octave steps, so at most 25% of a buffer is slack.
enum StoragePool {
    static let minimumBytes = 1 << 16
    /// The most the pool keeps: a quarter of physical memory, at most 16 GiB, or `SWIFTSER_POOL_BYTES`
    /// when set. A training step of the paper's STRFNet at batch 64 frees several GiB of activations
    /// and gradients that the next step needs again; a smaller pool would send them back to the
    /// kernel and the next step would fault every page in again.
    static let capacityBytes: Int = {
        if let bytes = TuningVariable.read("SWIFTSER_POOL_BYTES", expected: "a byte count ≥ 0", { text -> Int? in
            Int(text).flatMap { $0 >= 0 ? $0 : nil }
        }) {
            return bytes
        }
        return Swift.min(Int(ProcessInfo.processInfo.physicalMemory / 4), 16 << 30)
    }()

    private static let lock = NSLock()
    nonisolated(unsafe) private static var free: [Int: [UnsafeMutableRawPointer]] = [:]
    nonisolated(unsafe) private static var heldBytes = 0

    /// The size class (in bytes) that a request of `bytes` is served from.
    static func sizeClass(_ bytes: Int) -> Int {
        if bytes < minimumBytes { return bytes }
        let top = Int.bitWidth - 1 - bytes.leadingZeroBitCount     // 2^top <= bytes
        let quarter = 1 << (top - 2)
        return ((bytes + quarter - 1) / quarter) * quarter
    }

    static func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let cls = sizeClass(bytes)
        if cls >= minimumBytes {
            lock.lock()
            if let p = free[cls]?.popLast() {
                heldBytes -= cls
                lock.unlock()
                return p
            }
            lock.unlock()
        }
        return UnsafeMutableRawPointer.allocate(byteCount: cls, alignment: 64)
    }

    static func release(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        let cls = sizeClass(bytes)
        if cls >= minimumBytes {
            lock.lock()
            if heldBytes + cls <= capacityBytes {
                free[cls, default: []].append(pointer)
                heldBytes += cls
                lock.unlock()
                return
            }
            lock.unlock()
        }
        pointer.deallocate()
    }

    /// Calls `body` with an uninitialised scratch buffer of `count` elements taken from the pool and
    /// returns it afterwards: kernels' workspaces (im2col columns, GEMM outputs, recurrent scratch) are
    /// then reused from step to step instead of being mapped and first-touched again.
    static func withWorkspace<T, R>(_: T.Type, count: Int, _ body: (UnsafeMutablePointer<T>) throws -> R) rethrows -> R {
        let bytes = Swift.max(count, 1) * MemoryLayout<T>.stride
        let raw = allocate(bytes: bytes)
        defer { release(raw, bytes: bytes) }
        return try body(raw.bindMemory(to: T.self, capacity: Swift.max(count, 1)))
    }

    /// Returns every cached buffer to the system.
    static func drain() {
        lock.lock()
        defer { lock.unlock() }
        for (_, list) in free { for p in list { p.deallocate() } }
        free = [:]
        heldBytes = 0
    }
}
