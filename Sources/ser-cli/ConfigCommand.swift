import ArgumentParser
import Foundation
import SERTraining

/// `ser-cli config`: prints the training configuration that `train` / `cv` would use with the same
/// options (``TrainingRequest/configuration()``), as JSON for `--config`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print a training configuration as JSON (a starting point for train/cv --config).",
        discussion: """
        Takes the options of train and cv and prints the configuration they give, e.g.
          ser-cli config --preset demo --feature spectrogram
          ser-cli config --model wav2vec-classifier --input log-mel --preset demo
          ser-cli config --model wav2vec-classifier --wav2vec-model wav2vec_large.safetensors --fine-tuning context
        The wav2vec model file is not opened here; train and cv report a missing or unusable one.
        """
    )

    @OptionGroup var training: TrainingOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    func run() throws {
        let config = try training.request().configuration()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(config), as: UTF8.self) + "\n"
        if let output {
            try ReportFiles.write(json, to: URL(fileURLWithPath: output))
            FileHandle.standardError.write(Data("wrote \(output): \(describe(config))\n".utf8))
        } else {
            print(json, terminator: "")
        }
    }
}
