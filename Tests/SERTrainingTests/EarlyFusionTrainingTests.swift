import Foundation
import SERAudio
import SERFeatures
import SERModels
import SERTestSupport
import XCTest
@testable import SERTraining

/// Early fusion (`--fusion early`) end to end on a tiny demo corpus: the configuration gives the STRFNet its
/// eGeMAPS input, training fits the standardisation on the training utterances, the one-member model file
/// predicts exactly what training evaluated, and the fusion still forms an ensemble.
final class EarlyFusionTrainingTests: XCTestCase {
    static let root = FileManager.default.temporaryDirectory.appendingPathComponent("ser-early-\(UUID().uuidString)")
    static var manifestURL: URL { root.appendingPathComponent("corpus/split.csv") }

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

    func testConfiguration() throws {
        var request = TrainingRequest()
        request.preset = .demo
        request.fusion = .early
        let c = try request.configuration()
        XCTAssertEqual(c.model.utteranceFunctionals, UtteranceFunctionalsInput(featureSet: "egemaps-v02", count: 88))
        XCTAssertTrue(c.isEarlyFusion)
        XCTAssertFalse(c.isCombined, "one network, no functionals classifier")
        XCTAssertTrue(c.fusionFunctionals.isEmpty)
        XCTAssertEqual(c.member(1).fusion?.kind, .early, "ensemble members keep the early fusion")
        XCTAssertTrue(c.modelDescription.contains("early fusion"), c.modelDescription)
        // A file saying only {"fusion": {"kind": "early"}} gets the input; the written file round-trips.
        let short = try TrainingConfiguration.decode(Data(#"{"fusion": {"kind": "early"}}"#.utf8))
        XCTAssertEqual(short.model.utteranceFunctionals?.count, 88)
        XCTAssertEqual(try TrainingConfiguration.decode(try JSONEncoder().encode(c)), c)
        // The input without early fusion, or early fusion of the wav2vec classifier: errors that say what to do.
        var stray = c
        stray.fusion = nil
        XCTAssertThrowsError(try stray.validate()) { XCTAssertTrue("\($0)".contains("\"kind\": \"early\""), "\($0)") }
        var wav = TrainingRequest()
        wav.modelKind = .wav2vecClassifier
        wav.classifierInput = .logMel
        wav.fusion = .early
        XCTAssertThrowsError(try wav.configuration()) { XCTAssertTrue("\($0)".contains("fuses late"), "\($0)") }
    }

    /// Both tracks: the model file holds one early-fused STRFNet with the training utterances' standardisation and
    /// gives exactly the reports training gave; with an ensemble, every member is early-fused.
    func testEarlyFusedNetworkIsOneModelFileThatPredictsAsEvaluated() throws {
        let manifest = try Manifest.read(from: Self.manifestURL)
        for (speakers, ensemble) in [(false, 1), (true, 2)] {
            var c = EndToEndTrainingTests.tinyConfiguration(epochs: 2)
            c.speakerNormalization = speakers
            c.fusion = FusionSettings()
            c.fusion?.kind = .early
            c.ensemble = ensemble
            c.addEarlyFusionInput()
            let dir = Self.root.appendingPathComponent("split-\(speakers)-\(ensemble)")
            // One feature cache for both runs: the second reads the functionals the first computed (the same bits).
            let cache = try FeatureCache(directory: Self.root.appendingPathComponent("cache"))
            let result = try SplitTraining(configuration: c, manifest: manifest, runDirectory: dir, cache: cache).run()
            let run = try TrainedRun.load(from: dir)
            let members = run.recognizer.modelDescription.members
            XCTAssertEqual(members.count, ensemble)
            for m in members { XCTAssertEqual(m.strfnet?.utteranceFunctionals?.count, 88) }
            let tensors = try EmotionModelFile.read(from: dir.appendingPathComponent(TrainedRun.modelFile)).tensors
            let scale = try XCTUnwrap(tensors["members.0.utterance_norm.scale"]).scalars
            XCTAssertEqual(scale.count, 88)
            XCTAssertTrue(scale.contains { abs($0 - 1) > 1e-3 }, "the standardisation was fitted, not left at 1")
            XCTAssertEqual(try RunEvaluation.evaluate(run: run, manifest: manifest, split: .test).report, result.test, "speakers \(speakers)")
            XCTAssertEqual(try RunEvaluation.evaluate(run: run, manifest: manifest, split: .validation).report, result.validation)
        }
    }
}
