import Foundation
import XCTest
import SERAudio
@testable import SERTraining

/// Issue 14: what the `ser-cli` binary itself does with misuse (exit codes, `--quiet`, JSON and CSV
/// output). Runs the `ser-cli` built next to the test bundle (`swift build --build-tests` builds both);
/// skipped when it is not there.
final class CommandLineTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ser-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The `ser-cli` executable in the test bundle's build folder.
    func tool() throws -> URL {
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                          Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        for folder in candidates {
            let url = folder.appendingPathComponent("ser-cli")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw XCTSkip("ser-cli is not built next to the tests")
    }

    /// Runs `ser-cli arguments` and returns its exit status, standard output and standard error.
    func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = try tool()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        // Output goes to files (no pipe to drain while the tool runs).
        let outURL = directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let errURL = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        let outData = try Data(contentsOf: outURL), errData = try Data(contentsOf: errURL)
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    func testUsageErrorsExit64WithAMessage() throws {
        for bad in ["0", "-1", "1000"] {
            let window = try run(["predict", "--run", "r", "--window", bad, "a.wav"])
            print("--window \(bad): exit \(window.status): \(window.err)")
            XCTAssertEqual(window.status, 64, bad)
            XCTAssertTrue(window.err.contains("window length"), window.err)
        }
        let lr = try run(["train", "--manifest", "m.csv", "--output", "o", "--lr", "-0.001"])
        print("negative --lr: exit \(lr.status): \(lr.err)")
        XCTAssertEqual(lr.status, 64)
        XCTAssertTrue(lr.err.contains("--lr must be positive"), lr.err)
        XCTAssertFalse(lr.err.contains("Missing value"), lr.err)
        let feature = try run(["config", "--preset", "demo", "--feature", "spectrogram+modulation"])
        XCTAssertEqual(feature.status, 0, feature.err)
    }

    func testInfoJSONWritesNullForSilence() throws {
        try AudioFile.write(interleaved: [Float](repeating: 0, count: 800), channels: 1, sampleRate: 8000,
                            to: directory.appendingPathComponent("silent.wav"))
        let info = try run(["info", "--json", "silent.wav"])
        XCTAssertEqual(info.status, 0, info.err)
        XCTAssertFalse(info.out.contains("\"-inf\""), info.out)
        let objects = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(info.out.utf8)) as? [[String: Any]])
        XCTAssertTrue(objects[0]["peakDBFS"] is NSNull, info.out)
    }

    func testPredictTakesFoldersAndWritesCSVJSONAndReadableSVGNames() throws {
        try UntrainedRunSupport.write(to: directory.appendingPathComponent("run"))
        try CorpusTestSupport.writeWAV(directory.appendingPathComponent("in/Grüße/straße.wav"), seconds: 1.2)
        try CorpusTestSupport.writeWAV(directory.appendingPathComponent("in/short.wav"), seconds: 0.1)
        try AudioFile.write(interleaved: [Float](repeating: 0, count: 24000), channels: 1, sampleRate: 16000,
                            to: directory.appendingPathComponent("in/silence.wav"))
        let r = try run(["predict", "--run", "run", "in", "--csv", "out/predictions.csv", "--timeline-svg", "svg", "--json", "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.err, "", "--quiet prints nothing on standard error")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let files = try XCTUnwrap(json["files"] as? [[String: Any]])
        XCTAssertEqual(files.map { ($0["file"] as? String).map { ($0 as NSString).lastPathComponent } }, ["straße.wav", "short.wav", "silence.wav"])
        XCTAssertEqual((files[0]["timelineSvg"] as? String).map { ($0 as NSString).lastPathComponent }, "straße.timeline.svg")
        for f in files {
            let svg = try XCTUnwrap(f["timelineSvg"] as? String)
            XCTAssertTrue(FileManager.default.fileExists(atPath: svg), svg)
        }
        XCTAssertEqual((files[1]["warnings"] as? [String])?.count, 1)
        XCTAssertTrue((files[2]["warnings"] as? [String])?.first?.hasPrefix("silent") ?? false, "\(files[2])")
        let csv = try CSV.parse(Data(contentsOf: directory.appendingPathComponent("out/predictions.csv")), source: "predictions.csv")
        XCTAssertEqual(csv.count, 4)
        XCTAssertEqual(csv[0].fields.first, "path")

        // Text output flags the warnings too.
        let text = try run(["predict", "--run", "run", "in/short.wav"])
        XCTAssertEqual(text.status, 0, text.err)
        XCTAssertTrue(text.out.contains("warning  only 0.10 s long"), text.out)
    }

    func testDemoOutputAndAFoldOutsideTheProtocol() throws {
        let demo = try run(["demo", "--output", "d", "--corpus-only", "--speakers", "3", "--utterances", "2", "--quiet"])
        XCTAssertEqual(demo.status, 0, demo.err)
        XCTAssertEqual(demo.err, "")
        let manifest = directory.appendingPathComponent("d/corpus/manifest.csv")
        XCTAssertTrue(FileManager.default.fileExists(atPath: manifest.path))
        let cv = try run(["cv", "--manifest", manifest.path, "--protocol", "leave-one-speaker-out", "--output", "cv", "--fold", "5"])
        print("cv --fold 5: exit \(cv.status): \(cv.err)")
        XCTAssertEqual(cv.status, 64)
        XCTAssertTrue(cv.err.contains("has 3 folds on this manifest (1...3)"), cv.err)
        XCTAssertFalse(cv.err.contains("invalid training configuration"), cv.err)
    }

    func testUnwritableOutputIsOneLine() throws {
        try CorpusTestSupport.writeText("x", to: directory.appendingPathComponent("file"))
        let r = try run(["train", "--manifest", "missing.csv", "--output", "file/run"])
        print("unwritable output: exit \(r.status): \(r.err)")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.err.contains("is a file, not a folder"), r.err)
        XCTAssertFalse(r.err.contains("NSCocoaErrorDomain"), r.err)
        XCTAssertFalse(r.err.contains("missing.csv"), "the output is checked before the manifest is read: \(r.err)")
    }

    /// Issue 15: the recipe presets run on any manifest as it stands (classes from its labels), here the demo
    /// corpus: one fold of `cv --preset best-speaker` and `train --preset best-independent`, each for one epoch,
    /// then `predict` with the fused model file. A smoke run, not an accuracy test.
    func testRecipePresetsRunOnTheDemoCorpus() throws {
        let split = try CorpusTestSupport.demoCorpusWithSplit(in: directory.appendingPathComponent("d/corpus"), utterancesPerSpeakerPerClass: 2, seed: 3)
        let manifestURL = split.deletingLastPathComponent().appendingPathComponent(DemoCorpus.manifestFileName)
        let cv = try run(["cv", "--manifest", manifestURL.path, "--protocol", "leave-one-speaker-out", "--preset", "best-speaker",
                          "--epochs", "1", "--patience", "1", "--fold", "1", "--output", "cv"])
        print("cv --preset best-speaker: exit \(cv.status)\n\(cv.err)")
        XCTAssertEqual(cv.status, 0, cv.err)
        XCTAssertTrue(cv.err.contains("ensemble of 3") && cv.err.contains("fusion weight"), cv.err)
        let fold = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("cv").path).first { $0.hasPrefix("fold01") })
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("cv/\(fold)/model.safetensors").path))

        let manifest = try Manifest.read(from: split)
        let train = try run(["train", "--manifest", split.path, "--preset", "best-independent", "--epochs", "1", "--patience", "1", "--output", "run"])
        print("train --preset best-independent: exit \(train.status)\n\(train.err)")
        XCTAssertEqual(train.status, 0, train.err)
        XCTAssertTrue(train.err.contains("test UA: combined"), train.err)
        let audio = manifest.url(of: manifest.entries[0]).path
        let predict = try run(["predict", "--run", "run", "--json", audio])
        XCTAssertEqual(predict.status, 0, predict.err)
        XCTAssertTrue(predict.out.contains("\"posteriors\""), predict.out)
    }
}
