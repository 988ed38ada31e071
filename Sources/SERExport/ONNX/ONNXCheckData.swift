import Foundation
import SERFeatures
import SERModels
import SERTensor

/// Inputs and SwiftSER's own outputs for checking an exported model with ONNX Runtime
/// (`scripts/onnx_check.py`), written as `.npy` files next to the `.onnx` file:
///
/// - `<name>.input.npy`: a fixed test input of the model's input form, batch 2 (features: standard-normal
///   `[2, channels, 23, bands]`; audio: two different 1.2 s synthetic voiced signals, `[2, 19200]` at 16 kHz);
/// - `<name>.expected.logits.npy` and `<name>.expected.posteriors.npy` `[2, classes]`: what SwiftSER computes
///   on that input. For audio the posteriors come from ``Predictor``, the path `ser-cli predict` takes for a
///   recording classified as one window (each item its own speaker), and the logits from the same steps.
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
        let (x, logits, posteriors) = try compute(recognizer, input: input, seed: seed)
        let stem = onnxFile.deletingPathExtension().lastPathComponent
        let dir = onnxFile.deletingLastPathComponent()
        let files = [(x, "input"), (logits, "expected.logits"), (posteriors, "expected.posteriors")].map { tensor, suffix in
            (tensor, dir.appendingPathComponent("\(stem).\(suffix).npy"))
        }
        for (tensor, url) in files { try Npy.write(tensor, to: url) }
        return files.map(\.1)
    }

    /// The test input and SwiftSER's logits and posteriors `[2, classes]` on it.
    public static func compute(_ recognizer: EmotionRecognizer, input: ONNXInputForm, seed: UInt64 = 17)
        throws -> (input: Tensor, logits: Tensor, posteriors: Tensor) {
        let description = recognizer.modelDescription
        guard description.members.count == 1, let net = recognizer.networks.first as? STRFNet,
              let logMel = description.members[0].input.logMel else {
            throw ONNXExportError.unsupported(file: recognizer.source, what: "check data for this model",
                                              why: "check data is written for single-member STRFNet models")
        }
        let member = description.members[0]
        var rng = RandomGenerator(seed: seed)
        net.eval()
        return try withNoGrad {
            switch input {
            case .features:
                let shape = [2, member.input.channels.count, featureFrames, logMel.bandCount]
                let x = Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(rng.nextNormal()) })
                let logits = try net(x)
                return (x, logits, logits.softmax(axis: 1))
            case .audio:
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
                let logits = try net(features, mask: mask)
                let predictor = Predictor(model: net, features: stack, speakerNormalization: perRecording)
                let rows = try predictor.posteriors(zip(items, speakers).map { samples, speaker in
                    Utterance(path: speaker, label: 0, speaker: speaker, samples: samples)
                })
                let posteriors = Tensor(shape: [2, description.classes.count], data: rows.flatMap { $0.map { Float($0) } })
                return (audio, logits, posteriors)
            }
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
