import Foundation
@testable import SERTraining
import SERModels
import SERTensor
import SERTestSupport
import XCTest

/// A functionals run end to end on a tiny corpus whose functionals come from a CSV table: the
/// configuration's JSON form, cross-validation (files written, learning), loading a fold as a
/// ``TrainedRun`` and evaluating it, the fixed-split run, and the table's errors.
final class FunctionalsRunTests: XCTestCase {
    /// 4 speakers × 12 utterances of 4 classes; functionals = class centre + speaker offset + noise.
    private func corpus(in dir: URL) throws -> (manifest: URL, table: URL) {
        var rng = RandomGenerator(seed: 3)
        var manifest = "path,label,speaker,split\n", table = "file,f1,f2,f3,f4,f5\n"
        let classes = ["neutral", "happy", "sad", "angry"]
        for s in 0..<4 {
            let offset = (0..<5).map { _ in rng.nextNormal() * 2 }
            for u in 0..<12 {
                let k = u % 4
                let path = "wav/s\(s)_\(u).wav"
                try CorpusTestSupport.writeWAV(dir.appendingPathComponent(path))
                let split = s == 0 ? "test" : s == 1 ? "val" : "train"
                manifest += "\(path),\(classes[k]),spk\(s),\(split)\n"
                let values = (0..<5).map { j in (j == k ? 3.0 : 0.0) + offset[j] + 0.5 * rng.nextNormal() }
                table += path + "," + values.map { "\($0)" }.joined(separator: ",") + "\n"
            }
        }
        let m = dir.appendingPathComponent("manifest.csv"), t = dir.appendingPathComponent("functionals.csv")
        try CorpusTestSupport.writeText(manifest, to: m)
        try CorpusTestSupport.writeText(table, to: t)
        return (m, t)
    }

    func testConfigurationJSONRoundTrip() throws {
        var r = TrainingRequest()
        r.modelKind = .functionalsLogReg
        r.featuresTable = "f.csv"
        r.speakerNormalization = true
        let c = try r.configuration()
        XCTAssertEqual(c.modelKind, .functionalsLogReg)
        XCTAssertEqual(c.functionals?.cGrid, [0.01, 0.1, 1, 10])
        let data = try JSONEncoder().encode(c)
        let decoded = try JSONDecoder().decode(TrainingConfiguration.self, from: data)
        XCTAssertEqual(decoded, c)
        XCTAssertEqual(decoded.functionals, c.functionals)
        let json = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(json.contains("\"functionals\"") && !json.contains("\"model\""), json)
        // Wrong combinations are named.
        var bad = TrainingRequest()
        bad.modelKind = .functionalsSVM
        bad.feature = .spectrogram
        XCTAssertThrowsError(try bad.configuration()) { XCTAssertTrue("\($0)".contains("--feature"), "\($0)") }
        var tableOnNetwork = TrainingRequest()
        tableOnNetwork.featuresTable = "f.csv"
        XCTAssertThrowsError(try tableOnNetwork.configuration()) { XCTAssertTrue("\($0)".contains("--features-csv"), "\($0)") }
        let svmWithLogreg = #"{"modelKind": "functionals-svm", "functionals": {"classifier": "logreg"}}"#
        XCTAssertThrowsError(try JSONDecoder().decode(TrainingConfiguration.self, from: Data(svmWithLogreg.utf8)))
    }

    func testCrossValidationEvaluateAndSplitRun() throws {
        let dir = try Fixtures.temporaryDirectory("functionals-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (manifestURL, tableURL) = try corpus(in: dir)
        let manifest = try Manifest.read(from: manifestURL)
        var request = TrainingRequest()
        request.modelKind = .functionalsSVM
        request.featuresTable = tableURL.path
        request.speakerNormalization = true
        let config = try request.configuration()

        let out = dir.appendingPathComponent("cv")
        let summary = try XCTUnwrap(CrossValidationRunner(configuration: config, manifest: manifest, protocolKind: .leaveOneSpeakerOut,
                                                          outputDirectory: out).run())
        print("functionals SVM, leave one speaker out on the toy corpus: UA \(summary.markdown.split(separator: "\n").filter { $0.contains("mean") })")
        XCTAssertGreaterThan(summary.pooled.unweightedAccuracy, 0.75, "separable classes are learned (chance 0.25)")
        let fold = out.appendingPathComponent("fold01-test-spk0")
        for f in ["config.json", "model.safetensors", "result.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: fold.appendingPathComponent(f).path), f)
        }
        let result = try FoldResult.read(from: fold.appendingPathComponent("result.json"))
        XCTAssertNotNil(result.metadata["C"])
        XCTAssertNotNil(result.metadata["gamma"])

        // The fold's saved classifier, evaluated on its test speaker, gives the fold's result.
        let run = try TrainedRun.load(from: fold)
        XCTAssertNil(run.model)
        XCTAssertEqual(run.functionalsClassifier?.speakerStandardization, true)
        // Functionals from a table cannot be computed from audio: predict refuses, saying what to do instead.
        XCTAssertThrowsError(try FilePredictor(run: run, windows: .standard)) { e in
            XCTAssertTrue("\(e)".contains("--features-csv") && "\(e)".contains("evaluate"), "\(e)")
        }
        let testRows = manifest.keeping(manifest.entries.indices.filter { manifest.entries[$0].speaker == "spk0" })
        let evaluation = try RunEvaluation.evaluate(run: run, manifest: testRows)
        XCTAssertEqual(evaluation.report.confusion, result.test.confusion)

        // Fixed split: report, model and plots.
        let splitDir = dir.appendingPathComponent("split")
        let split = try FunctionalsSplitTraining(configuration: config, manifest: manifest, runDirectory: splitDir).run()
        XCTAssertEqual(split.trainUtterances, 24)
        XCTAssertEqual(split.grid.count, 3)
        XCTAssertNotNil(split.test)
        for f in ["config.json", "model.safetensors", "report.json", "report.md", "confusion-validation.svg", "confusion-test.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: splitDir.appendingPathComponent(f).path), f)
        }
        let splitRun = try TrainedRun.load(from: splitDir)
        let posteriors = try splitRun.predictor.posteriors(try UtteranceStore.load(manifest, indices: [0, 1], classes: config.classes, pitchPulses: false))
        for p in posteriors { XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-9) }
    }

    func testTableErrorsNameFileLineAndColumn() throws {
        let dir = try Fixtures.temporaryDirectory("functionals-table")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("t.csv")
        try CorpusTestSupport.writeText("name,f1\na.wav,1\n", to: url)
        XCTAssertThrowsError(try FunctionalsTable(file: url.path)) { XCTAssertTrue("\($0)".contains("file"), "\($0)") }
        try CorpusTestSupport.writeText("file,f1,f2\na.wav,1,x\n", to: url)
        XCTAssertThrowsError(try FunctionalsTable(file: url.path)) { e in
            XCTAssertTrue("\(e)".contains("t.csv") && "\(e)".contains("f2") && "\(e)".contains("x"), "\(e)")
        }
        try CorpusTestSupport.writeText("file,f1\na.wav,1\n", to: url)
        let table = try FunctionalsTable(file: url.path)
        XCTAssertEqual(try table.functionals(Utterance(path: dir.appendingPathComponent("a.wav").path, label: 0, speaker: "s", samples: [])), [1])
        XCTAssertThrowsError(try table.functionals(Utterance(path: "/elsewhere/b.wav", label: 0, speaker: "s", samples: []))) {
            XCTAssertTrue("\($0)".contains("/elsewhere/b.wav") && "\($0)".contains("no row"), "\($0)")
        }
    }
}
