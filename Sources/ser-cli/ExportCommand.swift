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
        Outputs: logits and posteriors [batch, classes]; the class names are in the model's metadata. Exportable: \
        single-member STRFNet models (pitch-pulse channels with --input features only). --check-data also writes \
        a test input and SwiftSER's outputs on it next to the model (NAME.input.npy, NAME.expected.logits.npy, \
        NAME.expected.posteriors.npy) for scripts/onnx_check.py.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case onnx }

    @Option(name: .customLong("model"), help: ArgumentHelp("Model file (model.safetensors).", valueName: "file"))
    var modelFile: String

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
        let recognizer = try EmotionRecognizer(contentsOf: URL(fileURLWithPath: modelFile))
        let export = try ONNXExporter.export(recognizer, input: form)
        let url = URL(fileURLWithPath: output)
        try ONNXExporter.write(export, to: url)
        print("wrote \(url.path) (\(export.data.count) bytes, input '\(form.inputName)', outputs \(export.outputNames.joined(separator: ", ")))")
        print("ops: \(export.opTypes.joined(separator: " "))")
        if checkData {
            for file in try ONNXCheckData.write(for: recognizer, input: form, nextTo: url) { print("wrote \(file.path)") }
        }
    }
}
