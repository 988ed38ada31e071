import Foundation
import SERTraining
import XCTest

/// A rank killed in the middle of a 2-rank run: the job stops (mpirun names the rank), the last
/// checkpoint is complete, and a 2-rank `--resume` continues from it.
final class RankFailureTests: XCTestCase {
    static let root = FileManager.default.temporaryDirectory.appendingPathComponent("ser-rankfail-\(UUID().uuidString)")

    override class func setUp() {
        super.setUp()
        do { _ = try DistributedTestSupport.corpus(in: root) } catch { XCTFail("could not build the test corpus: \(error)") }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: root)
        super.tearDown()
    }

    /// The pid of the process whose command line mentions `marker` and whose environment gives it MPI rank `rank`.
    static func pid(rank: Int, marker: String) -> pid_t? {
        let fm = FileManager.default
        for entry in (try? fm.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry),
                  let cmdline = fm.contents(atPath: "/proc/\(entry)/cmdline"),
                  String(decoding: cmdline, as: UTF8.self).contains(marker),
                  let environ = fm.contents(atPath: "/proc/\(entry)/environ") else { continue }
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") { return pid }
        }
        return nil
    }

    func testKilledRankStopsTheJobAndTheCheckpointResumes() throws {
        let mpirun = try CommandLineRunner.requireMPI()
        let run = Self.root.appendingPathComponent("killed")
        let config = Self.root.appendingPathComponent("long.json")
        try DistributedTestSupport.writeJSON(DistributedTestSupport.strfnet(epochs: 500), to: config)
        let manifest = Self.root.appendingPathComponent("corpus/split.csv").path
        let train = ["train", "--manifest", manifest, "--output", run.path, "--config", config.path, "--distributed"]
        let log = Self.root.appendingPathComponent("killed.log")
        let job = try CommandLineRunner.start(mpirun, CommandLineRunner.mpirunArguments(ranks: 2) + [CommandLineRunner.serCLI.path] + train, log: log)
        defer { if job.isRunning { job.terminate() } }

        // Wait for the first checkpoint, then kill rank 1.
        let state = run.appendingPathComponent("checkpoint/state.json")
        let deadline = Date().addingTimeInterval(180)
        while !FileManager.default.fileExists(atPath: state.path) && job.isRunning && Date() < deadline { usleep(100_000) }
        XCTAssertTrue(job.isRunning, "the job ended before a rank could be killed:\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        let victim = try XCTUnwrap(Self.pid(rank: 1, marker: run.path), "rank 1's process not found")
        XCTAssertEqual(kill(victim, SIGKILL), 0)
        let stopBy = Date().addingTimeInterval(60)
        while job.isRunning && Date() < stopBy { usleep(100_000) }
        XCTAssertFalse(job.isRunning, "the job did not stop within 60 s of rank 1's death")
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        XCTAssertNotEqual(job.terminationStatus, 0)
        XCTAssertTrue(output.contains("rank 1"), "mpirun's message does not name the rank:\n\(output.suffix(2000))")
        print("killed rank 1 (pid \(victim)); mpirun said: "
              + (output.split(separator: "\n").first { $0.contains("rank 1") }.map(String.init) ?? "?"))

        // The checkpoint is whole, and 2 ranks continue from it.
        let saved = try JSONDecoder().decode(TrainingState.self, from: Data(contentsOf: state))
        XCTAssertGreaterThanOrEqual(saved.epoch, 1)
        let target = saved.epoch + 2
        let resumed = try CommandLineRunner.mpi(ranks: 2, train + ["--resume", "--epochs", "\(target)"])
        DistributedTestSupport.check(resumed, "2-rank resume after the kill")
        let history = try DistributedTestSupport.trainLosses(run: run)
        XCTAssertEqual(history.count, target)
        print("checkpoint after epoch \(saved.epoch) was intact; resumed to epoch \(target)")
    }
}
