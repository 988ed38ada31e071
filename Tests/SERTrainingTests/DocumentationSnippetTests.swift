import Foundation
import XCTest
import SERTestSupport
import SERTraining

/// The getting-started snippet of SERTraining's DocC catalog (Sources/SERTraining/Documentation.docc), run
/// with a tiny corpus (3 speakers, 2 utterances per class), one epoch and a tiny network, so that it keeps
/// compiling and working in seconds.
final class DocumentationSnippetTests: XCTestCase {
    func testGettingStartedSnippet() throws {
        let root = try Fixtures.temporaryDirectory("training-snippet")
        defer { try? FileManager.default.removeItem(at: root) }
        // The article's code, with root instead of demo-output and a smaller corpus:
        let corpus = root.appendingPathComponent("corpus")
        _ = try DemoCorpus.generateWithSummary(to: corpus, speakers: 3, utterancesPerSpeakerPerClass: 2, seed: 1)
        let manifest = try Manifest.read(from: corpus.appendingPathComponent("manifest.csv"))
        var configuration = TrainingConfiguration.demo()
        configuration.maxEpochs = 1
        (configuration.model.convChannels, configuration.model.residualChannels, configuration.model.embeddingSize) = (4, [4], 8)
        (configuration.model.gruHidden, configuration.model.attentionHidden, configuration.model.mlpHidden) = (6, 6, [6])
        let runner = CrossValidationRunner(configuration: configuration, manifest: manifest,
                                           protocolKind: .leaveOneSpeakerOut, outputDirectory: root.appendingPathComponent("cv"))
        let summary = try XCTUnwrap(try runner.run())

        XCTAssertTrue(summary.markdown.contains("3 folds"), summary.markdown)
        for fold in ["fold01-test-S01", "fold02-test-S02", "fold03-test-S03"] {
            let model = root.appendingPathComponent("cv/\(fold)/model.safetensors")
            XCTAssertEqual(try EmotionRecognizer(contentsOf: model).classes, configuration.classes, "every fold writes its model file")
        }
    }
}
