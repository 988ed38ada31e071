import ArgumentParser
import Foundation
import SERExport
import SERModels

/// `ser-cli export --model FILE --format onnx --output FILE [--input features|audio] [--check-data]`:
/// a trained model file as an ONNX model (``ONNXExporter``).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a trained model file to ONNX, to run it with ONNX Runtime (see Docs/Export.md).",
        discussion: """
        --input features: the graph reads model-ready features [batch, channels, frames, bands] (the log-mel \
        channels after the model's normalisations). --input audio: it reads raw 16 kHz mono audio [batch, samples] \
        and computes the log-mel front end and normalisations itself; each batch item is one whole recording. \
        Outputs: logits and posteriors [batch, classes] (and frame_posteriors [batch, frames, classes] for a wav2vec \
        classifier with segment classifiers); the class names are in the model's metadata. Exportable: single-member \
        STRFNet models (pitch-pulse channels with --input features only) and wav2vec classifiers (on wav2vec features \
        with --input features only); --wav2vec-model exports wav2vec 1.0 itself (z and c). --check-data also writes \
        a test input and SwiftSER's outputs on it next to the model (NAME.input.npy, NAME.expected.logits.npy, \
        NAME.expected.posteriors.npy) for scripts/onnx_check.py.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case onnx }

    @Option(name: .customLong("model"), help: ArgumentHelp("Model file (model.safetensors).", valueName: "file"))
    var modelFile: String?

    @Option(name: .customLong("wav2vec-model"),
            help: ArgumentHelp("Export wav2vec 1.0 itself instead (a file of `ser-cli wav2vec import` or `pretrain`): audio in, z and c out.", valueName: "file"))
    var wav2vecModel: String?

    @Option(name: .long, help: "Export format (onnx).")
    var format: Format = .onnx

    @Option(name: .long, help: ArgumentHelp("Where to write the exported model.", valueName: "file"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("What the exported model reads: features or audio.", valueName: "form"))
    var input: String = ONNXInputForm.features.rawValue

    @Flag(name: .long, help: "Also write a test input and SwiftSER's outputs on it as .npy next to the model.")
    var checkData = false

    func run() throws {
        guard let form = ONNXInputForm(rawValue: input) else {
            throw ValidationError("--input must be one of \(ONNXInputForm.allCases.map(\.rawValue).joined(separator: ", ")), got '\(input)'")
        }
        guard (modelFile == nil) != (wav2vecModel == nil) else {
            throw ValidationError("give either --model (an emotion model file) or --wav2vec-model (a wav2vec 1.0 model file)")
        }
        let url = URL(fileURLWithPath: output)
        if let wav2vecModel {
            let model = try Wav2VecModel.read(from: URL(fileURLWithPath: wav2vecModel))
            let export = try ONNXExporter.export(wav2vec: model, source: wav2vecModel)
            try write(export, to: url)
            if checkData { for file in try ONNXCheckData.write(wav2vec: model, nextTo: url) { print("wrote \(file.path)") } }
            return
        }
        let recognizer = try EmotionRecognizer(contentsOf: URL(fileURLWithPath: modelFile ?? ""))
        let export = try ONNXExporter.export(recognizer, input: form)
        try write(export, to: url)
        if let note = ONNXExporter.silenceTrimmingNote(recognizer.modelDescription) {
            FileHandle.standardError.write(Data("note: \(note) (also in the model's metadata, key silence_trimming)\n".utf8))
        }
        if checkData {
            for file in try ONNXCheckData.write(for: recognizer, input: form, nextTo: url) { print("wrote \(file.path)") }
        }
    }

    private func write(_ export: ONNXExport, to url: URL) throws {
        try ONNXExporter.write(export, to: url)
        print("wrote \(url.path) (\(export.data.count) bytes, input '\(export.input.inputName)', outputs \(export.outputNames.joined(separator: ", ")))")
        print("ops: \(export.opTypes.joined(separator: " "))")
    }
}
