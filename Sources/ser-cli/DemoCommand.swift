import ArgumentParser
import Foundation
import SERTraining

/// `ser-cli demo`: the main job end to end on the built-in demo corpus: generate it, run
/// leave-one-speaker-out cross-validation with the spectrogram baseline, print the UA/WA table, then
/// train the same configuration on the whole corpus and write its model file (`model.safetensors`).
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate the demo corpus and cross-validate the spectrogram baseline on it (leave one speaker out).",
        discussion: """
        Everything is written under --output (also spelt --output-directory): the corpus (corpus/manifest.csv and WAVs), one folder per \
        fold with its checkpoint, model file and result.json, and summary.json / summary.md. Finally the same \
        configuration is trained on the whole corpus (folder final/) and its model file is written to \
        model.safetensors, ready for `ser-cli predict --model`. Running the command again resumes: finished folds are \
        skipped and an interrupted fold continues from its last epoch.
        """
    )

    @Option(name: [.customLong("output"), .customLong("output-directory")], help: "Folder for the corpus, the runs and the results.")
    var outputDirectory = "demo-output"

    @Option(name: .long, parsing: .unconditional, help: "Speakers in the demo corpus (each one is a test fold).")
    var speakers = 8

    @Option(name: .long, parsing: .unconditional, help: "Utterances per speaker and emotion.")
    var utterances = 12

    @Option(name: .long, parsing: .unconditional, help: "Maximum training epochs per fold.")
    var epochs: Int?

    @Option(name: .long, help: "Seed of the corpus and of training.")
    var seed: UInt64 = 1

    @Flag(name: .shortAndLong, help: "No progress or status lines on standard error (results and errors only).")
    var quiet = false

    @Flag(name: .long, help: "Only generate the corpus (e.g. as unlabelled audio for `ser-cli wav2vec pretrain`), then stop.")
    var corpusOnly = false

    func validate() throws {
        guard (3...99).contains(speakers) else { throw ValidationError("--speakers must be in 3...99") }
        guard (2...1000).contains(utterances) else { throw ValidationError("--utterances must be in 2...1000") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be >= 1") }
    }

    func run() throws {
        let started = Date()
        let root = URL(fileURLWithPath: outputDirectory, isDirectory: true)
        let corpusDir = root.appendingPathComponent("corpus")
        let manifestURL = corpusDir.appendingPathComponent("manifest.csv")
        let printer = TrainingProgressPrinter(quiet: quiet)
        if FileManager.default.fileExists(atPath: manifestURL.path) {
            printer.line("demo corpus: \(manifestURL.path) (exists)")
        } else {
            let summary = try DemoCorpus.generateWithSummary(to: corpusDir, speakers: speakers,
                                                             utterancesPerSpeakerPerClass: utterances, seed: seed)
            printer.line("demo corpus: \(summary.utterances.count) utterances from \(speakers) speakers written to \(corpusDir.path)")
        }
        if corpusOnly { return }
        let manifest = try Manifest.read(from: manifestURL)
        var config = TrainingConfiguration.demo()
        config.seed = seed
        if let epochs { config.maxEpochs = epochs }
        config.applyPreferredGEMMThreading()
        var runner = CrossValidationRunner(configuration: config, manifest: manifest, protocolKind: .leaveOneSpeakerOut,
                                           outputDirectory: root.appendingPathComponent("cv"))
        runner.progress = { label, event in
            if let event { printer.handle(event, label: label) } else { printer.line(label) }
        }
        printer.line("cross-validation: leave one speaker out, spectrogram baseline (demo size), results in \(root.appendingPathComponent("cv").path)")
        guard let summary = try runner.run() else {
            throw ValidationError("some folds have no result; run the command again to finish them")
        }
        print(summary.markdown)
        // One model on the whole corpus, to try on your own recordings.
        let modelURL = root.appendingPathComponent("model.safetensors")
        printer.line("final model: the same configuration trained on all \(speakers) speakers, in \(root.appendingPathComponent("final").path)")
        var final = WholeCorpusTraining(configuration: config, manifest: manifest, runDirectory: root.appendingPathComponent("final"))
        final.progress = { printer.handle($0, label: "final") }
        try final.run(exportingTo: modelURL)
        printer.line("wrote \(modelURL.path); classify your own recordings with:")
        printer.line("  ser-cli predict --model \(modelURL.path) your-recording.wav")
        printer.line(String(format: "demo finished in %.1f s", Date().timeIntervalSince(started)))
    }
}
