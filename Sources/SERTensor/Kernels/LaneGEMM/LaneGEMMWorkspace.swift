import Foundation

/// Packing buffers of one ``LaneGEMM`` call, kept between calls so that a training step's products
/// reuse the first step's pages (no fresh `mmap`, no page faults).
///
/// One workspace per concurrently running call: a call takes one from the pool and returns it when done;
/// the pool grows to the number of calls that ever ran at once (one per worker).
final class LaneGEMMWorkspace {
    /// `LaneGEMM.rowBlock × LaneGEMM.stepBlock` floats of packed `op(A)`.
    let a: UnsafeMutablePointer<Float>
    /// `LaneGEMM.stepBlock × LaneGEMM.columnBlock` floats of packed `op(B)`.
    let b: UnsafeMutablePointer<Float>
    /// One 12 × 32 tile, for the ragged edges of `C`.
    let tile: UnsafeMutablePointer<Float>

    private init() {
        let mr = LaneGEMMMicrokernel.rows, nr = LaneGEMMMicrokernel.columns
        a = .allocate(capacity: LaneGEMM.rowBlock * LaneGEMM.stepBlock)
        b = .allocate(capacity: LaneGEMM.stepBlock * LaneGEMM.columnBlock)
        tile = .allocate(capacity: mr * nr)
    }

    deinit {
        a.deallocate()
        b.deallocate()
        tile.deallocate()
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var idle: [LaneGEMMWorkspace] = []

    /// Runs `body` with a workspace no other call is using.
    static func with<R>(_ body: (LaneGEMMWorkspace) -> R) -> R {
        lock.lock()
        let workspace = idle.popLast()
        lock.unlock()
        let w = workspace ?? LaneGEMMWorkspace()
        defer {
            lock.lock()
            idle.append(w)
            lock.unlock()
        }
        return body(w)
    }
}
