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
        in --json; --timeline-svg draws them instead of the windows). A folder is searched recursively for audio \
        files. Files shorter than 1 s or silent (peak under -60 dBFS) are predicted but flagged with a warning \
        (text, JSON and CSV). A file that cannot be read is reported and the others are still processed; the exit \
        code is then 1. Functionals runs (--model functionals-svm|functionals-logreg) classify each file whole (one \
        window). Those trained with --speaker-normalization standardise each speaker's functionals with that \
        speaker's statistics: give several recordings of one speaker with --same-speaker (e.g. a folder of that \
        speaker's files; at least 2, 10 or more recommended); a single recording is refused. Runs on precomputed \
        functionals (--features-csv) cannot classify audio: evaluate them on a manifest.
        """
    )

    @Option(name: .customLong("run"), help: ArgumentHelp("Run folder (model.safetensors, or config.json and best.safetensors).", valueName: "dir"))
    var runDirectory: String?

    @Option(name: .customLong("model"), help: ArgumentHelp("Model file (model.safetensors written by train, cv or demo).", valueName: "file"))
    var modelFile: String?

    @Argument(help: ArgumentHelp("Audio files, or folders searched recursively for audio files.", valueName: "file-or-folder"))
    var files: [String]

    @Flag(name: .long, help: "Print JSON: classes, settings, and per file the posteriors, the timeline, warnings and its SVG.")
    var json = false

    @Option(name: .long, parsing: .unconditional, help: "Window length in seconds.")
    var window = 3.0

    @Option(name: .long, parsing: .unconditional, help: "Hop between window starts in seconds.")
    var hop = 1.0

    @Flag(name: .long, help: "Also print the posteriors of every window (text output).")
    var timeline = false

    @Option(name: .long, help: ArgumentHelp("Write an emotion-timeline SVG per file into this folder.", valueName: "dir"))
    var timelineSvg: String?

    @Option(name: .long, help: ArgumentHelp("Also write one CSV row per file: path, label, posteriors, duration, warnings, error.", valueName: "file"))
    var csv: String?

    @Flag(name: .customLong("same-speaker"), help: "The files are all recordings of one speaker: a functionals model trained with --speaker-normalization takes that speaker's statistics over all of them (required for such models).")
    var sameSpeaker = false

    @Flag(name: .shortAndLong, help: "No progress or status lines on standard error (results and errors only).")
    var quiet = false

    func validate() throws {
        guard (runDirectory == nil) != (modelFile == nil) else {
            throw ValidationError("give the model with either --model FILE or --run DIR")
        }
        // A bad window is a usage error (exit 64), reported before the model is loaded.
        do { _ = try AnalysisWindows(windowSeconds: window, hopSeconds: hop) } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        let windows = try AnalysisWindows(windowSeconds: window, hopSeconds: hop)
        // Outputs are checked before any work.
        if let timelineSvg { try OutputFolder.prepare(URL(fileURLWithPath: timelineSvg, isDirectory: true)) }
        if let csv { try OutputFolder.prepare(URL(fileURLWithPath: csv).deletingLastPathComponent()) }
        let inputs = try PredictionInputs.expand(files)
        let predictor: FilePredictor
        if let modelFile {
            predictor = try FilePredictor(recognizer: try EmotionRecognizer(contentsOf: URL(fileURLWithPath: modelFile)), windows: windows)
        } else {
            predictor = try FilePredictor(run: try TrainedRun.load(from: URL(fileURLWithPath: runDirectory ?? ".", isDirectory: true)), windows: windows)
        }
        if predictor.recognizer.needsSpeakerGroups && !sameSpeaker {
            throw ValidationError("\(predictor.source): the model standardises functionals per speaker (trained with --speaker-normalization), "
                                  + "so a recording alone cannot be classified: add --same-speaker and give several recordings of one speaker "
                                  + "(e.g. a folder of that speaker's files); their functionals give the speaker's statistics")
        }
        if sameSpeaker && !predictor.recognizer.needsSpeakerGroups && !quiet {
            FileHandle.standardError.write(Data("note: --same-speaker changes nothing for this model (it standardises no functionals per speaker)\n".utf8))
        }
        // A file counter on a terminal; errors are listed in the output.
        let counter = !quiet && inputs.count > 1 && isatty(fileno(stderr)) != 0
        let progress: (Int, FilePrediction) -> Void = { i, _ in
            if counter { FileHandle.standardError.write(Data("\r\(i + 1)/\(inputs.count) files".utf8)) }
        }
        var report = sameSpeaker ? predictor.predict(oneSpeaker: inputs, progress: progress) : predictor.predict(inputs, progress: progress)
        if counter { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if let timelineSvg {
            let dir = URL(fileURLWithPath: timelineSvg, isDirectory: true)
            for (i, name) in TimelineFileNames.names(for: report.files.map(\.file)).enumerated() {
                let f = report.files[i]
                guard let t = f.frameTimeline ?? f.timeline else { continue }
                let url = dir.appendingPathComponent(name)
                try ReportFiles.write(EmotionTimelinePlot.svg(t, title: "Emotion timeline: \((f.file as NSString).lastPathComponent)"), to: url)
                report.files[i].timelineSvg = url.path
            }
            if !quiet { FileHandle.standardError.write(Data("wrote timelines to \(dir.path)\n".utf8)) }
        }
        if let csv {
            try ReportFiles.write(report.csv, to: URL(fileURLWithPath: csv))
            if !quiet { FileHandle.standardError.write(Data("wrote \(csv)\n".utf8)) }
        }
        if json {
            print(String(decoding: try ReportFiles.json(report), as: UTF8.self), terminator: "")
        } else {
            print(report.text(timelines: timeline), terminator: "")
        }
        let failed = report.files.filter { $0.error != nil }.count
        if failed > 0 {
            if json { for f in report.files { if let e = f.error { FileHandle.standardError.write(Data("error: \(e)\n".utf8)) } } }
            FileHandle.standardError.write(Data("\(failed) of \(report.files.count) files could not be processed\n".utf8))
            throw ExitCode(1)
        }
    }
}
