import Foundation
import XCTest
import SERTestSupport
@testable import SERModels

/// The tiny model committed for `Examples/ClassifyFile` is written by ``write(to:)`` below: an untrained
/// STRFNet (seed 11) on the log-mel spectrogram with level and per-recording speaker normalisation, the
/// demo's input pipeline, about 10 KB. Regenerate it with
/// `SWIFTSER_WRITE_EXAMPLE_MODEL=1 swift test --filter ExampleModelFixtureTests`.
final class ExampleModelFixtureTests: XCTestCase {
    static var committed: URL { Fixtures.packageRoot.appendingPathComponent("Examples/ClassifyFile/tiny-model.safetensors") }

    static func write(to url: URL) throws {
        let (description, net) = try EmotionRecognizerTests.tinyModel(seed: 11, channels: [.spectrogram], speakerNormalization: .perRecording)
        var d = description
        d.provenance = ["note": "untrained tiny STRFNet for Examples/ClassifyFile (Tests/SERModelsTests/ExampleModelFixtureTests.swift)"]
        try EmotionModelFile.write(d, members: [net], to: url)
    }

    func testCommittedExampleModelIsWhatTheGeneratorWritesAndClassifies() throws {
        if ProcessInfo.processInfo.environment["SWIFTSER_WRITE_EXAMPLE_MODEL"] == "1" { try Self.write(to: Self.committed) }
        let dir = try Fixtures.temporaryDirectory("example-model")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fresh = dir.appendingPathComponent("tiny-model.safetensors")
        try Self.write(to: fresh)
        let bytes = try Data(contentsOf: Self.committed)
        XCTAssertEqual(bytes, try Data(contentsOf: fresh), "the committed example model differs from the generator's output; regenerate it")
        print("Examples/ClassifyFile/tiny-model.safetensors: \(bytes.count) bytes")
        XCTAssertLessThan(bytes.count, 32_000)
        let recognizer = try EmotionRecognizer(contentsOf: Self.committed)
        let p = try recognizer.classify(try AudioBuffer(samples: EmotionRecognizerTests.sound(seconds: 2, rate: 22050), sampleRate: 22050))
        XCTAssertEqual(p.posteriors.reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertTrue(recognizer.classes.contains(p.label))
    }
}
