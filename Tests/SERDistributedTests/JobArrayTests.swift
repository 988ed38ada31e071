import Foundation
import SERTestSupport
import SERTraining
import XCTest

/// `scripts/slurm/cv-array.sbatch` and `grid.sbatch` run locally as their array tasks would: the folds of a
/// cross-validation as separate `ser-cli cv --fold k` processes (all at once, in one output folder), then the
/// merge; the merged summary is byte for byte the summary of one `ser-cli cv` run with the same seed.
final class JobArrayTests: XCTestCase {
    static let root = FileManager.default.temporaryDirectory.appendingPathComponent("ser-array-\(UUID().uuidString)")

    override class func setUp() {
        super.setUp()
        do { _ = try DistributedTestSupport.corpus(in: root) } catch { XCTFail("could not build the test corpus: \(error)") }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: root)
        super.tearDown()
    }

    func dir(_ name: String) -> URL { Self.root.appendingPathComponent(name) }

    static func script(_ name: String) -> URL {
        Fixtures.packageRoot.appendingPathComponent("scripts/slurm/\(name)")
    }

    /// Runs a Slurm script with bash and `environment` (plus SER_CLI).
    func runScript(_ name: String, _ arguments: [String], environment: [String: String]) throws -> CommandLineRunner.Outcome {
        var env = CommandLineRunner.environment
        env["SER_CLI"] = CommandLineRunner.serCLI.path
        env.merge(environment) { $1 }
        let log = dir("\(name)-\(UUID().uuidString).log")
        let started = Date()
        let p = try CommandLineRunner.start(URL(fileURLWithPath: "/bin/bash"), [Self.script(name).path] + arguments, log: log, environment: env)
        p.waitUntilExit()
        return CommandLineRunner.Outcome(status: p.terminationStatus, output: (try? String(contentsOf: log, encoding: .utf8)) ?? "",
                                         seconds: Date().timeIntervalSince(started))
    }

    /// A tiny STRFNet, 2 epochs of 2 steps.
    func configuration() throws -> URL {
        var c = DistributedTestSupport.strfnet(epochs: 2)
        c.stepsPerEpoch = 2
        c.batchSize = 4
        let url = dir("cv.json")
        try DistributedTestSupport.writeJSON(c, to: url)
        return url
    }

    func testFoldTasksMergedEqualOneCrossValidation() throws {
        try CommandLineRunner.checkCLI()
        let manifest = Self.root.appendingPathComponent("corpus/manifest.csv").path
        let config = try configuration()
        let protocolName = "leave-one-speaker-out"
        DistributedTestSupport.check(try CommandLineRunner.cli(["cv", "--manifest", manifest, "--protocol", protocolName, "--config", config.path,
                                                                "--output", dir("whole").path]), "one cross-validation")
        let env = ["MANIFEST": manifest, "CONFIG": config.path, "OUTPUT": dir("array").path, "PROTOCOL": protocolName]
        let folds = 3
        // The array tasks, all at once as Slurm would start them.
        var tasks: [(Process, URL)] = []
        for k in 1...folds {
            var e = CommandLineRunner.environment
            e.merge(env) { $1 }
            e["SER_CLI"] = CommandLineRunner.serCLI.path
            e["SLURM_ARRAY_TASK_ID"] = "\(k)"
            let log = dir("task\(k).log")
            tasks.append((try CommandLineRunner.start(URL(fileURLWithPath: "/bin/bash"), [Self.script("cv-array.sbatch").path], log: log,
                                                      environment: e), log))
        }
        for (p, log) in tasks {
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, "array task failed:\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
        // The dependent merge job.
        try? FileManager.default.removeItem(at: dir("array/summary.json"))   // the last task to finish may have written one
        DistributedTestSupport.check(try runScript("cv-array.sbatch", ["merge"], environment: env), "merge job")
        for file in ["summary.json", "summary.md"] {
            let whole = try Data(contentsOf: dir("whole").appendingPathComponent(file))
            let merged = try Data(contentsOf: dir("array").appendingPathComponent(file))
            XCTAssertEqual(whole, merged, "\(file) of the merged array tasks differs from one cross-validation's")
        }
        // Each fold trained the same weights in its task as in the one run (the summary alone could agree by chance).
        let (_, foldList) = try CrossValidationRunner(configuration: DistributedTestSupport.strfnet(epochs: 2), manifest: Manifest.read(from: URL(fileURLWithPath: manifest)),
                                                      protocolKind: .leaveOneSpeakerOut, outputDirectory: dir("unused")).folds()
        XCTAssertEqual(foldList.count, folds)
        for fold in foldList {
            for file in ["best.safetensors", "checkpoint/model.safetensors"] {
                let whole = try Data(contentsOf: dir("whole").appendingPathComponent(fold.name).appendingPathComponent(file))
                let task = try Data(contentsOf: dir("array").appendingPathComponent(fold.name).appendingPathComponent(file))
                XCTAssertEqual(whole, task, "\(fold.name)/\(file) differs between the array task and the one run")
            }
        }
        let summary = try JSONDecoder().decode(CrossValidationSummary.self, from: Data(contentsOf: dir("array/summary.json")))
        XCTAssertEqual(summary.folds.count, folds)
        print("job array: \(folds) fold tasks merged = one cv run, byte for byte (summary.json, summary.md); UA \(summary.unweightedAccuracy.percentText)")
    }

    func testGridTasksCoverEveryConfigurationAndFold() throws {
        try CommandLineRunner.checkCLI()
        let manifest = Self.root.appendingPathComponent("corpus/manifest.csv").path
        let a = try configuration()
        let b = dir("second.json")
        try FileManager.default.copyItem(at: a, to: b)
        let env = ["MANIFEST": manifest, "CONFIGS": "\(a.path) \(b.path)", "OUTPUT": dir("grid").path, "DRY_RUN": "1"]
        var commands: [String] = []
        for t in 1...6 {
            let out = try runScript("grid.sbatch", [], environment: env.merging(["SLURM_ARRAY_TASK_ID": "\(t)"]) { $1 })
            DistributedTestSupport.check(out, "grid task \(t)")
            commands.append(out.output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let expected = [(a, "cv", 1), (a, "cv", 2), (a, "cv", 3), (b, "second", 1), (b, "second", 2), (b, "second", 3)]
        for (command, (config, folder, fold)) in zip(commands, expected) {
            XCTAssertTrue(command.contains("--config \(config.path) --output \(dir("grid").appendingPathComponent(folder).path) --fold \(fold)"),
                          command)
        }
        let outside = try runScript("grid.sbatch", [], environment: env.merging(["SLURM_ARRAY_TASK_ID": "7"]) { $1 })
        XCTAssertNotEqual(outside.status, 0)
        XCTAssertTrue(outside.output.contains("task 7 outside 1-6"), outside.output)
    }
}
