import Foundation
import SERAudio
import SERFeatures
import SERModels
import SERTestSupport
import XCTest
@testable import SERTraining

/// Ensembles and late fusion (``CombinedTraining``) end to end on a tiny demo corpus (3 speakers: train,
/// validation, test): one model file that predicts what training evaluated, resuming, the fold metadata of a
/// cross-validation, and the configuration's JSON and errors.
final class CombinedTrainingTests: XCTestCase {
    static let root = FileManager.default.temporaryDirectory.appendingPathComponent("ser-combined-\(UUID().uuidString)")
    static var manifestURL: URL { root.appendingPathComponent("corpus/split.csv") }
    /// One feature cache for the class's runs: each utterance's eGeMAPS functionals are computed once, by the first
    /// run, and read back by the others (the values are the same bits; the cache stores float32 as computed).
    static var cache: FeatureCache { get throws { try FeatureCache(directory: root.appendingPathComponent("cache")) } }

    override class func setUp() {
        super.setUp()
        do {
            _ = try CorpusTestSupport.demoCorpusWithSplit(in: root.appendingPathComponent("corpus"), utterancesPerSpeakerPerClass: 2, seed: 5)
        } catch {
            XCTFail("could not build the test corpus: \(error)")
        }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: root)
        super.tearDown()
    }

    static func configuration(speakerNormalization: Bool) -> TrainingConfiguration {
        var c = EndToEndTrainingTests.tinyConfiguration(epochs: 2)
        c.speakerNormalization = speakerNormalization
        c.ensemble = 2
        c.fusion = FusionSettings()
        c.silenceTrimming = SilenceTrimming()
        return c
    }

    /// Both tracks: the saved model file (networks and SVM, weighted as chosen) gives exactly the reports training
    /// gave, on the test speaker and the validation speaker; a resumed run trains nothing more.
    func testEnsembleWithFusionIsOneModelFileThatPredictsAsEvaluated() throws {
        let manifest = try Manifest.read(from: Self.manifestURL)
        let svm = FunctionalsSettings(classifier: .svm), logreg = FunctionalsSettings(classifier: .logisticRegression)
        // The third: weight 0, whose file holds the SVM alone (it predicts by its pairwise vote, as training reports).
        // The fourth: two functionals classifiers, each a member of weight (1 − w) / 2.
        for (speakers, weights, classifiers) in [(false, [Double]?.none, [svm]), (true, nil, [svm]), (false, [0.0], [svm]),
                                                 (true, [0.5], [svm, logreg])] {
            var c = Self.configuration(speakerNormalization: speakers)
            if let weights { c.fusion?.networkWeights = weights }
            c.fusion?.functionals = classifiers
            let dir = Self.root.appendingPathComponent("split-\(speakers)-\(weights?.description ?? "grid")-\(classifiers.count)")
            var messages = [String]()
            var job = SplitTraining(configuration: c, manifest: manifest, runDirectory: dir, cache: try Self.cache)
            job.message = { messages.append($0) }
            let result = try job.run()
            print(messages.joined(separator: "\n"))
            for i in 1...2 {
                XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("member-\(i)/best.safetensors").path), "member \(i)")
            }
            let run = try TrainedRun.load(from: dir)
            let description = run.recognizer.modelDescription
            let w = try XCTUnwrap(description.provenance["network_weight"].flatMap(Double.init))
            let networks = description.members.filter { $0.kind == "strfnet" }, functionals = description.members.filter { $0.kind == "functionals" }
            XCTAssertEqual(networks.count, w > 0 ? 2 : 0)
            XCTAssertEqual(functionals.count, w < 1 ? classifiers.count : 0)
            XCTAssertEqual(functionals.compactMap { $0.functionals?["kind"] }, w < 1 ? classifiers.map { $0.classifier == .svm ? "svm" : "logreg" } : [])
            for m in networks { XCTAssertEqual(m.weight, w / 2, accuracy: 1e-12) }
            for m in functionals {
                XCTAssertEqual(m.weight, (1 - w) / Double(classifiers.count), accuracy: 1e-12)
                XCTAssertEqual(m.input.speakerNormalization, speakers ? .perSpeaker : .none)
            }
            XCTAssertEqual(try RunEvaluation.evaluate(run: run, manifest: manifest, split: .test).report, result.test, "speakers \(speakers)")
            XCTAssertEqual(try RunEvaluation.evaluate(run: run, manifest: manifest, split: .validation).report, result.validation)

            var again = SplitTraining(configuration: c, manifest: manifest, runDirectory: dir, cache: try Self.cache)
            var epochs = 0
            again.progress = { if case .epochFinished = $0 { epochs += 1 } }
            let resumed = try again.run(resume: true)
            XCTAssertEqual(epochs, 0, "finished members are reloaded, not trained")
            XCTAssertEqual(resumed.test, result.test)
            XCTAssertThrowsError(try SplitTraining(configuration: c, manifest: manifest, runDirectory: dir).run()) { e in
                XCTAssertTrue("\(e)".contains("already holds a training run"), "\(e)")
            }
        }
    }

    /// A fold records each part's UA; the fusion is at least as good on the validation speaker as either part
    /// alone (the weights 0 and 1 are candidates), and the functionals part learns (chance is 25 %; with per-speaker
    /// standardisation, as `ser-cli cv --model functionals-svm --speaker-normalization` gets 58–67 % on such a corpus).
    func testCrossValidationFoldRecordsEveryPart() throws {
        // Four speakers of six utterances per class: two training speakers (one with two utterances per class is too
        // few for LIBSVM's Platt probabilities, whose sigmoids can come out inverted).
        let url = try DemoCorpus.generate(to: Self.root.appendingPathComponent("corpus6"), speakers: 4, utterancesPerSpeakerPerClass: 6, seed: 5)
        let manifest = try Manifest.read(from: url)
        var c = Self.configuration(speakerNormalization: true)
        c.maxEpochs = 1
        let out = Self.root.appendingPathComponent("cv")
        var runner = CrossValidationRunner(configuration: c, manifest: manifest, protocolKind: .leaveOneSpeakerOut, outputDirectory: out)
        var lines = [String]()
        runner.progress = { line, event in if event == nil { lines.append(line) } }
        XCTAssertNil(try runner.run(only: [1]), "one fold of four: no summary yet")
        print(lines.joined(separator: "\n"))
        let folder = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: out.path).first { $0.hasPrefix("fold01") })
        let result = try FoldResult.read(from: out.appendingPathComponent(folder).appendingPathComponent("result.json"))
        let m = result.metadata
        print(m)
        XCTAssertEqual(m["test_member_ua"]?.split(separator: ",").count, 2)
        XCTAssertEqual(m["fusion_candidates"]?.components(separatedBy: "; ").count, 11)
        let validationUA = try XCTUnwrap(result.validation?.unweightedAccuracy)
        for key in ["validation_network_ua", "validation_functionals_ua"] {
            let part = try XCTUnwrap(m[key].flatMap(Double.init), key)
            XCTAssertGreaterThanOrEqual(validationUA + 1e-4, part, key)
        }
        XCTAssertGreaterThan(try XCTUnwrap(m["validation_functionals_ua"].flatMap(Double.init)), 0.4)
        XCTAssertTrue(lines.contains { $0.contains("functionals of") }, "functionals computed once for the folds")
    }

    func testConfigurationJSONAndErrors() throws {
        let c = Self.configuration(speakerNormalization: true)
        let data = try JSONEncoder().encode(c)
        XCTAssertEqual(try TrainingConfiguration.decode(data), c)
        // A single network's JSON has neither key (configurations written before ensembles read and write as before).
        let single = String(decoding: try JSONEncoder().encode(EndToEndTrainingTests.tinyConfiguration(epochs: 1)), as: UTF8.self)
        XCTAssertFalse(single.contains("ensemble") || single.contains("fusion"), single)
        // Defaults fill a short fusion object; a misspelt key inside it is named.
        let short = try TrainingConfiguration.decode(Data(#"{"ensemble": 3, "fusion": {}}"#.utf8))
        XCTAssertEqual(short.ensemble, 3)
        XCTAssertEqual(short.fusion, FusionSettings())
        XCTAssertThrowsError(try TrainingConfiguration.decode(Data(#"{"fusion": {"weights": [0.5]}}"#.utf8))) { e in
            XCTAssertTrue("\(e)".contains("fusion.weights"), "\(e)")
        }
        // `functionals`: a list, or one object (as written before lists) read as a list of one; strict inside both.
        let one = try TrainingConfiguration.decode(Data(#"{"fusion": {"functionals": {"classifier": "logreg"}}}"#.utf8))
        XCTAssertEqual(one.fusion?.functionals, [FunctionalsSettings(classifier: .logisticRegression)])
        let two = try TrainingConfiguration.decode(Data(#"{"fusion": {"functionals": [{"classifier": "svm"}, {"classifier": "logreg"}]}}"#.utf8))
        XCTAssertEqual(two.fusion?.functionals.map(\.classifier), [.svm, .logisticRegression])
        for text in [#"{"fusion": {"functionals": {"classifier": "svm", "cgrid": [1]}}}"#,
                     #"{"fusion": {"functionals": [{"classifier": "svm"}, {"classifier": "logreg", "cgrid": [1]}]}}"#] {
            XCTAssertThrowsError(try TrainingConfiguration.decode(Data(text.utf8))) { XCTAssertTrue("\($0)".contains("cgrid"), "\($0)") }
        }
        var none = c
        none.fusion?.functionals = []
        XCTAssertThrowsError(try none.validate()) { XCTAssertTrue("\($0)".contains("at least one classifier"), "\($0)") }
        var bad = c
        bad.ensemble = 0
        XCTAssertThrowsError(try bad.validate()) { XCTAssertTrue("\($0)".contains("ensemble"), "\($0)") }
        bad = c
        bad.fusion?.networkWeights = [1.5]
        XCTAssertThrowsError(try bad.validate()) { XCTAssertTrue("\($0)".contains("networkWeights"), "\($0)") }
        var functionals = TrainingRequest()
        functionals.modelKind = .functionalsSVM
        functionals.ensemble = 2
        XCTAssertThrowsError(try functionals.configuration()) { XCTAssertTrue("\($0)".contains("--ensemble"), "\($0)") }
        XCTAssertThrowsError(try Trainer(configuration: c, train: [], validation: [], runDirectory: Self.root)) { e in
            XCTAssertTrue("\(e)".contains("CombinedTraining"), "\(e)")
        }
        // The recipe presets: whole configurations, refused with a feature.
        var preset = TrainingRequest()
        preset.preset = .bestSpeaker
        let speaker = try preset.configuration()
        XCTAssertTrue(speaker.speakerNormalization && speaker.ensemble == 3 && speaker.fusion != nil)
        preset.preset = .bestIndependent
        XCTAssertFalse(try preset.configuration().speakerNormalization)
        preset.feature = .modulation
        XCTAssertThrowsError(try preset.configuration()) { XCTAssertTrue("\($0)".contains("whole recipe"), "\($0)") }
    }

    /// The committed configs/best-*.json are the presets' configurations.
    func testCommittedPresetFilesAreThePresets() throws {
        let configs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("configs")
        for preset in [TrainingPreset.bestIndependent, .bestSpeaker] {
            let file = try TrainingConfiguration.read(from: configs.appendingPathComponent("\(preset.rawValue).json"))
            XCTAssertEqual(file, TrainingConfiguration.recipe(preset), preset.rawValue)
        }
    }
}
