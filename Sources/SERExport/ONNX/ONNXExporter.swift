import Foundation
import SERFeatures
import SERModels
import SERTensor

/// What an exported ONNX model reads.
public enum ONNXInputForm: String, CaseIterable, Sendable {
    /// Model-ready features `features` `[batch, channels, frames, bands]`: the member's log-mel channels after
    /// all of its normalisations (what ``FeatureStack`` and, for a speaker-normalised model, ``SpeakerNormalization``
    /// give). Any model whose network is exportable.
    case features
    /// Raw mono audio `audio` `[batch, samples]` at the model's sample rate (16 kHz), in `[-1, 1]`, with the
    /// log-mel front end and the normalisations in the graph. Each batch item is one whole recording of the same
    /// length (no padding mask); a per-recording speaker normalisation takes its statistics over that item.
    case audio

    /// The graph input's name.
    public var inputName: String { rawValue }
}

/// An exported model: the serialised ONNX `ModelProto` and what it holds.
public struct ONNXExport: Sendable {
    /// The `.onnx` bytes.
    public let data: Data
    public let input: ONNXInputForm
    /// Graph output names: `logits` `[batch, classes]` and `posteriors` `[batch, classes]` (softmax).
    public let outputNames: [String]
    /// ONNX op types in the graph, sorted.
    public let opTypes: [String]
    /// `metadata_props` of the model, in order.
    public let metadata: [(key: String, value: String)]
}

/// Exports trained SwiftSER models to ONNX (opset 17), for ONNX Runtime and other ONNX engines.
///
/// ```swift
/// let recognizer = try EmotionRecognizer(contentsOf: URL(fileURLWithPath: "model.safetensors"))
/// let export = try ONNXExporter.export(recognizer, input: .audio)
/// try ONNXExporter.write(export, to: URL(fileURLWithPath: "model.onnx"))
/// ```
///
/// **Exportable.** Single-member model files whose member is an ``STRFNet`` (Table 1 rows spectrogram,
/// modulation and spectrogram+modulation for either input form; the pitch-pulse rows with
/// ``ONNXInputForm/features`` only, since Praat's pitch tracking and pulse search are not ONNX ops) or a
/// ``Wav2VecClassifier`` (on log-mel: either form; on wav2vec features: ``ONNXInputForm/features`` only, the
/// wav2vec features `[batch, 1, frames, 512]`); and wav2vec 1.0 itself (``export(wav2vec:source:)``, outputs
/// `z` and `c`).
///
/// **Outputs.** `logits` and `posteriors` `[batch, classes]`; a wav2vec classifier with segment classifiers also
/// `frame_posteriors` `[batch, outputFrames, classes]` (one per CNN output frame, the segment classifiers' softmax
/// averaged). The batch and time axes are dynamic. Class names,
/// input and output names, the input layout and the log-mel and normalisation settings are in `metadata_props`.
public enum ONNXExporter {
    /// Exports the single member of `recognizer`'s model.
    /// - Throws: ``ONNXExportError`` for a model that cannot be expressed in ONNX, naming what and why.
    public static func export(_ recognizer: EmotionRecognizer, input: ONNXInputForm) throws -> ONNXExport {
        try export(recognizer.modelDescription, networks: recognizer.networks, input: input, source: recognizer.source)
    }

    /// Exports the single member of a model described by `description` with its `networks`.
    public static func export(_ description: EmotionModelDescription, networks: [Module], input: ONNXInputForm,
                              source: String) throws -> ONNXExport {
        guard description.members.count == 1, networks.count == 1 else {
            throw ONNXExportError.multipleMembers(file: source, count: description.members.count)
        }
        let member = description.members[0]
        let prefix = EmotionModelDescription.tensorPrefix(member: 0)
        var graph = ONNXGraphBuilder()
        let (features, inputPort) = try frontEnd(&graph, member: member, input: input, source: source, prefix: prefix)
        let classes = description.classes.count
        let logits: String
        var outputs: [ONNXGraphBuilder.Port] = []
        switch networks[0] {
        case let net as STRFNet where member.knownKind == .strfnet:
            if let u = net.configuration.utteranceFunctionals {
                throw ONNXExportError.unsupported(file: source, what: "an early-fused STRFNet (\(u.count) '\(u.featureSet)' utterance functionals)",
                                                  why: "its eGeMAPS functionals have no ONNX graph; export a network without early fusion")
            }
            net.eval()
            logits = try graph.strfnet(features, net, prefix: prefix)
        case let net as Wav2VecClassifier where member.knownKind == .wav2vecClassifier:
            net.eval()
            let frames = graph.node("Squeeze", [features, graph.int64s([1], name: "\(prefix).channel_axis")])   // [B, T, F]
            let out = try graph.wav2vecClassifier(frames, net, prefix: prefix)
            logits = out.logits
            if let frame = out.framePosteriors {
                graph.node("Identity", [frame], output: "frame_posteriors")
                outputs.append(.init(name: "frame_posteriors", dimensions: [.dynamic("batch"), .dynamic("output_frames"), .fixed(classes)]))
            }
        case let model as Wav2VecEmotionModel where member.knownKind == .wav2vecClassifier:
            // Only reached with --input features (frontEnd refuses audio for wav2vec input).
            model.eval()
            let frames = graph.node("Squeeze", [features, graph.int64s([1], name: "\(prefix).channel_axis")])
            let out = try graph.wav2vecClassifier(frames, model.classifier, prefix: "\(prefix).classifier")
            logits = out.logits
            if let frame = out.framePosteriors {
                graph.node("Identity", [frame], output: "frame_posteriors")
                outputs.append(.init(name: "frame_posteriors", dimensions: [.dynamic("batch"), .dynamic("output_frames"), .fixed(classes)]))
            }
        default:
            throw ONNXExportError.unsupported(file: source, what: "a '\(member.kind)' member (\(type(of: networks[0])))",
                                              why: "this version exports STRFNet and wav2vec-classifier members")
        }
        graph.node("Identity", [logits], output: "logits")
        graph.node("Softmax", [logits], [ONNXAttribute.int("axis", 1)], output: "posteriors")
        outputs = [.init(name: "logits", dimensions: [.dynamic("batch"), .fixed(classes)]),
                   .init(name: "posteriors", dimensions: [.dynamic("batch"), .fixed(classes)])] + outputs
        let names = outputs.map(\.name)
        let metadata = try Self.metadata(description, member: member, input: input, outputs: names)
        let data = try graph.model(name: "swiftser_\(member.kind.replacingOccurrences(of: "-", with: "_"))", inputs: [inputPort],
                                   outputs: outputs, metadata: metadata,
                                   docString: "SwiftSER \(member.kind) exported from \(URL(fileURLWithPath: source).lastPathComponent)")
        return ONNXExport(data: data, input: input, outputNames: names, opTypes: graph.opTypes,
                          metadata: metadata.map { (key: $0.0, value: $0.1) })
    }

    /// The graph input and the model-ready features `[batch, channels, frames, bands]` computed from it.
    private static func frontEnd(_ graph: inout ONNXGraphBuilder, member: EmotionModelMember, input: ONNXInputForm,
                                 source: String, prefix: String) throws -> (features: String, port: ONNXGraphBuilder.Port) {
        let width: Int, channels: Int
        switch member.input.frames {
        case .logMel:
            guard let logMel = member.input.logMel else {
                throw ONNXExportError.unsupported(file: source, what: "a log-mel member without log-mel settings", why: "the model file is incomplete")
            }
            (width, channels) = (logMel.bandCount, member.input.channels.count)
        case .wav2vec:
            guard let w = member.wav2vec else {
                throw ONNXExportError.unsupported(file: source, what: "a wav2vec-feature member without its wav2vec model", why: "the model file is incomplete")
            }
            (width, channels) = (w.contextChannels, 1)
        case .functionals:
            throw ONNXExportError.unsupported(file: source, what: "a functionals classifier member",
                                              why: "its eGeMAPS functionals have no ONNX graph; this version exports STRFNet and wav2vec-classifier members")
        }
        switch input {
        case .features:
            return (input.inputName, .init(name: input.inputName, dimensions: [.dynamic("batch"), .fixed(channels), .dynamic("frames"), .fixed(width)]))
        case .audio:
            guard member.input.frames == .logMel, let logMel = member.input.logMel else {
                throw ONNXExportError.unsupported(file: source, what: "raw-audio input for a classifier on wav2vec features",
                    why: "wav2vec 1.0 itself is not exported yet; export with --input features and compute the wav2vec features with SwiftSER (ser-cli wav2vec features)")
            }
            guard member.input.channels == [.spectrogram] else {
                throw ONNXExportError.unsupported(file: source, what: "raw-audio input for channels \(member.input.channels.map(\.rawValue))",
                    why: "the pitch-pulse channel needs Praat's pitch tracking (a Viterbi path over candidates) and pulse search, which ONNX ops cannot express; export with --input features and compute the features with SwiftSER")
            }
            let port = ONNXGraphBuilder.Port(name: input.inputName, dimensions: [.dynamic("batch"), .dynamic("samples")])
            let frames = try graph.logMel(input.inputName, config: logMel, prefix: "\(prefix).log_mel")
            var x = graph.node("Unsqueeze", [frames, graph.int64s([1], name: "\(prefix).feature_channel_axis")])
            x = graph.featureNormalization(x, member.input.normalization, prefix: prefix)
            if member.input.speakerNormalization == .perRecording {
                x = graph.perRecordingSpeakerNormalization(x, prefix: prefix)
            }
            return (x, port)
        }
    }

    /// Exports wav2vec 1.0 itself (encoder and context network): input `audio` `[batch, samples]` (16 kHz mono),
    /// outputs `z` (encoder features) and `c` (context features), both `[batch, channels, frames]` at 100 frames/s.
    public static func export(wav2vec model: Wav2VecModel, source: String) throws -> ONNXExport {
        model.eval()
        var graph = ONNXGraphBuilder()
        let (z, c) = try graph.wav2vec("audio", model, prefix: "wav2vec")
        graph.node("Identity", [z], output: "z")
        graph.node("Identity", [c], output: "c")
        let config = model.config
        let outputs: [ONNXGraphBuilder.Port] = [
            .init(name: "z", dimensions: [.dynamic("batch"), .fixed(config.featureChannels), .dynamic("frames")]),
            .init(name: "c", dimensions: [.dynamic("batch"), .fixed(config.contextChannels), .dynamic("frames")]),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let metadata: [(String, String)] = [
            ("swiftser.kind", "wav2vec"),
            ("input_name", "audio"),
            ("input_form", ONNXInputForm.audio.rawValue),
            ("input_layout", "[batch, samples] mono float32 at \(Wav2VecModel.sampleRate) Hz in [-1, 1]"),
            ("output_names", "[\"z\",\"c\"]"),
            ("output_layout", "[batch, channels, frames]"),
            ("sample_rate", "\(Wav2VecModel.sampleRate)"),
            ("wav2vec_config", String(decoding: try encoder.encode(config), as: UTF8.self)),
        ]
        let data = try graph.model(name: "swiftser_wav2vec", inputs: [.init(name: "audio", dimensions: [.dynamic("batch"), .dynamic("samples")])],
                                   outputs: outputs, metadata: metadata,
                                   docString: "wav2vec 1.0 exported by SwiftSER from \(URL(fileURLWithPath: source).lastPathComponent)")
        return ONNXExport(data: data, input: .audio, outputNames: ["z", "c"], opTypes: graph.opTypes,
                          metadata: metadata.map { (key: $0.0, value: $0.1) })
    }

    /// Writes `export` to `url` atomically.
    public static func write(_ export: ONNXExport, to url: URL) throws {
        try AtomicFileWriter.write(export.data, to: url)
    }

    private static func metadata(_ d: EmotionModelDescription, member: EmotionModelMember, input: ONNXInputForm,
                                 outputs: [String]) throws -> [(String, String)] {
        func json<T: Encodable>(_ value: T) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        let speakerNote: String
        switch (member.input.speakerNormalization, input) {
        case (.none, _): speakerNote = "none"
        case (.perRecording, .audio):
            speakerNote = "per-recording: each batch item is standardised per band with statistics over its own frames (pass whole recordings)"
        case (.perRecording, .features):
            speakerNote = "per-recording: the input features must already be speaker-normalised (SwiftSER's SpeakerNormalization)"
        case (.perSpeaker, _):
            speakerNote = "per-speaker: functionals standardised with one speaker's statistics (not exported)"
        }
        let layout = input == .audio ? "[batch, samples] mono float32 at \(d.sampleRate) Hz in [-1, 1]"
                                     : "[batch, channels, frames, bands] float32, model-ready (after all normalisations)"
        return [
            ("swiftser.kind", member.kind),
            ("classes", try json(d.classes)),
            ("input_name", input.inputName),
            ("input_form", input.rawValue),
            ("input_layout", layout),
            ("output_names", try json(outputs)),
            ("channels", try json(member.input.channels.map(\.rawValue))),
            ("sample_rate", "\(d.sampleRate)"),
            ("log_mel", try json(member.input.logMel)),
            ("normalization", member.input.normalization.rawValue),
            ("speaker_normalization", speakerNote),
            ("silence_trimming", Self.silenceTrimmingNote(d) ?? "none"),
            ("provenance", try json(d.provenance)),
        ]
    }

    /// What a caller of the exported graph must do first when the model trims silence (its graph does not), or nil.
    public static func silenceTrimmingNote(_ d: EmotionModelDescription) -> String? {
        guard let t = d.silenceTrimming else { return nil }
        return "the model trims leading and trailing silence before its input and the graph does not: trim the audio first, "
            + "as librosa.effects.trim(y, top_db=\(t.topDB), frame_length=\(t.frameLength), hop_length=\(t.hopLength)) does at \(d.sampleRate) Hz"
    }
}
