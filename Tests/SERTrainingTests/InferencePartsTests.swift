import Foundation
import XCTest
@testable import SERTraining

final class InferencePartsTests: XCTestCase {
    func testWindowsCoverTheRecordingAndEndAlignedLast() throws {
        let w = try AnalysisWindows(windowSeconds: 3, hopSeconds: 1)
        let sr = 100
        XCTAssertEqual(w.ranges(samples: 0, sampleRate: sr), [])
        XCTAssertEqual(w.ranges(samples: 250, sampleRate: sr), [0..<250], "shorter than a window: the whole file")
        XCTAssertEqual(w.ranges(samples: 300, sampleRate: sr), [0..<300])
        XCTAssertEqual(w.ranges(samples: 500, sampleRate: sr), [0..<300, 100..<400, 200..<500])
        XCTAssertEqual(w.ranges(samples: 550, sampleRate: sr), [0..<300, 100..<400, 200..<500, 250..<550])
        for n in [301, 777, 1234, 5000] {
            let r = w.ranges(samples: n, sampleRate: sr)
            XCTAssertTrue(r.allSatisfy { $0.count == 300 && $0.lowerBound >= 0 && $0.upperBound <= n })
            var covered = [Bool](repeating: false, count: n)
            for x in r { for i in x { covered[i] = true } }
            XCTAssertTrue(covered.allSatisfy { $0 }, "every sample covered for n = \(n)")
            XCTAssertEqual(r.map(\.lowerBound), r.map(\.lowerBound).sorted())
        }
        XCTAssertThrowsError(try AnalysisWindows(windowSeconds: 0, hopSeconds: 1))
        XCTAssertThrowsError(try AnalysisWindows(windowSeconds: 3, hopSeconds: 0))
        XCTAssertThrowsError(try AnalysisWindows(windowSeconds: 3, hopSeconds: 4))
        XCTAssertThrowsError(try AnalysisWindows(windowSeconds: .nan, hopSeconds: 1))
    }

    func testSegmentClassifierTimelineFollowsFramePosteriors() throws {
        var config = Wav2VecClassifierConfiguration(segmentClassifiers: 2, classes: 3)
        config.inputSize = 6
        config.cnnChannels = 5
        config.lstmLayers = 1
        config.lstmHidden = 4
        config.headHidden = 5
        var rng = RandomGenerator(seed: 3)
        let model = try Wav2VecClassifier(config, rng: &rng)
        model.eval()
        let frames = 40
        let x = Tensor.randn([2, frames, 6], using: &rng)
        let output = try model(x, lengths: [frames, 30])
        let posteriors = try XCTUnwrap(Wav2VecClassifier.framePosteriors(output))
        let t0 = try XCTUnwrap(EmotionTimeline(segmentClassifierOutput: output, item: 0, configuration: config,
                                               inputFrameSeconds: 0.01, classes: ["a", "b", "c"]))
        let t1 = try XCTUnwrap(EmotionTimeline(segmentClassifierOutput: output, item: 1, configuration: config,
                                               inputFrameSeconds: 0.01, classes: ["a", "b", "c"]))
        XCTAssertEqual(t0.points.count, config.outputFrames(frames))
        XCTAssertEqual(t1.points.count, config.outputFrames(30), "padding frames are left out")
        XCTAssertEqual(t0.source, .frames)
        // Strides 2·2 = 4 input frames per output frame; receptive field = minimumInputFrames.
        let field = config.minimumInputFrames
        // Kernels 4, 4, 3, 3 with strides 2, 2, 1, 1, from the last layer back: 3 → 3+2 = 5 → 4·2+4 = 12 → 11·2+4 = 26.
        XCTAssertEqual(field, 26)
        for (t, p) in t0.points.enumerated() {
            XCTAssertEqual(p.start, Double(4 * t) * 0.01, accuracy: 1e-12)
            XCTAssertEqual(p.end, Double(4 * t + field) * 0.01, accuracy: 1e-12)
            XCTAssertEqual(p.posteriors.reduce(0, +), 1, accuracy: 1e-5)
            for c in 0..<3 { XCTAssertEqual(p.posteriors[c], Double(posteriors[0, t, c]), accuracy: 1e-7) }
        }
        var noSegments = config
        noSegments.segmentClassifiers = 0
        var rng2 = RandomGenerator(seed: 3)
        let plain = try Wav2VecClassifier(noSegments, rng: &rng2)
        XCTAssertNil(EmotionTimeline(segmentClassifierOutput: try plain(x), item: 0, configuration: noSegments,
                                     inputFrameSeconds: 0.01, classes: ["a", "b", "c"]))
    }

    func testClassSelectionParsing() throws {
        let s = try ClassSelection.parse(classes: "neutral, happy,sad,angry", mappings: ["excited=happy", " fru = angry "])
        XCTAssertEqual(s.classes, ["neutral", "happy", "sad", "angry"])
        XCTAssertEqual(s.mapping, ["excited": "happy", "fru": "angry"])
        XCTAssertEqual(s.apply("excited"), "happy")
        XCTAssertNil(s.apply("fear"))
        XCTAssertNil(try ClassSelection.parse(classes: nil, mappings: []).classes)
        for bad in [("a,,b", [String]()), ("a,a", []), ("a", ["x"]), ("a", ["=y"]), ("a", ["x="]), ("a", ["x=y", "x=z"])] {
            XCTAssertThrowsError(try ClassSelection.parse(classes: bad.0, mappings: bad.1), "\(bad)") { e in
                XCTAssertTrue(e is ReportingError)
            }
        }
    }

    func testTrainingRequestPresetsConfigFilesAndResumeRules() throws {
        var r = TrainingRequest()
        r.preset = .demo
        r.feature = .spectrogramModulation
        r.classes = ["a", "b", "c"]
        r.maxEpochs = 3
        r.frequencyWarping = true
        r.specAugment = true
        let c = try r.configuration()
        XCTAssertEqual(c.model.inputChannels, ["spectrogram"])
        XCTAssertEqual(c.model.strfInputs, [0])
        XCTAssertEqual(c.model.classes, 3)
        XCTAssertEqual(c.classes, ["a", "b", "c"])
        XCTAssertEqual(c.maxEpochs, 3)
        XCTAssertTrue(c.frequencyWarping)
        XCTAssertNotNil(c.specAugment)
        XCTAssertEqual(c.model.gruHidden, TrainingConfiguration.demo().model.gruHidden)
        // The demo preset normalises level and speaker; the options override it.
        XCTAssertEqual(c.normalization, .level)
        XCTAssertTrue(c.speakerNormalization)
        var n = r
        n.featureNormalization = .utterance
        n.speakerNormalization = false
        let normalized = try n.configuration()
        XCTAssertEqual(normalized.normalization, .utterance)
        XCTAssertFalse(normalized.speakerNormalization)
        var paper = TrainingRequest()
        paper.feature = .modulation
        XCTAssertEqual(try paper.configuration().model, Table1Feature.modulation.configuration(classes: 4))

        // A config file is the starting point; --preset with it is an error.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ser-req-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("config.json")
        try JSONEncoder().encode(c).write(to: file)
        var fromFile = TrainingRequest()
        fromFile.configFile = file
        fromFile.seed = 9
        var expected = c
        expected.seed = 9
        XCTAssertEqual(try fromFile.configuration(), expected)
        fromFile.preset = .paper
        XCTAssertThrowsError(try fromFile.configuration())
        var broken = TrainingRequest()
        broken.configFile = dir.appendingPathComponent("missing.json")
        XCTAssertThrowsError(try broken.configuration()) { e in XCTAssertTrue("\(e)".contains("missing.json")) }

        // Resuming: nothing given keeps the saved configuration; epochs and patience may change.
        XCTAssertEqual(try TrainingRequest().configuration(existing: c), c)
        var longer = TrainingRequest()
        longer.maxEpochs = 10
        longer.patience = 7
        let resumed = try longer.configuration(existing: c)
        XCTAssertEqual(resumed.maxEpochs, 10)
        XCTAssertEqual(resumed.patience, 7)
        // The same options as before are accepted; different ones are refused, naming the setting.
        XCTAssertEqual(try r.configuration(existing: c), c)
        var other = r
        other.learningRate = 0.5
        XCTAssertThrowsError(try other.configuration(existing: c)) { e in
            XCTAssertTrue("\(e)".contains("learningRate"), "\(e)")
        }
        var onlyRate = TrainingRequest()
        onlyRate.learningRate = 0.5
        XCTAssertThrowsError(try onlyRate.configuration(existing: c)) { e in
            XCTAssertTrue("\(e)".contains("differs in learningRate;"), "single settings apply to the saved configuration: \(e)")
        }
        onlyRate.learningRate = c.learningRate
        XCTAssertEqual(try onlyRate.configuration(existing: c), c)
        var otherModel = r
        otherModel.feature = .spectrogram
        XCTAssertThrowsError(try otherModel.configuration(existing: c)) { e in XCTAssertTrue("\(e)".contains("model"), "\(e)") }
        XCTAssertNil(try TrainingConfiguration.saved(in: dir.appendingPathComponent("nothing")))
        XCTAssertEqual(try TrainingConfiguration.saved(in: dir), c)
    }
}
