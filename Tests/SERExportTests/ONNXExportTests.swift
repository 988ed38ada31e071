import Foundation
import XCTest
import SERFeatures
import SERModels
import SERTensor
import SERTestSupport
@testable import SERExport

/// ``ONNXExporter`` on small STRFNets of the exportable Table 1 rows: the graph decodes as an ONNX model with
/// dynamic batch and time axes, the classes and names in its metadata, inference-form layers only; models that
/// cannot be exported are refused naming why; the wav2vec classifier gets its per-frame posteriors as a third output. The numeric check against ONNX Runtime is `scripts/onnx_check.py`
/// (`make onnx-check`, part of `make test`): with `SWIFTSER_ONNX_CHECK_DIR` set, ``testExportEveryCheckModel``
/// leaves the model files, exported models and check data there.
final class ONNXExportTests: XCTestCase {
    static let classes = ["neutral", "happy", "sad", "angry"]

    /// The models the ONNX check covers: each exportable Table 1 row once, the normalisations, dropout and
    /// a unidirectional GRU; every batch norm with non-trivial running statistics.
    static let checkModels: [(name: String, row: Table1Feature, normalization: FeatureNormalization,
                              speaker: EmotionModelInput.SpeakerNormalizationPolicy, bidirectional: Bool)] = [
        ("spectrogram-level-speaker", .spectrogram, .level, .perRecording, true),
        ("modulation-utterance", .modulation, .utterance, .none, true),
        ("spectrogram+modulation-none", .spectrogramModulation, .none, .none, false),
        ("pitch-pulse+spectrogram-level", .pitchPulseSpectrogram, .level, .none, true),
    ]

    /// A small STRFNet of a Table 1 row with random batch-norm statistics, and its description.
    static func tinyModel(_ row: Table1Feature, normalization: FeatureNormalization = .level,
                          speaker: EmotionModelInput.SpeakerNormalizationPolicy = .none, bidirectional: Bool = true,
                          seed: UInt64 = 11) throws -> (EmotionModelDescription, STRFNet) {
        var c = row.configuration(classes: classes.count)
        if c.convChannels > 0 { c.convChannels = 3 }
        c.strfKernels = 2
        c.strfTimeSupport = 7
        c.strfFrequencySupport = 5
        c.residualChannels = [4, 5]
        c.embeddingSize = 8
        c.gruHidden = 5
        c.gruBidirectional = bidirectional
        c.attentionHidden = 6
        c.mlpHidden = [7]
        c.dropout = 0.3
        var rng = RandomGenerator(seed: seed)
        let net = try STRFNet(c, rng: &rng)
        var state = net.stateDict()
        for name in state.keys.sorted() {
            guard let t = state[name] else { continue }
            let n = t.count
            if name.hasPrefix("conv.") || name.hasPrefix("res.") || name.hasPrefix("proj.") || name.hasPrefix("gru.")
                || name.hasPrefix("attention.") || name.hasPrefix("mlp."), !name.contains("bn"), !name.contains("running"),
                !name.contains("shortcut.1") {
                // PyTorch's default initialisation shrinks the signal layer by layer until the logits hardly depend on
                // the input; larger weights keep the outputs sensitive to every stage, so the check sees each one.
                state[name] = t * 3
            } else if name.hasSuffix("running_mean") || (name.hasSuffix(".bias") && name.contains("bn")) {
                state[name] = Tensor(shape: t.shape, data: (0..<n).map { _ in Float(0.3 * rng.nextNormal()) })
            } else if name.hasSuffix("running_var") || (name.hasSuffix(".weight") && name.contains("bn")) {
                state[name] = Tensor(shape: t.shape, data: (0..<n).map { _ in Float(0.5 + 1.5 * rng.nextUniform()) })
            }
        }
        try net.loadStateDict(state)
        let channels = row.inputChannels.compactMap(FeatureChannel.init(rawValue:))
        let input = EmotionModelInput(frames: .logMel, channels: channels, logMel: .paper(sampleRate: 16000),
                                      normalization: normalization, speakerNormalization: speaker)
        let description = EmotionModelDescription(classes: classes, sampleRate: 16000,
                                                  members: [EmotionModelMember(kind: .strfnet, input: input, strfnet: c)],
                                                  provenance: ["note": "untrained, for the ONNX check"])
        return (description, net)
    }

    var directory: URL!
    override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory("onnx-export") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// Writes every check model as a model file, exports it in each input form it supports, and writes the check
    /// data; each export must decode with the expected ports and metadata.
    func testExportEveryCheckModel() throws {
        let out = ProcessInfo.processInfo.environment["SWIFTSER_ONNX_CHECK_DIR"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? directory!
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        var written = 0
        for m in Self.checkModels {
            let (description, net) = try Self.tinyModel(m.row, normalization: m.normalization, speaker: m.speaker, bidirectional: m.bidirectional)
            let file = out.appendingPathComponent("\(m.name).safetensors")
            try EmotionModelFile.write(description, members: [net], to: file)
            let recognizer = try EmotionRecognizer(contentsOf: file)
            let forms: [ONNXInputForm] = m.row.inputChannels.contains("pitchpulse") ? [.features] : [.features, .audio]
            for form in forms {
                let export = try ONNXExporter.export(recognizer, input: form)
                let onnx = out.appendingPathComponent("\(m.name).\(form.rawValue).onnx")
                try ONNXExporter.write(export, to: onnx)
                let files = try ONNXCheckData.write(for: recognizer, input: form, nextTo: onnx)
                XCTAssertEqual(files.count, 3)
                try assertWellFormed(export.data, form: form, description: description, name: "\(m.name) \(form)")
                XCTAssertFalse(export.opTypes.contains("Dropout"), "dropout is dropped in inference form")
                XCTAssertFalse(export.opTypes.contains("STFT"))
                print("ONNX export \(m.name) \(form.rawValue): \(export.data.count) bytes, ops \(export.opTypes.joined(separator: " "))")
                written += 1
            }
        }
        XCTAssertEqual(written, 7)
    }

    /// The decoded model: opset 17, one float input with dynamic batch (and time) axes, outputs `logits` and
    /// `posteriors` `[batch, classes]`, every node input defined, class names in the metadata.
    private func assertWellFormed(_ data: Data, form: ONNXInputForm, description: EmotionModelDescription, name: String) throws {
        let model = try Onnx_ModelProto(serializedBytes: data)
        XCTAssertEqual(model.opsetImport.map(\.version), [17], name)
        let graph = model.graph
        XCTAssertEqual(graph.input.map(\.name), [form.inputName], name)
        let dims = graph.input[0].type.tensorType.shape.dim
        switch form {
        case .features:
            XCTAssertEqual(dims.map(\.dimParam), ["batch", "", "frames", ""], name)
            XCTAssertEqual(dims[3].dimValue, Int64(description.members[0].input.logMel?.bandCount ?? 0), name)
        case .audio:
            XCTAssertEqual(dims.map(\.dimParam), ["batch", "samples"], name)
        }
        XCTAssertEqual(graph.output.map(\.name), ["logits", "posteriors"], name)
        XCTAssertEqual(graph.output[1].type.tensorType.shape.dim.map(\.dimValue), [0, Int64(Self.classes.count)], name)
        var defined = Set(graph.initializer.map(\.name) + graph.input.map(\.name))
        for node in graph.node {
            for input in node.input where !input.isEmpty {
                XCTAssertTrue(defined.contains(input), "\(name): node \(node.opType) reads '\(input)' before it is defined")
            }
            defined.formUnion(node.output)
        }
        let metadata = Dictionary(uniqueKeysWithValues: model.metadataProps.map { ($0.key, $0.value) })
        let classes = try JSONDecoder().decode([String].self, from: Data((metadata["classes"] ?? "").utf8))
        XCTAssertEqual(classes, Self.classes, name)
        XCTAssertEqual(metadata["input_name"], form.inputName, name)
        XCTAssertEqual(metadata["output_names"], "[\"logits\",\"posteriors\"]", name)
        XCTAssertEqual(metadata["swiftser.kind"], "strfnet", name)
    }

    func testRawAudioInputIsRefusedForPitchPulseChannels() throws {
        let (description, net) = try Self.tinyModel(.pitchPulse)
        let recognizer = try EmotionRecognizer(description: description, networks: [net], source: "pp.safetensors")
        XCTAssertThrowsError(try ONNXExporter.export(recognizer, input: .audio)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("pp.safetensors") && text.contains("pitch") && text.contains("--input features"), text)
        }
        XCTAssertNoThrow(try ONNXExporter.export(recognizer, input: .features))
    }

    /// An early-fused STRFNet reads eGeMAPS functionals, which have no ONNX graph: refused, naming what and why.
    func testEarlyFusedSTRFNetIsRefused() throws {
        var (description, _) = try Self.tinyModel(.spectrogram)
        description.members[0].strfnet?.utteranceFunctionals = UtteranceFunctionalsInput(featureSet: "egemaps-v02", count: 88)
        var rng = RandomGenerator(seed: 1)
        let net = try STRFNet(try XCTUnwrap(description.members[0].strfnet), rng: &rng)
        let recognizer = try EmotionRecognizer(description: description, networks: [net], source: "early.safetensors")
        for form in [ONNXInputForm.audio, .features] {
            XCTAssertThrowsError(try ONNXExporter.export(recognizer, input: form)) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("early.safetensors") && text.contains("early-fused") && text.contains("88"), text)
            }
        }
    }

    /// A small wav2vec classifier (2 segment classifiers) with weights large enough that its outputs follow the input.
    static func tinyWav2VecClassifier(frames: EmotionModelInput.Frames) throws -> (EmotionModelDescription, Module) {
        var c = Wav2VecClassifierConfiguration(segmentClassifiers: 2, classes: classes.count)
        c.cnnChannels = 6
        c.lstmLayers = 2
        c.lstmHidden = 4
        c.headHidden = 5
        var rng = RandomGenerator(seed: 5)
        let input: EmotionModelInput
        var wav2vec: Wav2VecConfig?
        let network: Module
        switch frames {
        case .logMel:
            c.inputSize = 30
            input = EmotionModelInput(frames: .logMel, channels: [.spectrogram], logMel: .paper(sampleRate: 16000), normalization: .utterance)
            network = try Wav2VecClassifier(c, rng: &rng)
        case .wav2vec:
            let w = Wav2VecConfig(featureExtractorLayers: [.init(8, 10, 5), .init(8, 4, 2)], aggregatorLayers: [.init(8, 2, 1)])
            c.inputSize = w.contextChannels
            wav2vec = w
            input = EmotionModelInput(frames: .wav2vec, normalization: .utterance)
            network = try Wav2VecEmotionModel(wav2vec: try Wav2VecModel(w, seed: 3), classifier: try Wav2VecClassifier(c, rng: &rng), strategy: .none)
        case .functionals:
            throw XCTSkip("a wav2vec classifier reads log-mel or wav2vec frames, not functionals")
        }
        var state = network.stateDict()
        for name in state.keys.sorted() where !name.hasPrefix("wav2vec.") {
            if let t = state[name] { state[name] = t * 2 }
        }
        try network.loadStateDict(state)
        let description = EmotionModelDescription(classes: classes, sampleRate: 16000,
                                                  members: [EmotionModelMember(kind: .wav2vecClassifier, input: input,
                                                                               wav2vecClassifier: c, wav2vec: wav2vec)],
                                                  provenance: ["note": "untrained, for the ONNX check"])
        return (description, network)
    }

    /// The wav2vec classifier's exports (on log-mel: both forms; on wav2vec features: features only, raw audio
    /// refused because wav2vec 1.0 is not exported) carry a third output, the per-frame posteriors.
    func testWav2VecClassifierExports() throws {
        let out = ProcessInfo.processInfo.environment["SWIFTSER_ONNX_CHECK_DIR"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? directory!
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for (name, frames) in [("w2v-classifier-logmel", EmotionModelInput.Frames.logMel), ("w2v-classifier-wav2vec", .wav2vec)] {
            let (description, network) = try Self.tinyWav2VecClassifier(frames: frames)
            let file = out.appendingPathComponent("\(name).safetensors")
            try EmotionModelFile.write(description, members: [network], to: file)
            let recognizer = try EmotionRecognizer(contentsOf: file)
            let forms: [ONNXInputForm] = frames == .logMel ? [.features, .audio] : [.features]
            for form in forms {
                let export = try ONNXExporter.export(recognizer, input: form)
                XCTAssertEqual(export.outputNames, ["logits", "posteriors", "frame_posteriors"])
                let onnx = out.appendingPathComponent("\(name).\(form.rawValue).onnx")
                try ONNXExporter.write(export, to: onnx)
                XCTAssertEqual(try ONNXCheckData.write(for: recognizer, input: form, nextTo: onnx).count, 4)
                print("ONNX export \(name) \(form.rawValue): \(export.data.count) bytes, ops \(export.opTypes.joined(separator: " "))")
            }
            if frames == .wav2vec {
                XCTAssertThrowsError(try ONNXExporter.export(recognizer, input: .audio)) { error in
                    XCTAssertTrue("\(error)".contains("wav2vec 1.0 itself is not exported"), "\(error)")
                }
            }
        }
    }

    /// wav2vec 1.0 itself (a small model with both residual kinds: a 1×1 projection where the width changes,
    /// identity elsewhere; replicate and zero causal padding) exports with outputs `z` and `c`.
    func testWav2VecExport() throws {
        let out = ProcessInfo.processInfo.environment["SWIFTSER_ONNX_CHECK_DIR"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? directory!
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for (name, zeroPadding) in [("wav2vec-replicate", false), ("wav2vec-zeros", true)] {
            var config = Wav2VecConfig(featureExtractorLayers: [.init(8, 10, 5), .init(8, 8, 4), .init(8, 4, 2), .init(8, 1, 1)],
                                       aggregatorLayers: [.init(6, 2, 1), .init(6, 3, 1), .init(6, 4, 1)])
            config.aggregatorZeroPadding = zeroPadding
            let model = try Wav2VecModel(config, seed: 9)
            let export = try ONNXExporter.export(wav2vec: model, source: "\(name).safetensors")
            XCTAssertEqual(export.outputNames, ["z", "c"])
            let onnx = out.appendingPathComponent("\(name).audio.onnx")
            try ONNXExporter.write(export, to: onnx)
            XCTAssertEqual(try ONNXCheckData.write(wav2vec: model, nextTo: onnx).count, 3)
            print("ONNX export \(name): \(export.data.count) bytes, ops \(export.opTypes.joined(separator: " "))")
        }
    }
}
