import Foundation
import XCTest
@testable import SERTraining

/// Issue 14, defects 2 and 6: `evaluate --plots` never overwrites a run's own reports, and an
/// unwritable output folder is reported in one line before any data is loaded.
final class OutputFolderTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ser-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testEvaluationIntoARunFolderGoesToANewSubfolder() throws {
        let run = directory.appendingPathComponent("run")
        try CorpusTestSupport.writeText("{}", to: run.appendingPathComponent("config.json"))
        try CorpusTestSupport.writeText("the run's report", to: run.appendingPathComponent("report.json"))
        let first = EvaluationFolder.resolve(run)
        XCTAssertTrue(first.isSubfolder)
        XCTAssertEqual(first.folder.lastPathComponent, "evaluation")
        try FileManager.default.createDirectory(at: first.folder, withIntermediateDirectories: true)
        XCTAssertEqual(EvaluationFolder.resolve(run).folder.lastPathComponent, "evaluation-2")
        // A plain folder is used as given.
        let plain = directory.appendingPathComponent("plots")
        XCTAssertEqual(EvaluationFolder.resolve(plain).folder, plain)
        XCTAssertFalse(EvaluationFolder.resolve(plain).isSubfolder)
        // A cv fold folder is a run too.
        let fold = directory.appendingPathComponent("cv/fold-01")
        try CorpusTestSupport.writeText("{}", to: fold.appendingPathComponent("result.json"))
        XCTAssertTrue(EvaluationFolder.resolve(fold).isSubfolder)
    }

    func testUnwritableOutputIsOneLineBeforeLoadingData() throws {
        let blocker = directory.appendingPathComponent("a-file")
        try CorpusTestSupport.writeText("x", to: blocker)
        let output = blocker.appendingPathComponent("run")
        XCTAssertThrowsError(try OutputFolder.prepare(output)) { error in
            let message = "\(error)"
            print("unwritable output: \(message)")
            XCTAssertTrue(message.contains("is a file, not a folder"), message)
            XCTAssertFalse(message.contains("\n"), message)
            XCTAssertFalse(message.contains("NSCocoaErrorDomain"), message)
        }
        // Training checks the folder before reading any audio: the manifest's files do not exist, yet
        // the error is about the output folder.
        var manifest = Manifest(entries: ["train", "val"].map { s in
            ManifestEntry(path: "/nowhere/\(s).wav", label: "happy", speaker: s, split: DataSplit(rawValue: s)) })
        manifest.baseDirectory = directory
        let config = EndToEndTrainingTests.tinyConfiguration(epochs: 1)
        XCTAssertThrowsError(try SplitTraining(configuration: config, manifest: manifest, runDirectory: output).run()) { error in
            XCTAssertTrue("\(error)".contains("is a file, not a folder"), "\(error)")
        }
        XCTAssertThrowsError(try CrossValidationRunner(configuration: config, manifest: manifest, protocolKind: .leaveOneSpeakerOut,
                                                       outputDirectory: output).run()) { error in
            XCTAssertTrue("\(error)".contains("is a file, not a folder"), "\(error)")
        }
        // A writable folder is created, and left without the probe file.
        let fresh = directory.appendingPathComponent("new/nested/run")
        try OutputFolder.prepare(fresh)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fresh.path), [])
    }
}
