import Foundation
import XCTest
import SERTestSupport
@testable import SERModels
@testable import SERTraining

/// fairseq's cosine schedule, the pretraining configuration (presets, partial JSON, validation) and corpus loading.
final class Wav2VecPretrainingConfigurationTests: XCTestCase {
    /// wav2vec large's 2019 recipe, values worked out by hand from fairseq's `CosineSchedule.step_update`:
    /// warm-up `1e-7 + u·(5e-3 − 1e-7)/500`, then `1e-6 + ½(5e-3 − 1e-6)(1 + cos(π·(u − 500)/399500))`.
    func testFairseqCosineScheduleValues() throws {
        let s = try FairseqCosineLR(warmupUpdates: 500, warmupInitLearningRate: 1e-7, maxLearningRate: 5e-3,
                                    minLearningRate: 1e-6, maxUpdates: 400_000)
        XCTAssertEqual(s.period, 399_500)
        let expected: [(Int, Double)] = [
            (0, 1e-7),
            (1, 1e-7 + 4.9999e-3 / 500),             // 1.09998e-5
            (250, 1e-7 + 250 * 4.9999e-3 / 500),     // 2.50005e-3
            (499, 1e-7 + 499 * 4.9999e-3 / 500),
            (500, 5e-3),                             // cos(0) = 1: the peak
            (500 + 399_500 / 2, 1e-6 + 0.5 * 4.999e-3),  // cos(π/2) = 0: half way
            (500 + 399_500 / 4, 1e-6 + 0.5 * 4.999e-3 * (1 + 0.5.squareRoot())),  // cos(π/4) = √½
            (399_999, 1e-6 + 0.5 * 4.999e-3 * (1 + cos(Double.pi * 399_499 / 399_500))),
            // A second cycle (never reached by fairseq's own max_update) restarts with both ends times lr_shrink 0.1.
            (400_000, 5e-4),
        ]
        for (u, lr) in expected {
            XCTAssertEqual(s.learningRate(atUpdate: u), lr, accuracy: lr * 1e-12, "update \(u)")
            XCTAssertEqual(s.factor(atStep: u), lr / 5e-3, accuracy: 1e-12, "factor at \(u)")
        }
        XCTAssertEqual(s.learningRate(atUpdate: 399_999), 1e-6, accuracy: 1e-12, "ends at the floor")
        // The optimiser follows the schedule through StepSchedule.apply (base learning rate = max).
        let p = Tensor.zeros([2]).requiringGrad()
        let adam = try Adam(parameters: [("p", p)], learningRate: 5e-3)
        s.apply(to: adam, atStep: 250)
        XCTAssertEqual(adam.learningRates[0], 2.50005e-3, accuracy: 1e-15)
        // Codable round trip and validation.
        let data = try JSONEncoder().encode(s)
        XCTAssertEqual(try JSONDecoder().decode(FairseqCosineLR.self, from: data), s)
        XCTAssertThrowsError(try FairseqCosineLR(warmupUpdates: 10, warmupInitLearningRate: 0, maxLearningRate: 1e-3,
                                                 minLearningRate: 2e-3, period: 10))
        XCTAssertThrowsError(try FairseqCosineLR(warmupUpdates: 10, warmupInitLearningRate: 0, maxLearningRate: 1e-3,
                                                 minLearningRate: 0, period: 0))
        // Without warm-up the first update runs at the peak.
        let noWarmup = try FairseqCosineLR(warmupUpdates: 0, warmupInitLearningRate: 0, maxLearningRate: 1e-3,
                                           minLearningRate: 0, maxUpdates: 100)
        XCTAssertEqual(noWarmup.learningRate(atUpdate: 0), 1e-3)
        XCTAssertEqual(noWarmup.learningRate(atUpdate: 50), 5e-4, accuracy: 1e-15)
    }

    func testPresetsAndPartialJSON() throws {
        for name in Wav2VecPretrainingConfiguration.presetNames {
            let c = try Wav2VecPretrainingConfiguration(preset: name)
            XCTAssertNoThrow(try c.validate(), name)
            XCTAssertEqual(c.objective.resolvedOffset(for: c.model), 3, name)
            // JSON round trip.
            let back = try JSONDecoder().decode(Wav2VecPretrainingConfiguration.self, from: Data(c.json.utf8))
            XCTAssertEqual(back, c, name)
        }
        let large = try Wav2VecPretrainingConfiguration(preset: "large")
        XCTAssertEqual(large.model, .large)
        XCTAssertEqual(large.cropSamples, 150_000)
        XCTAssertEqual([large.learningRate, large.warmupInitLearningRate, large.minLearningRate, large.gradientClipNorm], [5e-3, 1e-7, 1e-6, 25])
        XCTAssertEqual(large.totalUpdates, 400_000)
        XCTAssertEqual(large.objective, Wav2VecObjective(predictionSteps: 12, negatives: 10))
        XCTAssertThrowsError(try Wav2VecPretrainingConfiguration(preset: "huge")) { XCTAssertTrue("\($0)".contains("unknown preset 'huge'")) }

        // Absent keys come from the named preset.
        let partial = #"{"preset": "small", "totalUpdates": 123, "objective": {"negatives": 4}}"#
        let c = try JSONDecoder().decode(Wav2VecPretrainingConfiguration.self, from: Data(partial.utf8))
        XCTAssertEqual(c.totalUpdates, 123)
        XCTAssertEqual(c.objective, Wav2VecObjective(predictionSteps: 12, negatives: 4))
        XCTAssertEqual(c.model, Wav2VecPretrainingConfiguration.preset("small")?.model)
        XCTAssertEqual(c.learningRate, 2e-3)
    }

    func testBadConfigurationFilesAreClearErrors() throws {
        let dir = try Fixtures.temporaryDirectory("w2v-config")
        defer { try? FileManager.default.removeItem(at: dir) }
        func check(_ json: String, _ expected: String, line: UInt = #line) throws {
            let url = dir.appendingPathComponent("c.json")
            try Data(json.utf8).write(to: url)
            XCTAssertThrowsError(try Wav2VecPretrainingConfiguration.read(from: url), line: line) {
                let text = "\($0)"
                XCTAssertTrue(text.contains(url.path) && text.contains(expected), text, line: line)
            }
        }
        try check(#"{"batchSize": 0}"#, "batchSize 0")
        try check(#"{"batchSize": "eight"}"#, "'batchSize'")
        try check(#"{"cropSeconds": 0.01}"#, "cropSeconds 0.01 is shorter than one prediction")
        try check(#"{"minLearningRate": 1}"#, "minLearningRate")
        try check(#"{"objective": {"predictionSteps": 0}}"#, "predictionSteps 0")
        var noEncoder = try Wav2VecPretrainingConfiguration(preset: "tiny")
        noEncoder.model.featureExtractorLayers = []
        try check(noEncoder.json, "model: invalid wav2vec configuration: no feature extractor layers")
        try check(#"{"model": {"featureExtractorLayers": []}}"#, "missing key 'model.")
        // Issue 14: misspelt keys at any depth are refused with their dotted path (strict decoding).
        try check(#"{"totalUpdate": 5}"#, "unknown key 'totalUpdate'")
        try check(#"{"objective": {"predictionStep": 3}}"#, "unknown key 'objective.predictionStep'")
        try check(#"{"batchSize": 2.5}"#, "'batchSize' must be an integer, found 2.5")
        try check(#"{"preset": "nope"}"#, "unknown preset 'nope'")
        try check("{", "not valid JSON")
        XCTAssertThrowsError(try Wav2VecPretrainingConfiguration.read(from: dir.appendingPathComponent("missing.json"))) {
            XCTAssertTrue("\($0)".contains("missing.json: cannot be read"), "\($0)")
        }
    }
}
