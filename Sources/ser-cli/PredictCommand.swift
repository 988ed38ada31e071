import ArgumentParser
import Foundation
import SERTraining

/// `ser-cli predict`: class posteriors of audio files with a model file or a trained run, through the
/// model's ``EmotionRecognizer`` (``FilePredictor``).
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Class posteriors of audio files with a trained model, with a timeline over overlapping windows.",
        discussion: """
        The model is a model file (--model, e.g. model.safetensors from a run folder or demo-output/model.safetensors) \
        or a run folder (--run; its model.safetensors, or config.json and best.safetensors for folders trained before \
        model files existed). Each file is resampled to 16 kHz mono and cut into --window second windows every --hop seconds (a file no \
        longer than one window is one window; the last window is aligned to the end of the file so every sample is \
        covered). Each window is classified whole; the file's posteriors are the mean of the window posteriors. The \
        window posteriors are the file's emotion timeline (--timeline, --timeline-svg, and in --json). Runs of the \
        wav2vec classifier with segment classifiers also give per-frame posteriors of the whole file (frameTimeline \
        in --json; --timeline-svg draws them instead of the windows). A file that \
        cannot be read is reported and the others are still processed; the exit code is then 1.
        """
    )

    @Option(name: .customLong("run"), help: ArgumentHelp("Run folder (model.safetensors, or config.json and best.safetensors).", valueName: "dir"))
    var runDirectory: String?

    @Option(name: .customLong("model"), help: ArgumentHelp("Model file (model.safetensors written by train, cv or demo).", valueName: "file"))
    var modelFile: String?

    @Argument(help: ArgumentHelp("Audio files.", valueName: "file"))
    var files: [String]

    @Flag(name: .long, help: "Print JSON: classes, settings, and per file the posteriors and the timeline.")
    var json = false

    @Option(name: .long, help: "Window length in seconds.")
    var window = 3.0

    @Option(name: .long, help: "Hop between window starts in seconds.")
    var hop = 1.0

    @Flag(name: .long, help: "Also print the posteriors of every window (text output).")
    var timeline = false

    @Option(name: .long, help: ArgumentHelp("Write an emotion-timeline SVG per file into this folder.", valueName: "dir"))
    var timelineSvg: String?

    func validate() throws {
        guard (runDirectory == nil) != (modelFile == nil) else {
            throw ValidationError("give the model with either --model FILE or --run DIR")
        }
    }

    func run() throws {
        let windows = try AnalysisWindows(windowSeconds: window, hopSeconds: hop)
        let predictor: FilePredictor
        if let modelFile {
            predictor = FilePredictor(recognizer: try EmotionRecognizer(contentsOf: URL(fileURLWithPath: modelFile)), windows: windows)
        } else {
            predictor = FilePredictor(run: try TrainedRun.load(from: URL(fileURLWithPath: runDirectory ?? ".", isDirectory: true)), windows: windows)
        }
        // A file counter on a terminal for long lists; errors are listed in the output.
        let counter = files.count > 3 && isatty(fileno(stderr)) != 0
        let report = predictor.predict(files.map { URL(fileURLWithPath: $0) }) { i, _ in
            if counter { FileHandle.standardError.write(Data("\r\(i + 1)/\(files.count) files".utf8)) }
        }
        if counter { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if json {
            print(String(decoding: try ReportFiles.json(report), as: UTF8.self), terminator: "")
        } else {
            print(report.text(timelines: timeline), terminator: "")
        }
        if let timelineSvg {
            let dir = URL(fileURLWithPath: timelineSvg, isDirectory: true)
            for (url, name) in zip(report.files, TimelineFileNames.names(for: report.files.map(\.file))) {
                guard let t = url.frameTimeline ?? url.timeline else { continue }
                try ReportFiles.write(EmotionTimelinePlot.svg(t, title: "Emotion timeline: \((url.file as NSString).lastPathComponent)"),
                                      to: dir.appendingPathComponent(name))
            }
            FileHandle.standardError.write(Data("wrote timelines to \(dir.path)\n".utf8))
        }
        let failed = report.files.filter { $0.error != nil }.count
        if failed > 0 {
            if json { for f in report.files { if let e = f.error { FileHandle.standardError.write(Data("error: \(e)\n".utf8)) } } }
            FileHandle.standardError.write(Data("\(failed) of \(report.files.count) files could not be processed\n".utf8))
            throw ExitCode(1)
        }
    }
}
