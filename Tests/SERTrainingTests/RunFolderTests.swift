import Foundation
import XCTest
import SERTestSupport
@testable import SERTraining

/// ``RunFolder``: one owner at a time (in this process and across processes), a lock left by a killed
/// process is taken over, stale temporaries are removed, and the resumable checkpoint is found.
final class RunFolderTests: XCTestCase {
    var directory: URL!
    override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory("runfolder") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func testASecondOwnerInThisProcessIsRefusedNamingTheHolder() throws {
        let run = directory.appendingPathComponent("run")
        let first = try RunFolder(run)
        XCTAssertNil(first.takenOver)
        XCTAssertThrowsError(try RunFolder(run)) { e in
            guard case let .locked(folder, holder)? = e as? RunFolderError else { return XCTFail("\(e)") }
            XCTAssertEqual(folder, run.path)
            XCTAssertTrue(holder.contains("pid \(getpid())") && holder.contains(ProcessInfo.processInfo.hostName), holder)
            print("second owner: \(e)")
        }
        first.release()
        let second = try RunFolder(run)
        XCTAssertNil(second.takenOver, "a released lock is not stale")
        // A trainer in a locked folder is refused before it writes anything.
        XCTAssertThrowsError(try RunFolder(run, lockName: RunFolder.defaultLockName))
    }

    func testAnotherProcessIsRefusedAndItsLockIsTakenOverAfterItIsKilled() throws {
        let flock = URL(fileURLWithPath: "/usr/bin/flock")
        guard FileManager.default.isExecutableFile(atPath: flock.path) else { throw XCTSkip("flock(1) is not installed") }
        let run = directory.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let lock = run.appendingPathComponent(RunFolder.defaultLockName)
        // A child process holds the lock the way a RunFolder does (flock on the lock file) and says who it is.
        let child = Process()
        child.executableURL = flock
        // --no-fork: the process that holds the lock is the one killed below (no forked shell keeps it).
        child.arguments = ["--no-fork", lock.path, "/bin/sh", "-c", "echo \"pid $$ on otherhost\" > '\(lock.path)'; echo ready; exec sleep 30"]
        let out = Pipe()
        child.standardOutput = out
        try child.run()
        defer { if child.isRunning { child.terminate() } }
        _ = out.fileHandleForReading.availableData   // "ready": the lock is held and the file written
        XCTAssertThrowsError(try RunFolder(run)) { e in
            guard case let .locked(_, holder)? = e as? RunFolderError else { return XCTFail("\(e)") }
            XCTAssertTrue(holder.hasPrefix("pid ") && holder.hasSuffix("on otherhost"), holder)
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        let owner = try RunFolder(run)
        XCTAssertEqual(owner.takenOver?.hasSuffix("on otherhost"), true, "the killed process's lock is stale and taken over")
        print("taken over from: \(owner.takenOver ?? "-")")
    }

    func testStaleTemporariesAreRemovedAndThePreviousCheckpointIsFound() throws {
        let run = directory.appendingPathComponent("run")
        let fm = FileManager.default
        try fm.createDirectory(at: run.appendingPathComponent(".checkpoint.tmp-1234/inner"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: run.appendingPathComponent(".history.json.tmp-5678"))
        try Data("{}".utf8).write(to: run.appendingPathComponent("history.json"))
        try fm.createDirectory(at: run.appendingPathComponent("checkpoint.previous"), withIntermediateDirectories: true)
        XCTAssertEqual(RunFolder.checkpoint(in: run)?.lastPathComponent, "checkpoint.previous")
        let owner = try RunFolder(run)
        XCTAssertEqual(owner.removedTemporaries, [".checkpoint.tmp-1234", ".history.json.tmp-5678"])
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: run.path).sorted(), [".lock", "checkpoint.previous", "history.json"])
        XCTAssertEqual(owner.checkpoint()?.lastPathComponent, "checkpoint.previous")
        try fm.createDirectory(at: run.appendingPathComponent("checkpoint"), withIntermediateDirectories: true)
        XCTAssertEqual(owner.checkpoint()?.lastPathComponent, "checkpoint", "the whole checkpoint first")
        // Only the named temporaries when names are given (a folder shared with other files).
        try fm.createDirectory(at: run.appendingPathComponent(".model.checkpoint.tmp-1"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: run.appendingPathComponent(".other.tmp-2"))
        owner.release()
        let named = try RunFolder(run, lockName: ".model.checkpoint.lock", temporaryNames: ["model.checkpoint"])
        XCTAssertEqual(named.removedTemporaries, [".model.checkpoint.tmp-1"])
        XCTAssertTrue(fm.fileExists(atPath: run.appendingPathComponent(".other.tmp-2").path))
    }
}
