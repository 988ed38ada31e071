import XCTest
import SERTestSupport
@testable import SERModels

/// Fine-tuning strategies (paper Table 2) by freezing parameter groups, and models saved with
/// their configuration.
final class FineTuningAndArchiveTests: XCTestCase {
    func smallModel(_ strategy: FineTuningStrategy) throws -> Wav2VecEmotionModel {
        var rng = RandomGenerator(seed: 9)
        let w2v = try Wav2VecModel(Wav2VecConfig(featureExtractorLayers: [.init(8, 10, 5), .init(8, 4, 2)],
                                                 aggregatorLayers: [.init(8, 2, 1), .init(8, 3, 1)]), rng: &rng)
        var c = Wav2VecClassifierConfiguration(segmentClassifiers: 1, classes: 3)
        c.inputSize = 8; c.cnnChannels = 6; c.lstmLayers = 1; c.lstmHidden = 4; c.headHidden = 5
        return try Wav2VecEmotionModel(wav2vec: w2v, classifier: try Wav2VecClassifier(c, rng: &rng), strategy: strategy)
    }

    func testStrategiesFreezeTheRightParts() throws {
        var rng = RandomGenerator(seed: 1)
        let wav = Tensor.randn([2, 1200], std: 0.1, using: &rng)
        for strategy in FineTuningStrategy.allCases {
            let model = try smallModel(strategy)
            let out = try model(wav)
            Wav2VecClassifier.loss(out, targets: [0, 2]).backward()
            for (name, p) in model.namedParameters() {
                let encoder = name.hasPrefix("wav2vec.feature_extractor"), context = name.hasPrefix("wav2vec.feature_aggregator")
                let shouldTrain: Bool
                switch strategy {
                case .none: shouldTrain = !(encoder || context)
                case .all: shouldTrain = true
                case .encoder: shouldTrain = !context
                case .context: shouldTrain = !encoder
                }
                XCTAssertEqual(p.requiresGrad, shouldTrain, "\(strategy) \(name)")
                XCTAssertEqual(p.grad != nil, shouldTrain, "\(strategy) \(name) gradient")
            }
        }
    }

    func testWav2VecParametersCanHaveTheirOwnLearningRateGroup() throws {
        let model = try smallModel(.context)
        let names = model.trainableParameters().count
        let wav2vecTrainable = model.namedParameters().filter { $0.name.hasPrefix("wav2vec.") && $0.tensor.requiresGrad }
        XCTAssertFalse(wav2vecTrainable.isEmpty)
        XCTAssertTrue(wav2vecTrainable.allSatisfy { $0.name.hasPrefix("wav2vec.feature_aggregator") })
        XCTAssertGreaterThan(names, wav2vecTrainable.count)
        // Switching strategy re-freezes.
        model.apply(.none)
        XCTAssertTrue(model.namedParameters().filter { $0.name.hasPrefix("wav2vec.") }.allSatisfy { !$0.tensor.requiresGrad })
        model.apply(.all)
        XCTAssertTrue(model.parameters().allSatisfy(\.requiresGrad))
    }

    func testPrecomputedFeaturesEqualTheFrozenForwardPass() throws {
        let model = try smallModel(.none)
        var rng = RandomGenerator(seed: 2)
        let samples = Tensor.randn([1600], std: 0.1, using: &rng).scalars
        let cached = try model.precomputeFeatures(samples)                       // [T, 8]
        let direct = try withNoGrad { try model.wav2vec.features(Tensor(shape: [1, 1600], data: samples)).c }
        XCTAssertEqual(cached.shape, [direct.shape[2], 8])
        XCTAssertLessThan(Discrepancy.between(cached.doubles, direct.squeezed(0).permuted([1, 0]).doubles).maxAbsolute, 1e-6)
        // Through the classifier, precomputed features give the model's output.
        model.eval()
        let viaCache = try model.classifier(cached.unsqueezed(0)).logits
        let viaModel = try withNoGrad { try model(Tensor(shape: [1, 1600], data: samples)).logits }
        XCTAssertLessThan(Discrepancy.between(viaCache.doubles, viaModel.doubles).maxAbsolute, 1e-5)
    }

    func testMismatchedWidthsAreAConfigurationError() throws {
        var rng = RandomGenerator(seed: 3)
        let w2v = try Wav2VecModel(Wav2VecConfig(featureExtractorLayers: [.init(8, 10, 5)], aggregatorLayers: [.init(8, 2, 1)]), rng: &rng)
        let cls = try Wav2VecClassifier(Wav2VecClassifierConfiguration(), rng: &rng)   // expects 512-dim input
        XCTAssertThrowsError(try Wav2VecEmotionModel(wav2vec: w2v, classifier: cls, strategy: .all))
    }

    func testArchivesRoundTripWithTheirConfiguration() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = RandomGenerator(seed: 4)
        var cfg = Table1Feature.spectrogramModulation.configuration(classes: 3)
        cfg.convChannels = 4; cfg.strfKernels = 2; cfg.residualChannels = [4]; cfg.embeddingSize = 8; cfg.gruHidden = 4
        cfg.attentionHidden = 4; cfg.mlpHidden = [4]
        let net = try STRFNet(cfg, rng: &rng)
        let url = dir.appendingPathComponent("strfnet.safetensors")
        try net.save(to: url)
        let back = try STRFNet.load(from: url)
        XCTAssertEqual(back.configuration, cfg)
        net.eval(); back.eval()
        let x = Tensor.randn([2, 1, 13, 30], using: &rng)
        XCTAssertEqual(try withNoGrad { try back(x) }.scalars, try withNoGrad { try net(x) }.scalars)
        // Wrong kind, and weights that don't fit, are errors naming the problem.
        XCTAssertThrowsError(try Wav2VecClassifier.load(from: url)) { XCTAssertTrue("\($0)".contains("strfnet")) }
        var other = cfg
        other.embeddingSize = 16
        let wrong = try STRFNet(other, rng: &rng)
        XCTAssertThrowsError(try ModelArchive.loadWeights(into: wrong, from: url)) { e in
            XCTAssertTrue("\(e)".contains("proj.weight"), "\(e)")
        }
        let plain = dir.appendingPathComponent("plain.safetensors")
        try net.save(to: plain, metadata: [:])
        XCTAssertThrowsError(try STRFNet.load(from: plain)) { XCTAssertTrue("\($0)".contains("no SwiftSER model metadata")) }
    }
}
