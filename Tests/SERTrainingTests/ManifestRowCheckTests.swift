import Foundation
import XCTest
import SERAudio
@testable import SERTraining

/// Issue 14, defects 4 and 5: every problem of a manifest's rows is listed with its line before any
/// training (missing, unreadable, NaN audio, duplicates), `--skip-bad-rows` leaves them out with a
/// count, `prepare` never writes rows whose audio holds NaN, and rows or classes are never dropped
/// silently.
final class ManifestRowCheckTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ser-rowcheck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The tiny network of the end-to-end tests, for classes happy and sad.
    func twoClassConfiguration() -> TrainingConfiguration {
        var config = EndToEndTrainingTests.tinyConfiguration(epochs: 1)
        config.classes = ["happy", "sad"]
        config.model.classes = 2
        return config
    }

    /// A float WAV whose last samples are NaN (the writer refuses NaN, so the data bytes are patched).
    func writeNaNWAV(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AudioFile.write(interleaved: [Float](repeating: 0.1, count: 1600), channels: 1, sampleRate: 16000, to: url, format: .wavFloat)
        var bytes = try Data(contentsOf: url)
        bytes.replaceSubrange((bytes.count - 40)..<bytes.count, with: Data(repeating: 0xFF, count: 40))
        try bytes.write(to: url)
    }

    /// Lines 2–9: good rows of two speakers, then a missing file (6), an unreadable one (7), NaN audio (8)
    /// and a repeat of line 2 (9).
    func problemManifest() throws -> Manifest {
        for name in ["a1", "a2", "b1", "b2"] { try CorpusTestSupport.writeWAV(directory.appendingPathComponent("\(name).wav"), seconds: 1) }
        try CorpusTestSupport.writeText("RIFF nonsense", to: directory.appendingPathComponent("garbage.wav"))
        try writeNaNWAV(directory.appendingPathComponent("nan.wav"))
        let text = """
        path,label,speaker,split
        a1.wav,happy,a,train
        a2.wav,sad,a,train
        b1.wav,happy,b,val
        b2.wav,sad,b,val
        missing.wav,happy,a,train
        garbage.wav,sad,a,train
        nan.wav,happy,b,val
        a1.wav,happy,a,train

        """
        let url = directory.appendingPathComponent("manifest.csv")
        try CorpusTestSupport.writeText(text, to: url)
        return try Manifest.read(from: url)
    }

    func testEveryProblemIsListedWithItsLineBeforeTraining() throws {
        let manifest = try problemManifest()
        let config = twoClassConfiguration()
        var job = SplitTraining(configuration: config, manifest: manifest, runDirectory: directory.appendingPathComponent("run"))
        XCTAssertThrowsError(try job.run()) { error in
            let message = "\(error)"
            print("manifest problems:\n\(message)")
            guard let problems = error as? ManifestProblems else { return XCTFail("\(error)") }
            XCTAssertEqual(problems.rows, 4)
            XCTAssertEqual(problems.issues.map(\.line), [6, 7, 8, 9])
            XCTAssertTrue(message.contains("line 6: missing.wav: audio file not found"), message)
            XCTAssertTrue(message.contains("line 7: garbage.wav: audio file unreadable"), message)
            XCTAssertTrue(message.contains("line 8: nan.wav: audio holds NaN or infinite samples"), message)
            XCTAssertTrue(message.contains("line 9: a1.wav: same file and segment as line 2"), message)
            XCTAssertTrue(message.contains("--skip-bad-rows"), message)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("run/checkpoint").path),
                       "nothing was trained")

        // --skip-bad-rows: the four rows are left out, counted, and training runs on the others.
        var messages = [String]()
        job.skipBadRows = true
        job.message = { messages.append($0) }
        let result = try job.run()
        XCTAssertEqual(result.trainUtterances, 2)
        XCTAssertEqual(result.validationUtterances, 2)
        XCTAssertTrue(messages.contains("skipped 4 rows with problems (--skip-bad-rows):"), "\(messages)")
        XCTAssertEqual(messages.filter { $0.hasPrefix("  line ") }.count, 4, "\(messages)")
    }

    func testRowsLeftOutByLabelAreCountedInTheLog() throws {
        let manifest = try problemManifest()
        let clean = manifest.keeping([0, 1, 2, 3])
        let config = twoClassConfiguration()
        var withOther = clean
        withOther.entries.append(ManifestEntry(path: "a1.wav", label: "bored", speaker: "a", split: .train))
        withOther.entries.append(ManifestEntry(path: "b1.wav", label: "bored", speaker: "b", split: .validation))
        var messages = [String]()
        var job = SplitTraining(configuration: config, manifest: withOther, runDirectory: directory.appendingPathComponent("run2"))
        job.message = { messages.append($0) }
        try job.run()
        XCTAssertTrue(messages.contains("left out 2 rows whose label is not one of happy,sad: 2 bored"), "\(messages)")
    }

    func testEvaluationListsEveryProblemOrSkipsThem() throws {
        let manifest = try problemManifest()
        let indices = Array(manifest.entries.indices)
        XCTAssertThrowsError(try ManifestRowCheck.usableRows(of: manifest, indices: indices, skipBadRows: false))
        let usable = try ManifestRowCheck.usableRows(of: manifest, indices: indices, skipBadRows: true)
        XCTAssertEqual(usable.rows, [0, 1, 2, 3])
        XCTAssertEqual(usable.skippedRows, 4)
        XCTAssertEqual(usable.skipped.map(\.index), [4, 5, 6, 7])
    }

    func testPrepareNeverWritesRowsWithNaNAudio() throws {
        let root = directory.appendingPathComponent("corpus")
        try CorpusTestSupport.writeWAV(root.appendingPathComponent("happy/s1_a.wav"), seconds: 0.5)
        try CorpusTestSupport.writeWAV(root.appendingPathComponent("sad/s1_b.wav"), seconds: 0.5)
        try writeNaNWAV(root.appendingPathComponent("sad/s2_c.wav"))
        var prep = CorpusPreparation(kind: .folder, root: root)
        prep.speakerPattern = "^(s[0-9])_"
        let outcome = try prep.run()
        XCTAssertEqual(outcome.manifest.entries.map(\.path).sorted(), ["happy/s1_a.wav", "sad/s1_b.wav"])
        XCTAssertEqual(outcome.validation.issues.count, 1)
        guard case .nonFiniteAudio = outcome.validation.issues.first?.problem else {
            return XCTFail("\(outcome.validation.issues)")
        }
    }
}
