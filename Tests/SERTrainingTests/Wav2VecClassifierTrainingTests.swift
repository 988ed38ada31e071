import Foundation
import XCTest
import SERAudio
import SERTestSupport
@testable import SERTraining

/// Training the paper's wav2vec classifier (Fig. 1, Eq. 3) through the shared ``Trainer``: on log-mel
/// frames, on frozen features of a wav2vec model file, and with wav2vec fine-tuned; resume, saved
/// runs (evaluate / predict), configuration files and errors.
///
/// The task is synthetic and easy: class 0 is a harmonic tone at 150–300 Hz, class 1 one at
/// 1.5–2.5 kHz, with random level, phase and a little noise (1.0–1.4 s at 16 kHz).
final class Wav2VecClassifierTrainingTests: XCTestCase {
    static let classes = ["low", "high"]

    /// `count` utterances alternating between the classes.
    static func utterances(_ count: Int, seed: UInt64, speaker: String = "s") -> [Utterance] {
        var rng = RandomGenerator(seed: seed)
        return (0..<count).map { i in
            let label = i % 2
            let n = 16000 + rng.nextInt(below: 6400)
            let f0 = label == 0 ? rng.uniform(150, 300) : rng.uniform(1500, 2500)
            let amplitude = rng.uniform(0.05, 0.5), phase = rng.uniform(0, 6.28)
            var samples = [Float](repeating: 0, count: n)
            for j in 0..<n {
                let t = Double(j) / 16000
                var v = 0.0
                for h in 1...3 { v += sin(2 * .pi * f0 * Double(h) * t + phase * Double(h)) / Double(h) }
                samples[j] = Float(amplitude * (0.6 * v + 0.02 * rng.nextNormal()))
            }
            return Utterance(path: "/synthetic/\(speaker)-\(i).wav", label: label, speaker: speaker, samples: samples)
        }
    }

    static let train = utterances(24, seed: 1, speaker: "a")
    static let validation = utterances(12, seed: 2, speaker: "b")

    /// A tiny classifier (CNN 16, one BiLSTM layer of 16, heads of 16, one segment classifier) on 0.5 s segments.
    static func tiny(_ c: TrainingConfiguration) -> TrainingConfiguration {
        var c = c
        c.wav2vecClassifier?.classifier.cnnChannels = 16
        c.wav2vecClassifier?.classifier.lstmLayers = 1
        c.wav2vecClassifier?.classifier.lstmHidden = 16
        c.wav2vecClassifier?.classifier.headHidden = 16
        c.wav2vecClassifier?.classifier.segmentClassifiers = 1
        c.batchSize = 8
        c.stepsPerEpoch = 5     // 40 draws from 24 utterances: epochs start mid-permutation
        c.segmentSeconds = 0.5
        c.learningRate = 1e-2
        c.maxEpochs = 8
        c.patience = 10
        c.seed = 5
        return c
    }

    static func logMelConfiguration() -> TrainingConfiguration {
        tiny(.wav2vecClassifier(.demo, input: .logMel, classes: classes))
    }

    /// A tiny randomly initialised wav2vec 1.0 saved to `url`: 16 channels, two encoder layers whose
    /// strides 5·32 = 160 give 100 frames/s, one aggregator layer. (With wav2vec large's five encoder
    /// layers, random 16-channel features of the two classes are not always separable.)
    static func writeTinyWav2Vec(to url: URL, seed: UInt64 = 3) throws -> Wav2VecModel {
        let config = Wav2VecConfig(featureExtractorLayers: [.init(16, 10, 5), .init(16, 32, 32)], aggregatorLayers: [.init(16, 3, 1)])
        let model = try Wav2VecModel(config, seed: seed)
        try model.write(to: url)
        return model
    }

    static func wav2vecConfiguration(modelFile: URL, fineTuning: FineTuningStrategy = .none) -> TrainingConfiguration {
        var c = tiny(.wav2vecClassifier(.demo, input: .wav2vec, classes: classes, modelFile: modelFile.path))
        c.wav2vecClassifier?.classifier.inputSize = 16
        c.wav2vecClassifier?.wav2vec?.fineTuning = fineTuning
        return c
    }

    var directory: URL!

    override func setUpWithError() throws {
        directory = try Fixtures.temporaryDirectory("ser-w2v-training")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func posteriorsMatch(_ a: [[Double]], _ b: [[Double]], tolerance: Double, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        let worst = zip(a, b).map { x, y in zip(x, y).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, tolerance, "worst posterior difference \(worst)", file: file, line: line)
    }

    // MARK: Learning

    func testLogMelClassifierLearnsAndItsRunPredicts() throws {
        let config = Self.logMelConfiguration()
        XCTAssertEqual(config.modelKind, .wav2vecClassifier)
        XCTAssertEqual(try config.featureChannels(), [.spectrogram])
        let run = directory.appendingPathComponent("logmel")
        let trainer = try Trainer(configuration: config, train: Self.train, validation: Self.validation, runDirectory: run)
        let history = try trainer.run()
        let losses = history.map(\.trainLoss)
        print("log-mel classifier: losses \(losses), validation UA \(history.map(\.validationUA))")
        XCTAssertEqual(history.count, 8)
        // Loss of 2 classes at chance: ln 2 for the utterance head plus ln 2 for the segment classifier.
        XCTAssertLessThan(losses.last ?? .infinity, 0.5 * (losses.first ?? 0), "the loss falls")
        let best = try XCTUnwrap(history.map(\.validationUA).max())
        XCTAssertGreaterThanOrEqual(best, 0.9, "well above chance (0.5)")
        XCTAssertTrue(trainer.trainedModel is Wav2VecClassifier)

        // The saved run loads as a classifier on log-mel and gives the trainer's posteriors.
        let loaded = try TrainedRun.load(from: run)
        XCTAssertTrue(loaded.model is Wav2VecClassifier)
        XCTAssertEqual(loaded.configuration, config)
        posteriorsMatch(try loaded.predictor.posteriors(Self.validation), try trainer.predictor.posteriors(Self.validation), tolerance: 1e-6)
        XCTAssertEqual(try trainer.evaluate(Self.validation).unweightedAccuracy, best, accuracy: 1e-12)

        // Frame timeline of a whole utterance from the segment classifier: 10 ms log-mel frames, CNN
        // output frame t covers input frames [4t, 4t + 26).
        let u = Self.validation[0]
        let timeline = try XCTUnwrap(try loaded.predictor.frameTimeline(u, classes: Self.classes))
        XCTAssertEqual(timeline.source, .frames)
        let frames = u.samples.count / 160 + 1     // centred STFT frames, hop 160
        XCTAssertEqual(timeline.points.count, config.wav2vecClassifier?.classifier.outputFrames(frames))
        XCTAssertEqual(timeline.points[1].start, 0.04, accuracy: 1e-12)
        XCTAssertEqual(timeline.points[1].end, 0.04 + 0.26, accuracy: 1e-12)
        for p in timeline.points { XCTAssertEqual(p.posteriors.reduce(0, +), 1, accuracy: 1e-5) }
    }

    func testFrozenWav2VecFeaturesFromAModelFileLearn() throws {
        let modelURL = directory.appendingPathComponent("tiny-wav2vec.safetensors")
        let reference = try Self.writeTinyWav2Vec(to: modelURL)
        let config = Self.wav2vecConfiguration(modelFile: modelURL)
        XCTAssertEqual(try config.featureChannels(), [])
        let store = try XCTUnwrap(try Wav2VecFeatureStore.forConfiguration(config))
        XCTAssertEqual(store.fingerprint, reference.fingerprint(), "same weights, same fingerprint")
        // The stored features are the model's c of the whole utterance, [frames, channels].
        let u = Self.train[0]
        let expected = try withNoGrad { try reference.features(Tensor(shape: [1, u.samples.count], data: u.samples)).c }
        let cached = try store.features(u)
        XCTAssertEqual(cached.shape, [expected.shape[2], 16])
        XCTAssertEqual(cached.shape[0], store.contextFrames(samples: u.samples.count))
        XCTAssertEqual(cached.scalars, expected.squeezed(0).permuted([1, 0]).scalars)

        var events = [String]()
        let run = directory.appendingPathComponent("frozen")
        let trainer = try Trainer(configuration: config, train: Self.train, validation: Self.validation, runDirectory: run,
                                  progress: { e in if case let .featureExtraction(done, total) = e, done == total { events.append("\(total)") } },
                                  wav2vecFeatures: store)
        let history = try trainer.run()
        print("frozen wav2vec classifier: losses \(history.map(\.trainLoss)), validation UA \(history.map(\.validationUA))")
        XCTAssertEqual(events, ["36"], "features of 24 + 12 utterances computed once before the first epoch")
        XCTAssertEqual(store.count, 36)
        XCTAssertLessThan(history.last?.trainLoss ?? .infinity, 0.5 * (history.first?.trainLoss ?? 0))
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(history.map(\.validationUA).max()), 0.9)

        // The best weights hold only the classifier (with the wav2vec model's fingerprint).
        let weights = try Safetensors.readWithMetadata(from: run.appendingPathComponent("best.safetensors"))
        XCTAssertFalse(weights.0.keys.contains { $0.hasPrefix("wav2vec") })
        XCTAssertEqual(weights.1["wav2vec_fingerprint"], store.fingerprint)
        let loaded = try TrainedRun.load(from: run)
        posteriorsMatch(try loaded.predictor.posteriors(Self.validation), try trainer.predictor.posteriors(Self.validation), tolerance: 1e-6)
        XCTAssertNotNil(try loaded.predictor.frameTimeline(Self.validation[1], classes: Self.classes))

        // The model file holds wav2vec and the classifier, so it needs no other file; loaded alone it
        // gives the trainer's posteriors.
        let modelFile = run.appendingPathComponent(EmotionModelFile.fileName)
        let file = try Safetensors.read(from: modelFile)
        XCTAssertTrue(file.keys.contains { $0.hasPrefix("members.0.wav2vec.") } && file.keys.contains { $0.hasPrefix("members.0.classifier.") })
        let alone = try EmotionRecognizer(contentsOf: modelFile)
        posteriorsMatch(try alone.posteriors(Self.validation), try trainer.predictor.posteriors(Self.validation), tolerance: 1e-6)

        // A folder without the model file (written before model files existed) is converted from its
        // configuration and best weights, reading the wav2vec file again; another model at the same path
        // is refused (it is not the one the classifier was trained on).
        try FileManager.default.removeItem(at: modelFile)
        posteriorsMatch(try TrainedRun.load(from: run).predictor.posteriors(Self.validation),
                        try trainer.predictor.posteriors(Self.validation), tolerance: 1e-6)
        _ = try Self.writeTinyWav2Vec(to: modelURL, seed: 4)
        XCTAssertThrowsError(try TrainedRun.load(from: run)) { e in
            XCTAssertTrue("\(e)".contains(modelURL.path) && "\(e)".contains("not the model"), "\(e)")
        }
        try FileManager.default.removeItem(at: modelURL)
        XCTAssertThrowsError(try TrainedRun.load(from: run)) { e in
            XCTAssertTrue("\(e)".contains(modelURL.path) && "\(e)".contains("not found"), "\(e)")
        }
    }

    func testFineTunedWav2VecTrainsTheContextNetworkAndRunsAreSelfContained() throws {
        let modelURL = directory.appendingPathComponent("tiny-wav2vec.safetensors")
        let initial = try Self.writeTinyWav2Vec(to: modelURL)
        var config = Self.wav2vecConfiguration(modelFile: modelURL, fineTuning: .context)
        config.wav2vecClassifier?.wav2vec?.learningRate = 1e-3
        config.maxEpochs = 2
        config.stepsPerEpoch = 2
        let run = directory.appendingPathComponent("context")
        let trainer = try Trainer(configuration: config, train: Self.train, validation: Self.validation, runDirectory: run)
        let history = try trainer.run()
        XCTAssertEqual(history.count, 2)
        XCTAssertTrue(history.allSatisfy { $0.trainLoss.isFinite })
        let model = try XCTUnwrap(trainer.trainedModel as? Wav2VecEmotionModel)
        XCTAssertEqual(model.strategy, .context)
        // The context network moved; the frozen encoder did not.
        let before = initial.stateDict(), after = model.wav2vec.stateDict()
        for (name, t) in after {
            let changed = t.scalars != before[name]?.scalars
            XCTAssertEqual(changed, name.hasPrefix("feature_aggregator"), name)
        }
        // The best weights hold the whole model and its wav2vec configuration: the run loads without the file.
        try FileManager.default.removeItem(at: modelURL)
        let loaded = try TrainedRun.load(from: run)
        XCTAssertTrue(loaded.model is Wav2VecEmotionModel)
        XCTAssertEqual(loaded.metadata["wav2vec_fine_tuning"], "context")
        posteriorsMatch(try loaded.predictor.posteriors(Self.validation), try trainer.predictor.posteriors(Self.validation), tolerance: 1e-6)
    }

    // MARK: Resume

    func testResumedRunsEqualStraightRunsBitForBit() throws {
        let modelURL = directory.appendingPathComponent("tiny-wav2vec.safetensors")
        _ = try Self.writeTinyWav2Vec(to: modelURL)
        var context = Self.wav2vecConfiguration(modelFile: modelURL, fineTuning: .context)
        context.stepsPerEpoch = 2
        for (name, base) in [("logmel", Self.logMelConfiguration()), ("frozen", Self.wav2vecConfiguration(modelFile: modelURL)),
                             ("context", context)] {
            var two = base
            two.maxEpochs = 2
            var one = base
            one.maxEpochs = 1
            let straight = directory.appendingPathComponent("\(name)-straight"), resumed = directory.appendingPathComponent("\(name)-resumed")
            let a = try Trainer(configuration: two, train: Self.train, validation: Self.validation, runDirectory: straight).run()
            _ = try Trainer(configuration: one, train: Self.train, validation: Self.validation, runDirectory: resumed).run()
            var more = TrainingRequest()
            more.maxEpochs = 2
            let continued = try more.configuration(existing: TrainingConfiguration.saved(in: resumed))
            XCTAssertEqual(continued, two, name)
            let b = try Trainer(configuration: continued, train: Self.train, validation: Self.validation, runDirectory: resumed).run(resume: true)
            XCTAssertEqual(a.map { [$0.trainLoss, $0.validationUA, $0.validationWA] }, b.map { [$0.trainLoss, $0.validationUA, $0.validationWA] }, name)
            for file in ["best.safetensors", "checkpoint/model.safetensors", "checkpoint/optimizer.safetensors"] {
                XCTAssertEqual(try Data(contentsOf: straight.appendingPathComponent(file)),
                               try Data(contentsOf: resumed.appendingPathComponent(file)), "\(name) \(file)")
            }
        }
    }

    // MARK: Configuration files

    func testConfigurationFilesDecodeOldAndNewKinds() throws {
        let configs = Fixtures.packageRoot.appendingPathComponent("configs")
        // A configuration written before the wav2vec classifier: no modelKind, an STRFNet model.
        let old = try JSONDecoder().decode(TrainingConfiguration.self, from: Data(contentsOf: configs.appendingPathComponent("emodb-small-spectrogram.json")))
        XCTAssertEqual(old.modelKind, .strfnet)
        XCTAssertNil(old.wav2vecClassifier)
        XCTAssertEqual(old.model.inputChannels, ["spectrogram"])
        XCTAssertEqual(old.model.convChannels, 16)
        XCTAssertEqual(old.model.gruHidden, 48)
        XCTAssertEqual(old.learningRate, 1e-3)
        XCTAssertTrue(old.utteranceNormalization)
        XCTAssertNil(old.stepsPerEpoch)
        XCTAssertEqual(old.gradientClipNorm, 5)
        XCTAssertNoThrow(try old.validate())
        // Written again it keeps every setting, now with its kind.
        let data = try JSONEncoder().encode(old)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["modelKind"] as? String, "strfnet")
        XCTAssertNil(object["wav2vecClassifier"])
        XCTAssertEqual(try JSONDecoder().decode(TrainingConfiguration.self, from: data), old)
        // The older switch decides the normalisation until featureNormalization is set.
        XCTAssertNil(old.featureNormalization)
        XCTAssertEqual(old.normalization, .utterance)
        var level = old
        level.featureNormalization = .level
        XCTAssertEqual(level.normalization, .level)
        XCTAssertEqual(try level.featureStack().normalization, .level)
        let levelData = try JSONEncoder().encode(level)
        let levelObject = try XCTUnwrap(try JSONSerialization.jsonObject(with: levelData) as? [String: Any])
        XCTAssertEqual(levelObject["featureNormalization"] as? String, "level")
        XCTAssertEqual(try JSONDecoder().decode(TrainingConfiguration.self, from: levelData), level)

        let logMel = try JSONDecoder().decode(TrainingConfiguration.self, from: Data(contentsOf: configs.appendingPathComponent("emodb-w2v-classifier-logmel.json")))
        XCTAssertEqual(logMel.modelKind, .wav2vecClassifier)
        XCTAssertEqual(logMel.wav2vecClassifier?.input, .logMel)
        XCTAssertEqual(logMel.wav2vecClassifier?.classifier.inputSize, 30)
        XCTAssertNoThrow(try logMel.validate())
        let w2v = try JSONDecoder().decode(TrainingConfiguration.self, from: Data(contentsOf: configs.appendingPathComponent("emodb-w2v-classifier-wav2vec.json")))
        XCTAssertEqual(w2v.wav2vecClassifier?.input, .wav2vec)
        XCTAssertEqual(w2v.wav2vecClassifier?.wav2vec?.fineTuning, FineTuningStrategy.none)
        XCTAssertEqual(w2v.wav2vecClassifier?.classifier.inputSize, 512)
        XCTAssertNoThrow(try w2v.validate())
        let w2vObject = try XCTUnwrap(try JSONSerialization.jsonObject(with: JSONEncoder().encode(w2v)) as? [String: Any])
        XCTAssertNil(w2vObject["model"], "a wav2vec-classifier configuration has no STRFNet")
        XCTAssertEqual(try JSONDecoder().decode(TrainingConfiguration.self, from: JSONEncoder().encode(w2v)), w2v)

        // The unused STRFNet of a wav2vec-classifier configuration does not count.
        var other = w2v
        other.model.gruHidden = 7
        XCTAssertEqual(other, w2v)
        other.wav2vecClassifier?.classifier.lstmHidden += 1
        XCTAssertNotEqual(other, w2v)
    }

    func testMalformedConfigurationsAreRejectedWithTheirReason() throws {
        func decode(_ json: String) throws -> TrainingConfiguration { try JSONDecoder().decode(TrainingConfiguration.self, from: Data(json.utf8)) }
        let classifier = String(decoding: try JSONEncoder().encode(Self.logMelConfiguration().wav2vecClassifier?.classifier), as: UTF8.self)
        let minimal = #"{"modelKind": "wav2vec-classifier", "classes": ["low", "high"], "wav2vecClassifier": {"input": "log-mel", "classifier": \#(classifier)}}"#
        let c = try decode(minimal)
        XCTAssertEqual(c.batchSize, 64, "left-out settings take their defaults")
        XCTAssertNil(c.gradientClipNorm, "left-out optional settings are off")
        XCTAssertNoThrow(try c.validate())
        XCTAssertThrowsError(try decode(minimal.replacingOccurrences(of: #""classes""#, with: #""learningrate": 1, "classes""#))) { e in
            XCTAssertTrue(DecodingErrorText.describe(e).contains("unknown setting 'learningrate'"), DecodingErrorText.describe(e))
        }
        XCTAssertThrowsError(try decode(minimal.replacingOccurrences(of: #""wav2vecClassifier""#, with: #""model": {}, "wav2vecClassifier""#)))
        XCTAssertThrowsError(try decode(minimal.replacingOccurrences(of: #""modelKind": "wav2vec-classifier", "#, with: "")))
        XCTAssertThrowsError(try decode(#"{"modelKind": "wav2vec-classifier"}"#)) { e in
            XCTAssertTrue(DecodingErrorText.describe(e).contains("wav2vecClassifier"), DecodingErrorText.describe(e))
        }

        func invalid(_ change: (inout TrainingConfiguration) -> Void, _ expected: String, line: UInt = #line) {
            var c = Self.logMelConfiguration()
            change(&c)
            XCTAssertThrowsError(try c.validate(), line: line) { e in XCTAssertTrue("\(e)".contains(expected), "\(e)", line: line) }
        }
        invalid({ $0.wav2vecClassifier?.classifier.inputSize = 40 }, "inputSize is 40")
        invalid({ $0.wav2vecClassifier?.classifier.classes = 3 }, "3 outputs for 2 classes")
        invalid({ $0.wav2vecClassifier?.classifier.cnnKernels = [8, 8, 3, 3]; $0.segmentSeconds = 0.35 }, "receptive field")
        invalid({ $0.wav2vecClassifier?.wav2vec = Wav2VecFeatureSettings(modelFile: "x") }, "input log-mel takes no wav2vec model")
        invalid({ $0.wav2vecClassifier?.input = .wav2vec }, "input wav2vec needs")
        invalid({ $0.wav2vecClassifier = Self.wav2vecConfiguration(modelFile: URL(fileURLWithPath: "m")).wav2vecClassifier
                  $0.featureNormalization = .level }, "featureNormalization 'level' applies to log-mel only")
        invalid({ $0.wav2vecClassifier = Self.wav2vecConfiguration(modelFile: URL(fileURLWithPath: "m")).wav2vecClassifier
                  $0.featureNormalization = nil; $0.frequencyWarping = true },
                "frequencyWarping")
        invalid({ $0.wav2vecClassifier = Self.wav2vecConfiguration(modelFile: URL(fileURLWithPath: "m")).wav2vecClassifier
                  $0.featureNormalization = nil; $0.wav2vecClassifier?.wav2vec?.learningRate = 1e-5 }, "learningRate needs a fineTuning strategy")
    }

    func testUnusableWav2VecModelFilesAreNamed() throws {
        let missing = directory.appendingPathComponent("no-such-model.safetensors")
        let garbage = directory.appendingPathComponent("garbage.safetensors")
        try Data("not a model".utf8).write(to: garbage)
        for (url, reason) in [(missing, "file not found"), (garbage, "cannot be loaded"), (directory!, "is a folder")] {
            for fineTuning in [FineTuningStrategy.none, .all] {
                let config = Self.wav2vecConfiguration(modelFile: url, fineTuning: fineTuning)
                XCTAssertThrowsError(try Trainer(configuration: config, train: Self.train, validation: Self.validation,
                                                 runDirectory: directory.appendingPathComponent("never"))) { e in
                    guard case TrainingError.wav2vecModel(let path, _) = e else { return XCTFail("\(e)") }
                    XCTAssertEqual(path, url.path)
                    XCTAssertTrue("\(e)".contains(url.path) && "\(e)".contains(reason), "\(e)")
                }
            }
        }
        // A model whose features do not fit the classifier.
        let modelURL = directory.appendingPathComponent("tiny.safetensors")
        _ = try Self.writeTinyWav2Vec(to: modelURL)
        var wide = Self.wav2vecConfiguration(modelFile: modelURL)
        wide.wav2vecClassifier?.classifier.inputSize = 512
        XCTAssertThrowsError(try Trainer(configuration: wide, train: Self.train, validation: Self.validation,
                                         runDirectory: directory.appendingPathComponent("never"))) { e in
            XCTAssertTrue("\(e)".contains("16-dimensional") && "\(e)".contains(modelURL.path), "\(e)")
        }
    }

    // MARK: Requests (the command-line options)

    func testRequestsChooseTheNetwork() throws {
        var r = TrainingRequest()
        r.modelKind = .wav2vecClassifier
        r.classifierInput = .logMel
        r.preset = .demo
        r.classes = Self.classes
        let logMel = try r.configuration()
        XCTAssertEqual(logMel, TrainingConfiguration.wav2vecClassifier(.demo, input: .logMel, classes: Self.classes))
        XCTAssertEqual(logMel.wav2vecClassifier?.classifier.cnnChannels, 64)
        XCTAssertEqual(logMel.wav2vecClassifier?.classifier.lstmHidden, 64)

        let modelURL = directory.appendingPathComponent("w2v.safetensors")
        _ = try Self.writeTinyWav2Vec(to: modelURL)
        var w = TrainingRequest()
        w.wav2vecModel = modelURL.path
        w.fineTuning = .context
        let fine = try w.configuration()
        XCTAssertEqual(fine.modelKind, .wav2vecClassifier, "a wav2vec setting implies the wav2vec classifier")
        XCTAssertEqual(fine.wav2vecClassifier?.input, .wav2vec)
        XCTAssertEqual(fine.wav2vecClassifier?.wav2vec, Wav2VecFeatureSettings(modelFile: modelURL.path, fineTuning: .context))
        var paperSizes = Wav2VecClassifierConfiguration(segmentClassifiers: 2, classes: 4)
        paperSizes.inputSize = 16   // the model file's context width
        XCTAssertEqual(fine.wav2vecClassifier?.classifier, paperSizes, "paper sizes")

        var bad = r
        bad.feature = .spectrogram
        XCTAssertThrowsError(try bad.configuration())
        bad = r
        bad.wav2vecModel = "m.safetensors"
        XCTAssertThrowsError(try bad.configuration()) { e in XCTAssertTrue("\(e)".contains("--wav2vec-model"), "\(e)") }
        var strf = TrainingRequest()
        strf.classifierInput = .logMel
        strf.modelKind = .strfnet
        XCTAssertThrowsError(try strf.configuration())
        XCTAssertEqual(try TrainingRequest().configuration().modelKind, .strfnet)
    }

    // MARK: STRFNet runs keep their per-utterance normalisation when loaded

    func testLoadedSTRFNetRunNormalisesLikeTraining() throws {
        var c = EndToEndTrainingTests.tinyConfiguration(epochs: 1)
        c.classes = Self.classes
        c.model.classes = 2
        c.utteranceNormalization = true
        c.stepsPerEpoch = 2
        let run = directory.appendingPathComponent("strfnet")
        let trainer = try Trainer(configuration: c, train: Self.train, validation: Self.validation, runDirectory: run)
        try trainer.run()
        let loaded = try TrainedRun.load(from: run)
        XCTAssertTrue(loaded.model is STRFNet)
        posteriorsMatch(try loaded.predictor.posteriors(Self.validation), try trainer.predictor.posteriors(Self.validation), tolerance: 1e-6)
    }

    func testPresetClassifierTakesItsInputWidthFromTheModelFile() throws {
        let url = directory.appendingPathComponent("tiny16.safetensors")
        _ = try Self.writeTinyWav2Vec(to: url)
        var r = TrainingRequest()
        r.preset = .demo
        r.modelKind = .wav2vecClassifier
        r.wav2vecModel = url.path
        let c = try r.configuration()
        XCTAssertEqual(c.wav2vecClassifier?.classifier.inputSize, 16)
        r.wav2vecModel = directory.appendingPathComponent("absent.safetensors").path
        XCTAssertThrowsError(try r.configuration()) { e in XCTAssertTrue("\(e)".contains("absent.safetensors"), "\(e)") }
    }

    func testEveryCommittedConfigurationDecodesAndValidates() throws {
        let folder = Fixtures.packageRoot.appendingPathComponent("configs")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 9)
        for name in files {
            // The strict reader `train --config` uses: no unknown keys at any depth.
            let c = try TrainingConfiguration.read(from: folder.appendingPathComponent(name))
            XCTAssertNoThrow(try c.validate(), name)
            if name.hasSuffix("-speaker.json") {
                XCTAssertEqual(c.normalization, .level, name)
                XCTAssertTrue(c.speakerNormalization, name)
            }
        }
    }
}
