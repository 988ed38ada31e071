import Foundation
import SERTensor
import SERTraining
import XCTest

/// `ser-cli cv --jobs N`: folds trained side by side in worker processes give the files of one run whose
/// kernels use as many threads as each worker; a failed fold stops the hand-out, names the fold and keeps
/// the others' results for a resume; killing the run stops its workers.
final class CrossValidationJobsTests: XCTestCase {
    static let root = FileManager.default.temporaryDirectory.appendingPathComponent("ser-jobs-\(UUID().uuidString)")

    override class func setUp() {
        super.setUp()
        do { _ = try DistributedTestSupport.corpus(in: root) } catch { XCTFail("could not build the test corpus: \(error)") }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: root)
        super.tearDown()
    }

    func dir(_ name: String) -> URL { Self.root.appendingPathComponent(name) }
    var manifest: String { Self.root.appendingPathComponent("corpus/manifest.csv").path }

    /// A tiny STRFNet, `epochs` epochs of 2 steps.
    func configuration(epochs: Int) throws -> URL {
        var c = DistributedTestSupport.strfnet(epochs: epochs)
        c.stepsPerEpoch = 2
        c.batchSize = 4
        let url = dir("cv-\(epochs).json")
        try DistributedTestSupport.writeJSON(c, to: url)
        return url
    }

    func cv(_ output: URL, config: URL, _ extra: [String] = [], environment: [String: String] = [:]) throws -> CommandLineRunner.Outcome {
        try CommandLineRunner.run(CommandLineRunner.serCLI,
                                  ["cv", "--manifest", manifest, "--protocol", "leave-one-speaker-out", "--config", config.path,
                                   "--output", output.path] + extra, extraEnvironment: environment)
    }

    func folds(_ config: URL) throws -> [Fold] {
        try CrossValidationRunner(configuration: TrainingConfiguration.read(from: config), manifest: Manifest.read(from: URL(fileURLWithPath: manifest)),
                                  protocolKind: .leaveOneSpeakerOut, outputDirectory: dir("unused")).folds().1
    }

    /// The threads each of 2 workers gets on this machine.
    var workerThreads: String { String(max(1, Parallel.onlineProcessors / 2)) }

    func testTwoJobsGiveTheFilesOfOneRunWithTheWorkersThreadCount() throws {
        try CommandLineRunner.checkCLI()
        let config = try configuration(epochs: 2)
        DistributedTestSupport.check(try cv(dir("one"), config: config, environment: ["SWIFTSER_THREADS": workerThreads]), "one process")
        let jobs = try cv(dir("jobs"), config: config, ["--jobs", "2"])
        DistributedTestSupport.check(jobs, "--jobs 2")
        XCTAssertTrue(jobs.output.contains("running 3 folds in 2 worker processes of \(workerThreads) thread"), jobs.output)
        XCTAssertTrue(jobs.output.contains("[worker 1]") && jobs.output.contains("[worker 2]"), "both workers took folds:\n\(jobs.output)")
        XCTAssertTrue(jobs.output.contains("| mean ± std |"), "the parent prints the summary:\n\(jobs.output)")
        for file in ["summary.json", "summary.md"] {
            XCTAssertEqual(try Data(contentsOf: dir("one").appendingPathComponent(file)), try Data(contentsOf: dir("jobs").appendingPathComponent(file)),
                           "\(file) differs between --jobs 2 and one process")
        }
        let foldList = try folds(config)
        XCTAssertEqual(foldList.count, 3)
        for fold in foldList {
            for file in ["best.safetensors", "checkpoint/model.safetensors"] {
                XCTAssertEqual(try Data(contentsOf: dir("one").appendingPathComponent(fold.name).appendingPathComponent(file)),
                               try Data(contentsOf: dir("jobs").appendingPathComponent(fold.name).appendingPathComponent(file)),
                               "\(fold.name)/\(file) differs between --jobs 2 and one process")
            }
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir("jobs/confusion-pooled.svg").path), "the parent draws the pooled plots")
    }

    func testAFailedFoldStopsTheHandOutNamesTheFoldAndTheRunResumes() throws {
        try CommandLineRunner.checkCLI()
        let config = try configuration(epochs: 2)
        let foldList = try folds(config)
        let output = dir("failing")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        // A file where fold 2's folder belongs: that fold cannot write anything.
        let obstacle = output.appendingPathComponent(foldList[1].name)
        try Data("in the way".utf8).write(to: obstacle)
        let failed = try cv(output, config: config, ["--jobs", "2"])
        XCTAssertNotEqual(failed.status, 0, failed.output)
        XCTAssertTrue(failed.output.contains("while running fold 2"), failed.output)
        XCTAssertTrue(failed.output.contains(foldList[1].name), "the worker's own error names the folder:\n\(failed.output)")
        XCTAssertTrue(failed.output.contains("run the same command again to resume"), failed.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent(foldList[0].name).appendingPathComponent("result.json").path),
                      "fold 1, running beside the failed fold, finishes and keeps its result")
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent("summary.json").path))

        try FileManager.default.removeItem(at: obstacle)
        let resumed = try cv(output, config: config, ["--jobs", "2"])
        DistributedTestSupport.check(resumed, "resumed --jobs 2")
        XCTAssertTrue(resumed.output.contains("\(foldList[0].name): result exists, skipped"), resumed.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("summary.json").path))
    }

    func testKillingTheRunStopsItsWorkers() throws {
        try CommandLineRunner.checkCLI()
        let config = try configuration(epochs: 400)
        let output = dir("killed")
        let log = dir("killed.log")
        let p = try CommandLineRunner.start(CommandLineRunner.serCLI,
                                            ["cv", "--manifest", manifest, "--protocol", "leave-one-speaker-out", "--config", config.path,
                                             "--output", output.path, "--jobs", "2"], log: log)
        // Wait until both workers train (their epoch lines appear), then kill the parent alone.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, workers(of: output).count < 2 || !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("epoch 1:") {
            Thread.sleep(forTimeInterval: 0.2)
        }
        XCTAssertEqual(workers(of: output).count, 2, "two workers should be running:\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let stopBy = Date().addingTimeInterval(10)
        while Date() < stopBy, !workers(of: output).isEmpty { Thread.sleep(forTimeInterval: 0.2) }
        XCTAssertEqual(workers(of: output), [], "workers still running 10 s after their parent was killed")
        XCTAssertTrue(((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("ended; stopping"))
    }

    /// Process ids of `cv --job-worker` processes writing into `output` (from /proc).
    func workers(of output: URL) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let arguments = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return arguments.contains("--job-worker") && arguments.contains(output.path)
        }.sorted()
    }
}
