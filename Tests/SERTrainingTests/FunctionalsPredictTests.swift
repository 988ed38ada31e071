import Foundation
import XCTest
import SERTestSupport
@testable import SERTraining

/// Functionals runs (eGeMAPS + SVM or logistic regression) trained on generated speech are saved as
/// `model.safetensors` like every run, give the same posteriors after loading as before saving, and are used
/// by `evaluate` and `predict` (``RunEvaluation``, ``FilePredictor``, what `ser-cli` calls): track I per file,
/// track S (per-speaker standardisation) on one speaker's files together, a single file refused.
final class FunctionalsPredictTests: XCTestCase {
    /// A demo corpus of 3 speakers × 4 classes × 3 utterances and its eGeMAPS functionals, computed once.
    struct Corpus {
        let directory: URL
        let manifest: Manifest
        let utterances: [Utterance]
        let rows: [[Double]]
        let speakers: [String]
    }

    nonisolated(unsafe) static var shared: Corpus?

    static func corpus() throws -> Corpus {
        if let shared { return shared }
        let dir = try Fixtures.temporaryDirectory("functionals-predict")
        let url = try DemoCorpus.generate(to: dir.appendingPathComponent("corpus"), speakers: 3, utterancesPerSpeakerPerClass: 3, seed: 7)
        let manifest = try Manifest.read(from: url)
        let classes = try TrainingRequest().configuration().classes
        let utterances = try UtteranceStore.load(manifest, indices: Array(manifest.entries.indices), classes: classes, pitchPulses: false)
        let rows = try EGeMAPSFunctionalsProvider().rows(utterances)
        let made = Corpus(directory: dir, manifest: manifest, utterances: utterances, rows: rows, speakers: manifest.speakers)
        shared = made
        return made
    }

    override class func tearDown() {
        if let shared { try? FileManager.default.removeItem(at: shared.directory) }
        shared = nil
        super.tearDown()
    }

    /// Fits on speaker 0, chooses C on speaker 1; returns the fit, the test speaker's (2) rows and the saved run.
    static func trainedRun(_ kind: ModelKind, speakerNormalization: Bool, name: String) throws
        -> (fit: FunctionalsFit, test: [Int], run: URL, training: FunctionalsTraining) {
        let c = try Self.corpus()
        var request = TrainingRequest()
        request.modelKind = kind
        request.speakerNormalization = speakerNormalization
        let training = try FunctionalsTraining(configuration: try request.configuration())
        func part(_ speaker: String) -> [Int] { c.manifest.entries.indices.filter { c.manifest.entries[$0].speaker == speaker } }
        func data(_ i: [Int]) -> FunctionalsData {
            FunctionalsData(rows: i.map { c.rows[$0] }, labels: i.map { c.utterances[$0].label }, speakers: i.map { c.utterances[$0].speaker })
        }
        let fit = try training.fit(train: data(part(c.speakers[0])), validation: data(part(c.speakers[1])))
        let run = c.directory.appendingPathComponent("runs/\(name)")
        try training.save(fit, to: run)
        return (fit, part(c.speakers[2]), run, training)
    }

    func testFunctionalsRunsRoundTripThroughTheModelFileWithTheSamePosteriors() throws {
        let c = try Self.corpus()
        var worst = 0.0
        for (kind, speaker) in [(ModelKind.functionalsSVM, false), (.functionalsSVM, true), (.functionalsLogReg, false)] {
            let (fit, test, runURL, _) = try Self.trainedRun(kind, speakerNormalization: speaker, name: "\(kind.rawValue)-\(speaker)")
            let before = fit.classifier.classify(test.map { c.rows[$0] }, speakers: test.map { c.utterances[$0].speaker })
            XCTAssertTrue(FileManager.default.fileExists(atPath: runURL.appendingPathComponent("model.safetensors").path))
            XCTAssertFalse(FileManager.default.fileExists(atPath: runURL.appendingPathComponent("best.safetensors").path))
            let run = try TrainedRun.load(from: runURL)
            XCTAssertNil(run.model)
            XCTAssertEqual(run.functionalsClassifier, fit.classifier)
            XCTAssertEqual(run.metadata["C"], "\(fit.chosen.c)")
            if case .svm(let svm) = fit.classifier.model { XCTAssertTrue(svm.hasProbabilities, "posteriors are LIBSVM's Platt estimates") }
            let after = try run.predictor.posteriors(test.map { c.utterances[$0] })
            for (a, b) in zip(after, before) {
                worst = max(worst, zip(a, b.posteriors).map { abs($0 - $1) }.max() ?? 0)
                XCTAssertEqual(a.reduce(0, +), 1, accuracy: 1e-9)
            }
            // evaluate: the classifier's own decisions (the SVM's vote) on the test speaker's rows.
            let rows = c.manifest.keeping(test)
            let evaluation = try RunEvaluation.evaluate(run: run, manifest: rows)
            let expected = try ClassificationReport(classes: fit.classifier.classes, truth: test.map { c.utterances[$0].label },
                                                    predicted: before.map(\.predicted))
            XCTAssertEqual(evaluation.report.confusion, expected.confusion)
        }
        print("functionals runs: worst |posterior difference| before saving and after loading model.safetensors: \(worst)")
        XCTAssertLessThanOrEqual(worst, 1e-12, "float64 parameters are stored as F64")

        // A functionals run written before model files (classifier alone in best.safetensors) still loads.
        let (fit, test, runURL, _) = try Self.trainedRun(.functionalsSVM, speakerNormalization: false, name: "legacy")
        try FileManager.default.removeItem(at: runURL.appendingPathComponent("model.safetensors"))
        XCTAssertThrowsError(try TrainedRun.load(from: runURL)) { XCTAssertTrue("\($0)".contains("model.safetensors"), "\($0)") }
        try fit.classifier.save(to: runURL.appendingPathComponent("best.safetensors"))
        let legacy = try TrainedRun.load(from: runURL)
        XCTAssertEqual(try legacy.predictor.posteriors(test.map { c.utterances[$0] }),
                       fit.classifier.classify(test.map { c.rows[$0] }, speakers: test.map { _ in "" }).map(\.posteriors))
    }

    /// `ser-cli predict --run RUN FILES` (``FilePredictor``) on a track-I functionals run: each file whole, the
    /// classifier's posteriors of its functionals; text, JSON and CSV.
    func testPredictOnAFunctionalsRun() throws {
        let c = try Self.corpus()
        let (fit, test, runURL, _) = try Self.trainedRun(.functionalsSVM, speakerNormalization: false, name: "predict")
        let predictor = try FilePredictor(run: try TrainedRun.load(from: runURL), windows: .standard)
        let files = test.map { c.manifest.url(of: c.manifest.entries[$0]) }
        let report = predictor.predict(files)
        XCTAssertEqual(report.averaging, "whole-recording")
        let expected = fit.classifier.classify(test.map { c.rows[$0] }, speakers: test.map { _ in "" })
        for (f, e) in zip(report.files, expected) {
            XCTAssertNil(f.error)
            let p = try XCTUnwrap(f.posteriors)
            for (a, b) in zip(p, e.posteriors) { XCTAssertEqual(a, b, accuracy: 1e-12) }
            XCTAssertEqual(f.predicted, fit.classifier.classes[p.indices.max { p[$0] < p[$1] } ?? 0])
            XCTAssertEqual(f.timeline?.points.count, 1)
        }
        XCTAssertTrue(report.text().contains(files[0].path))
        XCTAssertTrue(report.csv.hasPrefix("path,label,posterior_neutral"))
        let json = String(decoding: try ReportFiles.json(report), as: UTF8.self)
        XCTAssertTrue(json.contains("\"averaging\" : \"whole-recording\"") || json.contains("\"averaging\":\"whole-recording\""), json)
        // The model file alone (predict --model FILE) gives the same.
        let fromFile = try FilePredictor(recognizer: try EmotionRecognizer(contentsOf: runURL.appendingPathComponent("model.safetensors")),
                                         windows: .standard)
        XCTAssertEqual(fromFile.predict(files).files.map(\.posteriors), report.files.map(\.posteriors))
    }

    /// Track S: a file alone is refused with what to pass; one speaker's files together give that speaker's
    /// statistics, as in training and `evaluate`.
    func testSpeakerNormalisedFunctionalsRunPredictsOneSpeakersFilesTogether() throws {
        let c = try Self.corpus()
        let (fit, test, runURL, _) = try Self.trainedRun(.functionalsSVM, speakerNormalization: true, name: "speaker")
        let run = try TrainedRun.load(from: runURL)
        XCTAssertTrue(run.recognizer.needsSpeakerGroups)
        let predictor = try FilePredictor(run: run, windows: .standard)
        let files = test.map { c.manifest.url(of: c.manifest.entries[$0]) }
        let alone = predictor.predict([files[0]])
        let error = try XCTUnwrap(alone.files[0].error)
        XCTAssertNil(alone.files[0].posteriors)
        XCTAssertTrue(error.contains("--same-speaker") && error.contains("per speaker"), error)
        XCTAssertTrue(predictor.predict(oneSpeaker: [files[0]]).files[0].error?.contains("at least 2") ?? false)

        let together = predictor.predict(oneSpeaker: files + [c.directory.appendingPathComponent("missing.wav")])
        let expected = fit.classifier.classify(test.map { c.rows[$0] }, speakers: test.map { _ in "one" })
        for (f, e) in zip(together.files, expected) {
            let p = try XCTUnwrap(f.posteriors, f.error ?? "")
            for (a, b) in zip(p, e.posteriors) { XCTAssertEqual(a, b, accuracy: 1e-12) }
            XCTAssertEqual(f.warnings ?? [], [], "\(files.count) ≥ \(EmotionRecognizer.recommendedSpeakerRecordings) recordings: no warning")
        }
        XCTAssertNotNil(together.files.last?.error, "an unreadable file is reported, the others classified")
        let few = predictor.predict(oneSpeaker: Array(files.prefix(3)))
        XCTAssertTrue(few.files.allSatisfy { ($0.warnings ?? []).contains { $0.contains("only 3 recordings") } })
    }
}

extension CommandLineTests {
    /// `ser-cli predict` on functionals runs (made by the library, as `ser-cli train` would): track I with `--csv`
    /// and `--json`; track S refused without `--same-speaker` (usage error, exit 64, saying what to pass), accepted
    /// with it on a folder of one speaker's files.
    func testPredictOnFunctionalsRuns() throws {
        _ = try tool()
        let c = try FunctionalsPredictTests.corpus()
        defer { FunctionalsPredictTests.tearDown() }
        let (_, test, trackI, _) = try FunctionalsPredictTests.trainedRun(.functionalsLogReg, speakerNormalization: false, name: "cli-i")
        let files = test.map { c.manifest.url(of: c.manifest.entries[$0]).path }
        let csv = directory.appendingPathComponent("out/p.csv")
        let plain = try run(["predict", "--run", trackI.path, "--csv", csv.path] + Array(files.prefix(2)))
        XCTAssertEqual(plain.status, 0, plain.err)
        XCTAssertTrue(plain.out.contains("1 window"), plain.out)
        XCTAssertEqual(try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").count, 3)
        let json = try run(["predict", "--model", trackI.appendingPathComponent("model.safetensors").path, "--json", files[0]])
        XCTAssertEqual(json.status, 0, json.err)
        XCTAssertTrue(json.out.contains("whole-recording"), json.out)

        let (_, _, trackS, _) = try FunctionalsPredictTests.trainedRun(.functionalsSVM, speakerNormalization: true, name: "cli-s")
        let alone = try run(["predict", "--run", trackS.path, files[0]])
        print("track S predict on one file: exit \(alone.status): \(alone.err)")
        XCTAssertEqual(alone.status, 64)
        XCTAssertTrue(alone.err.contains("--same-speaker"), alone.err)
        let speakerFolder = URL(fileURLWithPath: files[0]).deletingLastPathComponent().path
        let together = try run(["predict", "--run", trackS.path, "--same-speaker", "--json", speakerFolder])
        XCTAssertEqual(together.status, 0, together.err)
        XCTAssertEqual(together.out.components(separatedBy: "\"predicted\"").count - 1, test.count, together.out)
    }
}
