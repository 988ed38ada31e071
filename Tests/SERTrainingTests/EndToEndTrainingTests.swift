import Foundation
import XCTest
@testable import SERTraining

/// The library calls behind `ser-cli train / evaluate / predict / cv / merge`, end to end on a tiny
/// demo corpus (3 speakers × 4 classes × 2 utterances) with a tiny network and one or two epochs.
final class EndToEndTrainingTests: XCTestCase {
    static let root = FileManager.default.temporaryDirectory.appendingPathComponent("ser-e2e-\(UUID().uuidString)")
    static var manifestURL: URL { root.appendingPathComponent("corpus/split.csv") }

    override class func setUp() {
        super.setUp()
        do {
            _ = try CorpusTestSupport.demoCorpusWithSplit(in: root.appendingPathComponent("corpus"), utterancesPerSpeakerPerClass: 2, seed: 7)
        } catch {
            XCTFail("could not build the test corpus: \(error)")
        }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: root)
        super.tearDown()
    }

    static func tinyConfiguration(epochs: Int, classes: [String]? = nil) -> TrainingConfiguration {
        var c = classes.map { TrainingConfiguration.demo(classes: $0) } ?? TrainingConfiguration.demo()
        c.model.convChannels = 4
        c.model.residualChannels = [4]
        c.model.embeddingSize = 8
        c.model.gruHidden = 6
        c.model.attentionHidden = 6
        c.model.mlpHidden = [6]
        c.batchSize = 4
        c.stepsPerEpoch = 3   // 12 draws from 8 utterances: epoch 2 starts mid-permutation
        c.segmentSeconds = 1
        c.maxEpochs = epochs
        c.patience = 5
        c.seed = 11
        return c
    }

    func dir(_ name: String) -> URL { Self.root.appendingPathComponent(name) }

    func testTrainResumeEvaluatePredict() throws {
        let manifest = try Manifest.read(from: Self.manifestURL)
        // A straight 2-epoch run.
        let straight = try SplitTraining(configuration: Self.tinyConfiguration(epochs: 2), manifest: manifest,
                                         runDirectory: dir("straight")).run()
        XCTAssertEqual(straight.history.count, 2)
        XCTAssertEqual(straight.trainUtterances, 8)
        XCTAssertEqual(straight.validationUtterances, 8)
        XCTAssertEqual(straight.testUtterances, 8)
        let test = try XCTUnwrap(straight.test)
        XCTAssertEqual(test.total, 8)
        for file in ["config.json", "best.safetensors", "history.json", "report.json", "report.md", "training-curves.svg",
                     "confusion-validation.svg", "confusion-test.svg", "checkpoint/state.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir("straight").appendingPathComponent(file).path), file)
        }
        let curves = try ParsedSVG(String(contentsOf: dir("straight").appendingPathComponent("training-curves.svg"), encoding: .utf8))
        XCTAssertEqual(curves.all("circle", class: "loss").count, 2)
        let confusion = try ParsedSVG(String(contentsOf: dir("straight").appendingPathComponent("confusion-test.svg"), encoding: .utf8))
        XCTAssertEqual(confusion.all("rect", class: "cell").count, 16)
        XCTAssertEqual(try JSONDecoder().decode(SplitTrainingResult.self, from: Data(contentsOf: dir("straight").appendingPathComponent("report.json"))),
                       straight)

        // The same run killed after epoch 1 and resumed to 2 epochs gives the same outcome, bit for bit.
        let first = try SplitTraining(configuration: Self.tinyConfiguration(epochs: 1), manifest: manifest, runDirectory: dir("resumed")).run()
        XCTAssertEqual(first.history.count, 1)
        var more = TrainingRequest()
        more.maxEpochs = 2
        let config = try more.configuration(existing: TrainingConfiguration.saved(in: dir("resumed")))
        XCTAssertEqual(config, Self.tinyConfiguration(epochs: 2))
        var events = [String]()
        var job = SplitTraining(configuration: config, manifest: manifest, runDirectory: dir("resumed"))
        job.progress = { e in if case .resumed(let epoch) = e { events.append("resumed \(epoch)") } }
        let resumed = try job.run(resume: true)
        XCTAssertEqual(events, ["resumed 1"])
        XCTAssertEqual(resumed.history.count, 2)
        func figures(_ h: [EpochRecord]) -> [[Double]] { h.map { [Double($0.epoch), $0.trainLoss, $0.validationUA, $0.validationWA] } }
        XCTAssertEqual(figures(resumed.history), figures(straight.history))
        XCTAssertEqual(resumed.test, straight.test)
        XCTAssertEqual(resumed.validation, straight.validation)
        for file in ["best.safetensors", "checkpoint/model.safetensors", "checkpoint/optimizer.safetensors"] {
            XCTAssertEqual(try Data(contentsOf: dir("resumed").appendingPathComponent(file)),
                           try Data(contentsOf: dir("straight").appendingPathComponent(file)), file)
        }
        // A folder holding a run is not overwritten without resume.
        XCTAssertThrowsError(try SplitTraining(configuration: config, manifest: manifest, runDirectory: dir("resumed")).run()) { e in
            XCTAssertTrue("\(e)".contains("resume it"), "\(e)")
        }

        // evaluate: the loaded run gives the training run's test report.
        let run = try TrainedRun.load(from: dir("straight"))
        let evaluation = try RunEvaluation.evaluate(run: run, manifest: manifest, split: .test)
        XCTAssertEqual(evaluation.report, test)
        XCTAssertEqual(evaluation.evaluatedRows, 8)
        XCTAssertTrue(evaluation.excludedByLabel.isEmpty)
        XCTAssertThrowsError(try RunEvaluation.evaluate(run: run, manifest: Manifest(entries: manifest.entries.map {
            var e = $0; e.split = nil; return e }, baseDirectory: manifest.baseDirectory), split: .test))

        // predict with one window per file: the same decisions as evaluate, posteriors that sum to 1.
        let testRows = manifest.entries.filter { $0.split == .test }
        let whole = try FilePredictor(run: run, windows: try AnalysisWindows(windowSeconds: 30, hopSeconds: 10))
        let report = whole.predict(testRows.map { manifest.url(of: $0) })
        XCTAssertEqual(report.files.count, 8)
        XCTAssertTrue(report.files.allSatisfy { $0.error == nil && $0.timeline?.points.count == 1 })
        for f in report.files { XCTAssertEqual(f.posteriors?.reduce(0, +) ?? 0, 1, accuracy: 1e-5) }
        let fromPredict = try ClassificationReport(classes: run.configuration.classes, truthLabels: testRows.map(\.label),
                                                   predictedLabels: report.files.map { $0.predicted ?? "" })
        XCTAssertEqual(fromPredict, test)

        // Short windows: the file posterior is the mean of the window posteriors of the timeline.
        let windows = try AnalysisWindows(windowSeconds: 1, hopSeconds: 0.5)
        let sliced = try FilePredictor(run: run, windows: windows)
        let one = try sliced.predict(manifest.url(of: testRows[0]))
        let duration = try XCTUnwrap(one.duration)
        let points = try XCTUnwrap(one.timeline?.points)
        XCTAssertEqual(points.count, windows.ranges(samples: Int((duration * 16000).rounded()), sampleRate: 16000).count)
        XCTAssertGreaterThan(points.count, 1)
        XCTAssertEqual(points.last?.end ?? 0, duration, accuracy: 1e-9)
        for c in 0..<4 {
            XCTAssertEqual(one.posteriors?[c] ?? -1, points.map { $0.posteriors[c] }.reduce(0, +) / Double(points.count), accuracy: 1e-12)
        }
        let svg = try ParsedSVG(EmotionTimelinePlot.svg(try XCTUnwrap(one.timeline)))
        XCTAssertEqual(svg.all("polygon", class: "band").count, 4)

        // A bad file is reported; the others are still processed.
        let garbage = dir("garbage.wav")
        try Data("RIFF nonsense".utf8).write(to: garbage)
        let mixed = whole.predict([manifest.url(of: testRows[0]), dir("missing.wav"), garbage, manifest.url(of: testRows[1])])
        XCTAssertEqual(mixed.files.map { $0.error == nil }, [true, false, false, true])
        XCTAssertTrue(mixed.files[1].error?.contains("missing.wav") ?? false, mixed.files[1].error ?? "")
        XCTAssertTrue(mixed.files[2].error?.contains("garbage.wav") ?? false, mixed.files[2].error ?? "")
        XCTAssertEqual(mixed.files[0].posteriors, report.files[0].posteriors)
        let json = try JSONSerialization.jsonObject(with: ReportFiles.json(mixed)) as? [String: Any]
        XCTAssertEqual((json?["files"] as? [[String: Any]])?.count, 4)
        XCTAssertTrue(mixed.text().contains("ERROR"))

        // Missing run files are named.
        XCTAssertThrowsError(try TrainedRun.load(from: dir("nowhere")))
        try FileManager.default.createDirectory(at: dir("half"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: dir("straight").appendingPathComponent("config.json"), to: dir("half").appendingPathComponent("config.json"))
        XCTAssertThrowsError(try TrainedRun.load(from: dir("half"))) { e in XCTAssertTrue("\(e)".contains("best.safetensors"), "\(e)") }
    }

    func testSpeakerNormalizedRunEvaluatesAsItWasTrained() throws {
        let manifest = try Manifest.read(from: Self.manifestURL)
        var c = Self.tinyConfiguration(epochs: 1)
        c.featureNormalization = .level
        c.speakerNormalization = true
        let result = try SplitTraining(configuration: c, manifest: manifest, runDirectory: dir("speakers")).run()
        let test = try XCTUnwrap(result.test)
        // The saved run standardises the test speaker with that speaker's own statistics, as training did.
        let run = try TrainedRun.load(from: dir("speakers"))
        XCTAssertTrue(run.configuration.speakerNormalization)
        XCTAssertEqual(try RunEvaluation.evaluate(run: run, manifest: manifest, split: .test).report, test)
        var wav2vec = c
        wav2vec.wav2vecClassifier = Wav2VecClassifierTrainingTests.logMelConfiguration().wav2vecClassifier
        XCTAssertThrowsError(try wav2vec.validate()) { e in XCTAssertTrue("\(e)".contains("speakerNormalization"), "\(e)") }
    }

    func testFoldSourceNamesTheFoldsToRunAndRejectsOthers() throws {
        let manifest = try Manifest.read(from: Self.manifestURL)
        let config = Self.tinyConfiguration(epochs: 1)
        let runner = CrossValidationRunner(configuration: config, manifest: manifest, protocolKind: .leaveOneSpeakerOut, outputDirectory: dir("cv-source"))
        var handedOut = [3, 1]
        var asked = 0
        XCTAssertNil(try runner.run(only: [1, 3]) {
            asked += 1
            return handedOut.isEmpty ? nil : handedOut.removeFirst()
        }, "fold 2 never ran: no summary")
        XCTAssertEqual(asked, 3, "asked once per fold and once more to learn that none is left")
        let folds = try runner.folds().1
        let ran = folds.filter { FileManager.default.fileExists(atPath: dir("cv-source").appendingPathComponent($0.name).appendingPathComponent("result.json").path) }
        XCTAssertEqual(ran.map(\.number), [1, 3])
        XCTAssertThrowsError(try runner.run(only: [1]) { 2 }) { e in
            XCTAssertTrue("\(e)".contains("fold 2 was not among the folds this run loaded (1)"), "\(e)")
        }
    }

    func testFoldsRunApartAndMerge() throws {
        let manifest = try Manifest.read(from: Self.manifestURL)
        let config = Self.tinyConfiguration(epochs: 1)
        let a = CrossValidationRunner(configuration: config, manifest: manifest, protocolKind: .leaveOneSpeakerOut, outputDirectory: dir("cv-a"))
        let b = CrossValidationRunner(configuration: config, manifest: manifest, protocolKind: .leaveOneSpeakerOut, outputDirectory: dir("cv-b"))
        XCTAssertNil(try a.run(only: [1]))
        XCTAssertNil(try b.run(only: [2, 3]))
        let written = try CrossValidationReports.writePlots(in: dir("cv-a"))
        XCTAssertEqual(Set(written.map(\.lastPathComponent)), ["confusion-test.svg", "training-curves.svg"])
        for url in written { _ = try ParsedSVG(String(contentsOf: url, encoding: .utf8)) }
        XCTAssertThrowsError(try CrossValidationReports.merge([dir("cv-a")], into: dir("merged"))) { e in
            XCTAssertEqual(e as? FoldMergeError, .missingFolds(numbers: [2, 3], count: 3))
        }
        let summary = try CrossValidationReports.merge([dir("cv-b"), dir("cv-a")], into: dir("merged"))
        XCTAssertEqual(summary.folds.map(\.foldNumber), [1, 2, 3])
        XCTAssertEqual(summary.pooled.total, 24)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir("merged").path).sorted()
        XCTAssertEqual(names, ["confusion-pooled.svg", "summary.json", "summary.md"])
        let pooled = try ParsedSVG(String(contentsOf: dir("merged").appendingPathComponent("confusion-pooled.svg"), encoding: .utf8))
        XCTAssertEqual(pooled.all("text", class: "count").map(\.text), summary.pooled.confusion.flatMap { $0 }.map(String.init))
        // The same file reached twice (a folder and its fold's result.json) counts once.
        let fold1 = try a.folds().1[0].name
        let again = try CrossValidationReports.merge([dir("cv-a"), dir("cv-b"), dir("cv-a/\(fold1)/result.json")], into: dir("merged2"))
        XCTAssertEqual(again, summary)
        // A copy of a fold's result elsewhere is a duplicate fold.
        let copy = dir("copy-of-fold1")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: dir("cv-a/\(fold1)/result.json"), to: copy.appendingPathComponent("result.json"))
        XCTAssertThrowsError(try CrossValidationReports.merge([dir("cv-a"), dir("cv-b"), copy], into: dir("merged3"))) { e in
            guard case FoldMergeError.duplicateFold(let k, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(k, 1)
        }
        XCTAssertThrowsError(try CrossValidationReports.resultFiles(in: [dir("does-not-exist")]))
    }

    func testSplitPartsNeedSplitValues() throws {
        let manifest = try Manifest.read(from: Self.manifestURL)
        var noTest = manifest
        noTest.entries = manifest.entries.filter { $0.split != .test }
        let parts = try SplitTraining(configuration: Self.tinyConfiguration(epochs: 1), manifest: noTest, runDirectory: dir("x")).parts()
        XCTAssertEqual(parts.test, [])
        XCTAssertEqual(parts.train.count, 8)
        var unsplit = manifest
        unsplit.entries[3].split = nil
        XCTAssertThrowsError(try SplitTraining(configuration: Self.tinyConfiguration(epochs: 1), manifest: unsplit, runDirectory: dir("x")).parts()) { e in
            guard case ProtocolError.missingSplit(let rows, let first, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(rows, 1)
            XCTAssertEqual(first, 3)
        }
        var fiveClasses = Self.tinyConfiguration(epochs: 1)
        fiveClasses.classes.append("calm")
        fiveClasses.model.classes = 5
        XCTAssertThrowsError(try SplitTraining(configuration: fiveClasses, manifest: manifest, runDirectory: dir("x")).parts()) { e in
            XCTAssertTrue("\(e)".contains("no train rows of class calm"), "\(e)")
        }
        XCTAssertThrowsError(try SplitTraining(configuration: Self.tinyConfiguration(epochs: 1), manifest: manifest,
                                               runDirectory: dir("never-trained")).run(resume: true)) { e in
            XCTAssertTrue("\(e)".contains("no checkpoint to resume from"), "\(e)")
        }
        var other = manifest
        other.entries[0].label = "bored"
        XCTAssertEqual(try SplitTraining(configuration: Self.tinyConfiguration(epochs: 1), manifest: other, runDirectory: dir("x")).parts().excluded,
                       ["bored": 1])
    }
}
