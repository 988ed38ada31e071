import XCTest
import SERTestSupport
@testable import SERModels

/// wav2vec 1.0 architecture: receptive fields and frame counts (the reference's figures), parameter names and
/// counts of the large model, the configuration (fairseq layer strings, validation, JSON), and saving/loading.
final class Wav2VecArchitectureTests: XCTestCase {
    func testLargeReceptiveFieldsAndFrameCounts() {
        let large = Wav2VecConfig.large
        XCTAssertEqual(large.encoderReceptiveField, 465)
        XCTAssertEqual(large.encoderHop, 160)
        XCTAssertEqual(large.contextReceptiveFieldFrames, 79)
        XCTAssertEqual(large.contextReceptiveField, 12_945)
        XCTAssertEqual(large.predictionOffset, 3)
        // The reference's examples: N = 10000 → 60, 16000 → 98, 150000 → 935; 3 s → 298.
        XCTAssertEqual(large.frameCount(samples: 10_000), 60)
        XCTAssertEqual(large.frameCount(samples: 16_000), 98)
        XCTAssertEqual(large.frameCount(samples: 150_000), 935)
        XCTAssertEqual(large.frameCount(samples: 48_000), 298)
        XCTAssertEqual(large.frameCount(samples: 465), 1)
        XCTAssertEqual(large.frameCount(samples: 464), 0)
        XCTAssertEqual(large.frameCount(samples: 0), 0)
        // Base (9 × k = 3): 19 frames, 3,345 samples (≈ 210 ms).
        XCTAssertEqual(Wav2VecConfig.base.contextReceptiveFieldFrames, 19)
        XCTAssertEqual(Wav2VecConfig.base.contextReceptiveField, 3_345)
        XCTAssertEqual(Wav2VecConfig.base.encoderReceptiveField, 465)
    }

    /// The layer-by-layer count equals the closed form ⌊(N − R)/H⌋ + 1 for every N, for several architectures.
    func testFrameCountClosedForm() throws {
        let small = try PythonLayerList.layers("[(8, 10, 5), (8, 8, 4), (8, 3, 3), (8, 1, 1)]")
        for layers in [Wav2VecConfig.large.featureExtractorLayers, Wav2VecConfig.base.featureExtractorLayers, small] {
            let config = Wav2VecConfig(featureExtractorLayers: layers, aggregatorLayers: [])
            let r = config.encoderReceptiveField, h = config.encoderHop
            for n in 0..<(r + 20 * h) {
                XCTAssertEqual(config.frameCount(samples: n), n < r ? 0 : (n - r) / h + 1, "N = \(n), layers \(layers)")
            }
        }
    }

    /// Frame counts of the actual outputs (encoder, and an aggregator with a stride-2 layer); too-short input.
    func testOutputLengthsAndEncoderReceptiveField() throws {
        var config = Wav2VecConfig.large
        config.featureExtractorLayers = config.featureExtractorLayers.map { .init(8, $0.kernelSize, $0.stride) }
        config.aggregatorLayers = [.init(8, 2, 1), .init(8, 3, 1), .init(6, 4, 2)]
        config.aggregatorSkipConnections = false  // stride 2 needs it off
        let model = try Wav2VecModel(config, seed: 3)
        model.eval()
        var rng = RandomGenerator(seed: 9)
        for n in [465, 466, 624, 625, 1000, 2001] {
            let x = Tensor.uniform([2, n], low: -1, high: 1, using: &rng)
            let (z, c) = try withNoGrad { try model.features(x) }
            let t = config.frameCount(samples: n)
            XCTAssertEqual(z.shape, [2, 8, t])
            XCTAssertEqual(c.shape, [2, 6, config.contextFrameCount(frames: t)])
            XCTAssertEqual(config.contextFrameCount(frames: t), (t - 1) / 2 + 1)
        }
        XCTAssertThrowsError(try model.features(Tensor.zeros([1, 464]))) { error in
            XCTAssertEqual(error as? Wav2VecError, .inputTooShort(samples: 464, minimum: 465))
        }
    }

    func testLargeParameterNamesAndCount() throws {
        let model = try Wav2VecModel(.large, seed: 1)
        let names = Set(model.stateDict().keys)
        XCTAssertEqual(model.parameterCount, 29_390_848, "the reference's count without the prediction head")
        XCTAssertEqual(names.count, 7 * 3 + 12 * 4)
        for i in 0..<7 {
            XCTAssertTrue(names.isSuperset(of: ["feature_extractor.conv_layers.\(i).0.weight", "feature_extractor.conv_layers.\(i).2.weight",
                                                "feature_extractor.conv_layers.\(i).2.bias"]), "encoder layer \(i)")
        }
        for i in 0..<12 {
            XCTAssertTrue(names.isSuperset(of: ["feature_aggregator.conv_layers.\(i).1.weight", "feature_aggregator.conv_layers.\(i).1.bias",
                                                "feature_aggregator.conv_layers.\(i).3.weight", "feature_aggregator.conv_layers.\(i).3.bias"]))
            XCTAssertEqual(model.stateDict()["feature_aggregator.conv_layers.\(i).1.weight"]?.shape, [512, 512, i + 2])
        }
        XCTAssertEqual(model.stateDict()["feature_extractor.conv_layers.0.0.weight"]?.shape, [512, 1, 10])
        XCTAssertEqual(model.stateDict()["feature_extractor.conv_layers.1.0.weight"]?.shape, [512, 512, 8])
        XCTAssertEqual(model.stateDict()["feature_extractor.conv_layers.6.0.weight"]?.shape, [512, 512, 1])
    }

    func testGeneralFormNames() throws {
        var config = Wav2VecConfig(featureExtractorLayers: [.init(4, 10, 5), .init(4, 4, 2)],
                                   aggregatorLayers: [.init(6, 2, 1), .init(6, 3, 1)])
        config.groupNormAffine = false
        config.aggregatorConvBias = false
        let names = Set(try Wav2VecModel(config, seed: 0).stateDict().keys)
        XCTAssertEqual(names, ["feature_extractor.conv_layers.0.0.weight", "feature_extractor.conv_layers.1.0.weight",
                               "feature_aggregator.conv_layers.0.1.weight", "feature_aggregator.conv_layers.1.1.weight",
                               "feature_aggregator.residual_proj.0.weight"])
    }

    // MARK: Configuration

    func testFairseqLayerStrings() throws {
        let large = Wav2VecConfig.large
        XCTAssertEqual(try PythonLayerList.layers("[(512, 10, 5), (512, 8, 4), (512, 4, 2), (512, 4, 2), (512, 4, 2), (512, 1, 1), (512, 1, 1)]"),
                       large.featureExtractorLayers)
        XCTAssertEqual(try PythonLayerList.layers("[(512, 10, 5)] + [(512, 8, 4)] + [(512, 4, 2)] * 3"),
                       Wav2VecConfig.base.featureExtractorLayers)
        XCTAssertEqual(try PythonLayerList.layers("[(512, 3, 1)] * 9"), Wav2VecConfig.base.aggregatorLayers)
        XCTAssertEqual(try PythonLayerList.layers("2 * [(1, 2, 3,)] + ([(4, 5, (6))])"), [.init(1, 2, 3), .init(1, 2, 3), .init(4, 5, 6)])
        XCTAssertEqual(try PythonLayerList.layers("[]"), [])
        for bad in ["", "[(512, 3, 1)] * 9 +", "[(512, k, 1) for k in range(2, 14)]", "__import__('os')", "[(1, 2)]",
                    "[(1, 2, 3)] * 1000000000000", "[" + String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100) + "]",
                    "[(1, 2, 3.5)]", "[(1, 2, 3)] - [(1, 2, 3)]", "(1, 2, 3)"] {
            XCTAssertThrowsError(try PythonLayerList.layers(bad), bad) { XCTAssertTrue($0 is PythonLayerList.SyntaxError, bad) }
        }
    }

    func testConfigValidationAndJSON() throws {
        XCTAssertNoThrow(try Wav2VecConfig.large.validate())
        var bad = Wav2VecConfig.large
        bad.aggregatorLayers[3].stride = 2
        XCTAssertThrowsError(try bad.validate()) { XCTAssertTrue("\($0)".contains("stride")) }
        bad = .large
        bad.featureExtractorLayers = []
        XCTAssertThrowsError(try Wav2VecModel(bad, seed: 0))
        bad = .large
        bad.dropout = 1
        XCTAssertThrowsError(try bad.validate())
        bad = .large
        bad.featureExtractorLayers[0].kernelSize = 0
        XCTAssertThrowsError(try bad.validate())

        var config = Wav2VecConfig.base
        config.residualScale = 0.3
        config.aggregatorZeroPadding = true
        let data = try JSONEncoder().encode(config)
        XCTAssertEqual(try JSONDecoder().decode(Wav2VecConfig.self, from: data), config)
        let json = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(json.contains("\"formatVersion\":1"), json)
    }

    // MARK: Saving and loading

    func testWriteAndReadRoundTrip() throws {
        let dir = try Fixtures.temporaryDirectory("wav2vec")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (model, _) = try Wav2VecModel.importFairseq(from: Fixtures.url("wav2vec/general_zip_fp32.pt"))
        let url = dir.appendingPathComponent("model.safetensors")
        try model.write(to: url)
        let loaded = try Wav2VecModel.read(from: url)
        XCTAssertEqual(loaded.config, model.config)
        XCTAssertFalse(loaded.isTraining)
        for (k, t) in model.stateDict() { XCTAssertEqual(loaded.stateDict()[k]?.scalars, t.scalars, k) }
        let x = Tensor.uniform([1, 2000], low: -0.5, high: 0.5, using: &rngForTests)
        let a = try withNoGrad { try model.features(x).c }, b = try withNoGrad { try loaded.features(x).c }
        XCTAssertEqual(a.scalars, b.scalars)

        // A plain safetensors file without the configuration, a newer format version, mismatched weights.
        let plain = dir.appendingPathComponent("plain.safetensors")
        try model.save(to: plain)
        XCTAssertThrowsError(try Wav2VecModel.read(from: plain)) { error in
            guard case .invalidModelFile(let f, let r)? = error as? Wav2VecError else { return XCTFail("\(error)") }
            XCTAssertEqual(f, plain.path)
            XCTAssertTrue(r.contains(Wav2VecModel.configMetadataKey), r)
        }
        let future = dir.appendingPathComponent("future.safetensors")
        try model.save(to: future, metadata: [Wav2VecModel.configMetadataKey: model.configJSON.replacingOccurrences(of: "\"formatVersion\":1", with: "\"formatVersion\":7")])
        XCTAssertThrowsError(try Wav2VecModel.read(from: future)) { XCTAssertTrue("\($0)".contains("format version 7"), "\($0)") }
        let garbage = dir.appendingPathComponent("garbage.safetensors")
        try model.save(to: garbage, metadata: [Wav2VecModel.configMetadataKey: "{\"formatVersion\": 1}"])
        XCTAssertThrowsError(try Wav2VecModel.read(from: garbage)) { XCTAssertTrue($0 is Wav2VecError, "\($0)") }
        var otherConfig = model.config
        otherConfig.aggregatorLayers[1].kernelSize += 1
        otherConfig.aggregatorLayers.append(.init(12, 2, 1))
        otherConfig.featureExtractorLayers.removeLast()
        XCTAssertThrowsError(try Wav2VecModel.read(from: Fixtures.url("wav2vec/small_zip_fp16.pt"))) { error in
            XCTAssertTrue("\(error)".contains("wav2vec import"), "\(error)")
        }
        let other = try Wav2VecModel(otherConfig, seed: 0)
        let mismatched = dir.appendingPathComponent("mismatched.safetensors")
        try other.save(to: mismatched, metadata: [Wav2VecModel.configMetadataKey: model.configJSON])
        XCTAssertThrowsError(try Wav2VecModel.read(from: mismatched)) { error in
            guard let e = error as? StateDictError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.file, mismatched.path)
            XCTAssertFalse(e.misShaped.isEmpty || e.missing.isEmpty || e.unexpected.isEmpty, e.description)
        }
    }
}

private var rngForTests = RandomGenerator(seed: 77)
