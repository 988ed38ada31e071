import ArgumentParser
import Foundation
import SERAudio
import SERModels

/// `ser-cli wav2vec import|features`: fairseq wav2vec 1.0 checkpoints to SwiftSER models, and features from audio.
/// The work is done by ``Wav2VecModel/importFairseq(from:policy:)``, ``Wav2VecModel/write(to:)``,
/// ``Wav2VecModel/read(from:)`` and ``Wav2VecModel/features(of:encoderOutput:)``; this file parses and prints.
struct Wav2VecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wav2vec",
        abstract: "Import fairseq wav2vec 1.0 checkpoints, pretrain wav2vec models and extract wav2vec features.",
        subcommands: [Import.self, Features.self, Wav2VecPretrainCommand.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Convert a fairseq wav2vec 1.0 checkpoint (.pt) to a SwiftSER model (.safetensors).",
            discussion: """
                Reads the .pt file directly (legacy and zip torch.save formats; float32, float16 or bfloat16 weights) \
                without Python; nothing in the file is executed. The architecture comes from the checkpoint's stored \
                fairseq arguments. The output holds the encoder and aggregator weights under fairseq's names and the \
                architecture as JSON in its metadata; it is written atomically. The prediction head is dropped.
                """
        )

        @Argument(help: "fairseq checkpoint, e.g. wav2vec_large.pt.")
        var checkpoint: String

        @Option(name: .shortAndLong, help: "Output model file (.safetensors).")
        var output: String

        @Flag(name: .long, help: "Reject the file if any part of it names a Python class outside the allow-list (by default such objects outside 'model', 'args' and 'cfg' are skipped unread).")
        var strict = false

        func run() throws {
            let url = URL(fileURLWithPath: checkpoint)
            let (model, report) = try Wav2VecModel.importFairseq(from: url, policy: strict ? .strict : .inert)
            let out = URL(fileURLWithPath: output)
            try model.write(to: out)
            let c = model.config
            print("imported \(url.path) (\(report.format.rawValue) torch.save format, \(report.storageTypes.joined(separator: ", ")))")
            print("  architecture from: \(report.architectureSource)")
            print("  encoder: \(c.featureExtractorLayers.map(\.description).joined(separator: ", "))")
            print("  aggregator: \(c.aggregatorLayers.map(\.description).joined(separator: ", "))")
            print("  receptive field \(c.encoderReceptiveField) samples per frame, hop \(c.encoderHop); "
                  + "context \(c.contextReceptiveField) samples")
            print("  \(report.loadedTensors) tensors, \(model.parameterCount) parameters; "
                  + "ignored \(report.ignoredKeys.count) (prediction head)")
            print("wrote \(out.path)")
        }
    }

    struct Features: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "features",
            abstract: "Write wav2vec context features c of an audio file as a .npy array [frames, channels].",
            discussion: """
                The audio is mixed to mono and resampled to 16 kHz when needed; frames are 10 ms apart \
                (frames = floor((samples - receptive field) / hop) + 1). --encoder writes z instead of c.
                """
        )

        @Option(name: .long, help: "Model file written by `ser-cli wav2vec import` or `ser-cli wav2vec pretrain`.")
        var model: String

        @Option(name: .shortAndLong, help: "Audio file (WAV, FLAC, ...).")
        var input: String

        @Option(name: .shortAndLong, help: "Output .npy file (float32, [frames, channels]; written atomically).")
        var output: String

        @Flag(name: .long, help: "Write the encoder output z instead of the context c.")
        var encoder = false

        func run() throws {
            let m = try Wav2VecModel.read(from: URL(fileURLWithPath: model))
            let (info, audio) = try AudioFile.read(URL(fileURLWithPath: input))
            let t0 = Date()
            let features = try m.features(of: audio, encoderOutput: encoder)
            try Npy.write(features, to: URL(fileURLWithPath: output))
            let resampled = audio.sampleRate == Wav2VecModel.sampleRate ? "" : " (resampled from \(info.sampleRate) Hz)"
            print(String(format: "%@: %.3f s%@ -> %@ %@ in %.2f s", input, audio.duration, resampled,
                         encoder ? "z" : "c", "\(features.shape)", Date().timeIntervalSince(t0)))
            print("wrote \(output)")
        }
    }
}
