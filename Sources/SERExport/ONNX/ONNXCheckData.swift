import Foundation
import SERFeatures
import SERModels
import SERTensor

/// Inputs and SwiftSER's own outputs for checking an exported model with ONNX Runtime
/// (`scripts/onnx_check.py`), written as `.npy` files next to the `.onnx` file:
///
/// - `<name>.input.npy`: a fixed test input of the model's input form, batch 2 (features: standard-normal
///   `[2, channels, frames, width]`, 23 frames for STRFNet, 23 more than the CNN block's minimum for a wav2vec
///   classifier; audio: two different 1.2 s synthetic voiced signals, `[2, 19200]` at 16 kHz);
/// - `<name>.expected.<output>.npy` for each output (`logits`, `posteriors` `[2, classes]`, `frame_posteriors`
///   `[2, frames', classes]`): what SwiftSER computes on that input. For audio the posteriors come from the
///   recogniser's predictors (``Predictor``, ``Wav2VecClassifierPredictor``), the path `ser-cli predict` takes
///   for a recording classified as one window (each item its own speaker).
///
/// `<name>` is the `.onnx` file name without its extension.
public enum ONNXCheckData {
    /// Frames of the features test input (odd, so stride-2 stages see an odd length).
    public static let featureFrames = 23
    /// Samples of each audio test item (1.2 s at 16 kHz).
    public static let audioSamples = 19_200

    /// Writes the test input and SwiftSER's outputs next to `onnxFile`; returns the files written.
    /// - Throws: ``ONNXExportError`` for a model ``ONNXExporter`` cannot export; feature or file errors.
    public static func write(for recognizer: EmotionRecognizer, input: ONNXInputForm, nextTo onnxFile: URL,
                             seed: UInt64 = 17) throws -> [URL] {
        let (x, outputs) = try compute(recognizer, input: input, seed: seed)
        let stem = onnxFile.deletingPathExtension().lastPathComponent
        let dir = onnxFile.deletingLastPathComponent()
        var files = [(x, dir.appendingPathComponent("\(stem).input.npy"))]
        for name in outputs.keys.sorted() {
            files.append((outputs[name]!, dir.appendingPathComponent("\(stem).expected.\(name).npy")))
        }
        for (tensor, url) in files { try Npy.write(tensor, to: url) }
        return files.map(\.1)
    }

    /// The test input and SwiftSER's outputs on it, by output name (`logits`, `posteriors`, and for a wav2vec
    /// classifier with segment classifiers `frame_posteriors`).
    public static func compute(_ recognizer: EmotionRecognizer, input: ONNXInputForm, seed: UInt64 = 17)
        throws -> (input: Tensor, outputs: [String: Tensor]) {
        let description = recognizer.modelDescription
        guard description.members.count == 1 else { throw ONNXExportError.multipleMembers(file: recognizer.source, count: description.members.count) }
        let member = description.members[0]
        let network = recognizer.networks[0]
        var rng = RandomGenerator(seed: seed)
        network.eval()
        func unsupported() -> ONNXExportError {
            .unsupported(file: recognizer.source, what: "check data for \(type(of: network))", why: "no reference is written for it")
        }
        return try withNoGrad { () throws -> (input: Tensor, outputs: [String: Tensor]) in
            switch input {
            case .features:
                let channels: Int, width: Int, frames: Int
                switch network {
                case let net as STRFNet:
                    (channels, width, frames) = (net.configuration.inputChannels.count, net.configuration.frequencyBins, featureFrames)
                case let net as Wav2VecClassifier:
                    (channels, width, frames) = (1, net.configuration.inputSize, net.configuration.minimumInputFrames + featureFrames)
                case let model as Wav2VecEmotionModel:
                    let c = model.classifier.configuration
                    (channels, width, frames) = (1, c.inputSize, c.minimumInputFrames + featureFrames)
                default:
                    throw unsupported()
                }
                let shape = [2, channels, frames, width]
                let x = Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(rng.nextNormal()) })
                return (x, try networkOutputs(network, features: x, mask: nil))
            case .audio:
                guard let logMel = member.input.logMel, member.input.frames == .logMel else { throw unsupported() }
                let items = (0..<2).map { voicedSignal(samples: audioSamples, sampleRate: Double(description.sampleRate), item: $0, rng: &rng) }
                let stack = try FeatureStack(channels: member.input.channels, logMel: logMel, normalization: member.input.normalization)
                let audio = Tensor(shape: [2, audioSamples], data: items.flatMap { $0 })
                var (features, mask) = try stack(audio: audio)
                let perRecording = member.input.speakerNormalization == .perRecording
                let speakers = ["item0", "item1"]
                if perRecording {
                    var accumulator = SpeakerNormalization.Accumulator(channels: member.input.channels.count, bands: logMel.bandCount)
                    accumulator.add(features, mask: mask, speakers: speakers)
                    features = try accumulator.statistics().apply(features, mask: mask, speakers: speakers)
                }
                var outputs = try networkOutputs(network, features: features, mask: mask)
                // The posteriors through the recogniser's own predictors: what `ser-cli predict` computes for a
                // recording classified as one window (each item its own speaker).
                let utterances = zip(items, speakers).map { Utterance(path: $1, label: 0, speaker: $1, samples: $0) }
                let rows: [[Double]]
                switch network {
                case let net as STRFNet:
                    rows = try Predictor(model: net, features: stack, speakerNormalization: perRecording).posteriors(utterances)
                case let net as Wav2VecClassifier:
                    rows = try Wav2VecClassifierPredictor(classifier: net, frames: .logMel(stack)).posteriors(utterances)
                default:
                    throw unsupported()
                }
                outputs["posteriors"] = Tensor(shape: [2, description.classes.count], data: rows.flatMap { $0.map { Float($0) } })
                return (audio, outputs)
            }
        }
    }

    /// The check data of an exported wav2vec 1.0 (``ONNXExporter/export(wav2vec:source:)``): the two audio test
    /// items, and SwiftSER's `z` and `c` on them; returns the files written.
    public static func write(wav2vec model: Wav2VecModel, nextTo onnxFile: URL, seed: UInt64 = 17) throws -> [URL] {
        var rng = RandomGenerator(seed: seed)
        let items = (0..<2).map { voicedSignal(samples: audioSamples, sampleRate: Double(Wav2VecModel.sampleRate), item: $0, rng: &rng) }
        let audio = Tensor(shape: [2, audioSamples], data: items.flatMap { $0 })
        model.eval()
        let (z, c) = try withNoGrad { try model.features(audio) }
        let stem = onnxFile.deletingPathExtension().lastPathComponent
        let dir = onnxFile.deletingLastPathComponent()
        let files = [(audio, "input"), (z, "expected.z"), (c, "expected.c")].map { ($0.0, dir.appendingPathComponent("\(stem).\($0.1).npy")) }
        for (tensor, url) in files { try Npy.write(tensor, to: url) }
        return files.map(\.1)
    }

    /// The network's outputs on model-ready features `[batch, channels, frames, width]`.
    private static func networkOutputs(_ network: Module, features x: Tensor, mask: Tensor?) throws -> [String: Tensor] {
        func classifier(_ net: Wav2VecClassifier) throws -> [String: Tensor] {
            let output = try net(x.reshaped([x.shape[0], x.shape[2], x.shape[3]]))
            var out = ["logits": output.logits, "posteriors": output.logits.softmax(axis: 1)]
            if let frames = Wav2VecClassifier.framePosteriors(output) { out["frame_posteriors"] = frames }
            return out
        }
        switch network {
        case let net as STRFNet:
            let logits = try net(x, mask: mask)
            return ["logits": logits, "posteriors": logits.softmax(axis: 1)]
        case let net as Wav2VecClassifier: return try classifier(net)
        case let model as Wav2VecEmotionModel: return try classifier(model.classifier)
        default:
            throw ONNXExportError.unsupported(file: "\(type(of: network))", what: "check data", why: "no reference is written for it")
        }
    }

    /// A voiced test signal: a harmonic series whose fundamental glides (item 0: 110 → 190 Hz, item 1: 230 → 150 Hz)
    /// under a syllable-like envelope, with a little noise; peak about 0.5.
    static func voicedSignal(samples: Int, sampleRate: Double, item: Int, rng: inout RandomGenerator) -> [Float] {
        let (f0Start, f0End) = item == 0 ? (110.0, 190.0) : (230.0, 150.0)
        var phase = 0.0
        return (0..<samples).map { n in
            let t = Double(n) / Double(samples)
            let f0 = f0Start + (f0End - f0Start) * t
            phase += 2 * Double.pi * f0 / sampleRate
            var v = 0.0
            for h in 1...8 { v += sin(Double(h) * phase) / Double(h) }
            let envelope = 0.5 - 0.5 * cos(2 * Double.pi * 3 * t)
            return Float(0.25 * envelope * v + 0.01 * rng.nextNormal())
        }
    }
}
