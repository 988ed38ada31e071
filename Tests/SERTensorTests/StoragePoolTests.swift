import XCTest
@testable import SERTensor

/// The storage pool makes repeated large allocations reuse memory that is already mapped: after the
/// first round, allocating, filling and freeing the same tensors again faults (almost) no new pages.
final class StoragePoolTests: XCTestCase {
    func testRepeatedLargeAllocationsFaultNoNewPagesAfterTheFirstRound() {
        let shapes = [[4, 1 << 20], [3, 1 << 20], [4, 1 << 20]]      // 16, 12 and 16 MiB; two alive at once
        func round() {
            var alive: [Tensor] = []
            for s in shapes {
                let t = Tensor(zeros: s)                                // zero-filled: every page is touched
                alive.append(t)
                if alive.count > 2 { alive.removeFirst() }
            }
        }
        let first = ResourceUsage.now()
        round()
        let firstFaults = ResourceUsage.now().since(first).minorFaults
        let later = ResourceUsage.now()
        for _ in 0..<5 { round() }
        let laterFaults = ResourceUsage.now().since(later).minorFaults
        print("storage pool: \(firstFaults) page faults in the first round, \(laterFaults) in the next five")
        // A fresh 16 MiB buffer alone is 4096 pages of 4 KiB; reused buffers fault none.
        XCTAssertGreaterThan(firstFaults, 4096, "the first round should map fresh memory")
        XCTAssertLessThan(laterFaults, 200, "later rounds should reuse the pooled buffers")
    }

    func testWorkspacesComeFromThePool() {
        let count = 1 << 22                                             // 16 MiB of Float
        StoragePool.withWorkspace(Float.self, count: count) { $0.update(repeating: 1, count: count) }
        let before = ResourceUsage.now()
        for _ in 0..<5 {
            StoragePool.withWorkspace(Float.self, count: count) { $0.update(repeating: 2, count: count) }
        }
        XCTAssertLessThan(ResourceUsage.now().since(before).minorFaults, 200)
    }
}
