import Foundation
import XCTest
import SERAudio
import SERModels
import SERTestSupport
@testable import SERTraining

/// Issue 14, defects 8, 9 and 10 (library side of `predict`): silent and short input is flagged, folders
/// are searched recursively, the CSV has one row per file, timeline SVG names stay readable, and a
/// cross-validation folder given as a run names its folds.
final class PredictBatchTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ser-predict-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testShortAndSilentInputIsFlagged() throws {
        let runURL = directory.appendingPathComponent("run")
        try UntrainedRunSupport.write(to: runURL)
        let short = directory.appendingPathComponent("short.wav"), silent = directory.appendingPathComponent("silent.wav")
        let speech = directory.appendingPathComponent("tone.wav")
        try CorpusTestSupport.writeWAV(short, seconds: 0.1)
        try AudioFile.write(interleaved: [Float](repeating: 0, count: 24000), channels: 1, sampleRate: 16000, to: silent)
        try CorpusTestSupport.writeWAV(speech, seconds: 1.5)
        let predictor = try FilePredictor(run: try TrainedRun.load(from: runURL), windows: try AnalysisWindows(windowSeconds: 3, hopSeconds: 1))
        let report = predictor.predict([short, silent, speech])
        print("short: \(report.files[0].warnings)\nsilent: \(report.files[1].warnings)")
        XCTAssertEqual(report.files[0].warnings, [EmotionPredictionWarning.tooShort(seconds: 0.1, minimumSeconds: 1).description])
        XCTAssertEqual(report.files[1].warnings, [EmotionPredictionWarning.silent(peakDBFS: -.infinity).description])
        XCTAssertEqual(report.files[2].warnings, [])
        XCTAssertNotNil(report.files[0].predicted, "flagged, still predicted")
        let text = report.text()
        XCTAssertTrue(text.contains("warning  only 0.10 s long"), text)
        XCTAssertTrue(text.contains("warning  silent"), text)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: ReportFiles.json(report)) as? [String: Any])
        let files = try XCTUnwrap(json["files"] as? [[String: Any]])
        XCTAssertEqual(files[1]["warnings"] as? [String], report.files[1].warnings)
        XCTAssertEqual(files[2]["warnings"] as? [String], [])
        // Round trip of the JSON.
        XCTAssertEqual(try JSONDecoder().decode(PredictionReport.self, from: ReportFiles.json(report)), report)

        // CSV: a header and one row per file, posteriors in the run's class order.
        let rows = try CSV.parse(report.csv, source: "predictions.csv")
        XCTAssertEqual(rows.count, 4)
        XCTAssertEqual(rows[0].fields, ["path", "label"] + report.classes.map { "posterior_\($0)" } + ["duration", "warnings", "error"])
        XCTAssertEqual(rows[1].fields[0], short.path)
        XCTAssertEqual(rows[1].fields[1], report.files[0].predicted)
        XCTAssertEqual(Double(rows[3].fields[2]), report.files[2].posteriors?[0])
        XCTAssertEqual(rows[2].fields[3 + report.classes.count], report.files[1].warnings?.joined(separator: "; "))
    }

    func testFoldersAreSearchedRecursively() throws {
        let root = directory.appendingPathComponent("inputs")
        try CorpusTestSupport.writeWAV(root.appendingPathComponent("b.wav"))
        try CorpusTestSupport.writeWAV(root.appendingPathComponent("nested/deeper/a.flac".replacingOccurrences(of: ".flac", with: ".wav")))
        try CorpusTestSupport.writeText("not audio", to: root.appendingPathComponent("notes.txt"))
        let urls = try PredictionInputs.expand([root.path, "/no/such/file.wav"])
        XCTAssertEqual(urls.map(\.path), [root.appendingPathComponent("b.wav").path, root.appendingPathComponent("nested/deeper/a.wav").path,
                                          "/no/such/file.wav"])
        let empty = directory.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        XCTAssertThrowsError(try PredictionInputs.expand([empty.path]))
    }

    func testTimelineNamesKeepNonASCIIReadable() {
        let decomposed = "/x/Gru\u{0308}sse.wav"  // "ü" as u + combining diaeresis (macOS file names)
        XCTAssertEqual(TimelineFileNames.names(for: ["/a/Grüße – 1.wav", "/b/日本語.wav", decomposed, "/c/a:b?.wav", "/d/..wav"]),
                       ["Grüße___1.timeline.svg", "日本語.timeline.svg", "Grüsse.timeline.svg", "a_b_.timeline.svg", "_.timeline.svg"])
        XCTAssertEqual(TimelineFileNames.names(for: ["/a/Ü.wav", "/b/Ü.wav"]), ["Ü.timeline.svg", "Ü-2.timeline.svg"])
    }

    func testACrossValidationFolderNamesItsFolds() throws {
        let cv = directory.appendingPathComponent("cv")
        try CorpusTestSupport.writeText("{}", to: cv.appendingPathComponent("config.json"))
        for fold in ["fold-1-s1", "fold-2-s2"] { try UntrainedRunSupport.write(to: cv.appendingPathComponent(fold)) }
        XCTAssertThrowsError(try TrainedRun.load(from: cv)) { error in
            let message = "\(error)"
            print("cv folder as run: \(message)")
            XCTAssertTrue(message.contains("cross-validation folder with 2 fold runs"), message)
            XCTAssertTrue(message.contains(cv.appendingPathComponent("fold-1-s1").path), message)
            XCTAssertFalse(message.contains("--resume"), message)
        }
    }

    /// Issue 14, defect 9: every `--feature` value in the README and Docs is one the option accepts.
    func testFeatureValuesInTheDocumentationParse() throws {
        let root = Fixtures.packageRoot
        var files = [root.appendingPathComponent("README.md")]
        files += try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Docs").path)
            .filter { $0.hasSuffix(".md") }.map { root.appendingPathComponent("Docs").appendingPathComponent($0) }
        let pattern = try NSRegularExpression(pattern: "--feature[ =]([A-Za-z0-9+_-]+)")
        var checked = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let r = Range(m.range(at: 1), in: text) else { continue }
                let value = String(text[r])
                XCTAssertNotNil(Table1Feature(rawValue: value), "\(file.lastPathComponent): --feature \(value)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 0)
    }
}
