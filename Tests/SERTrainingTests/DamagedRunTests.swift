import Foundation
import XCTest
import SERModels
import SERTensor
@testable import SERTraining

/// Issue 14, defect 1: NaN weights never give a prediction. A run whose `best.safetensors` was
/// overwritten with 0xFF bytes is refused at load, naming the file and the tensor; a model that gives
/// non-finite posteriors is an error in `predict` and `evaluate`, and `predict --json` stays valid JSON.
final class DamagedRunTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ser-damaged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A run folder with an untrained tiny STRFNet (`config.json` + `best.safetensors`) and a 1 s WAV.
    func untrainedRun() throws -> (run: URL, audio: URL) {
        let run = directory.appendingPathComponent("run")
        try UntrainedRunSupport.write(to: run)
        let audio = directory.appendingPathComponent("tone.wav")
        try CorpusTestSupport.writeWAV(audio, seconds: 1)
        return (run, audio)
    }

    func testOverwrittenWeightsAreRefusedAtLoadNamingFileAndTensor() throws {
        let (run, _) = try untrainedRun()
        let weights = run.appendingPathComponent(TrainedRun.weightsFile)
        var bytes = try Data(contentsOf: weights)
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let start = 8 + headerLength + 16
        let end = min(bytes.count, start + 4000)
        bytes.replaceSubrange(start..<end, with: Data(repeating: 0xFF, count: end - start))
        try bytes.write(to: weights)
        XCTAssertThrowsError(try TrainedRun.load(from: run)) { error in
            let message = "\(error)"
            print("damaged weights: \(message)")
            XCTAssertTrue(message.contains(weights.path), message)
            XCTAssertTrue(message.contains("NaN or infinite weights"), message)
            XCTAssertTrue(message.contains("values are not finite"), "names the tensor and the count: \(message)")
        }
    }

    func testNonFinitePosteriorsAreAnErrorNotAPrediction() throws {
        let (runURL, audio) = try untrainedRun()
        let run = try TrainedRun.load(from: runURL)
        // Damage the loaded model in memory (as a diverged model would be) after the load-time check.
        let model = try XCTUnwrap(run.model, "a network run has a model")
        for p in model.parameters() { p.withUnsafeMutableBuffer(Float.self) { b in for i in b.indices { b[i] = .nan } } }

        let predictor = try FilePredictor(run: run, windows: try AnalysisWindows(windowSeconds: 3, hopSeconds: 1))
        XCTAssertThrowsError(try predictor.predict(audio)) { error in
            XCTAssertTrue("\(error)".contains(audio.path), "\(error)")
            XCTAssertTrue("\(error)".lowercased().contains("finite"), "\(error)")
        }
        let report = predictor.predict([audio])
        XCTAssertNil(report.files[0].posteriors)
        XCTAssertNil(report.files[0].predicted)
        XCTAssertTrue(report.files[0].error?.lowercased().contains("finite") ?? false, report.files[0].error ?? "")
        XCTAssertTrue(report.text().contains("ERROR"))
        // `predict --json`: the report is valid JSON.
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: ReportFiles.json(report)))

        let manifest = Manifest(entries: [ManifestEntry(path: audio.path, label: "happy", speaker: "s1")])
        XCTAssertThrowsError(try RunEvaluation.evaluate(run: run, manifest: manifest)) { error in
            XCTAssertEqual(error as? TrainingError, .nonFinitePosteriors(path: audio.path))
        }
    }

    func testJSONOfANonFiniteNumberIsACleanError() {
        struct Holder: Encodable { var value = Double.nan }
        XCTAssertThrowsError(try ReportFiles.json(Holder())) { error in
            XCTAssertTrue("\(error)".contains("'value' is not a finite number"), "\(error)")
        }
    }
}
