import Foundation
import SERAudio
import SERFeatures
import SERModels

/// The prediction for one audio file (or why there is none).
public struct FilePrediction: Codable, Equatable, Sendable {
    /// The file as given.
    public var file: String
    /// Duration in seconds (nil when the file could not be read).
    public var duration: Double?
    /// The most probable class.
    public var predicted: String?
    /// Class posteriors of the whole file, in the run's class order: the mean of the window posteriors.
    public var posteriors: [Double]?
    /// Posteriors per analysis window.
    public var timeline: EmotionTimeline?
    /// Per-frame posteriors of the whole file from the model's segment classifiers (source `frames`;
    /// wav2vec classifiers with `N_s > 0` only, else nil).
    public var frameTimeline: EmotionTimeline?
    /// Why the prediction may not mean much (silence, very short input); nil when the file failed.
    public var warnings: [String]?
    /// What went wrong, for a file that could not be processed.
    public var error: String?
    /// The emotion-timeline SVG written for this file (`predict --timeline-svg`), if any.
    public var timelineSvg: String?

    public init(file: String, duration: Double? = nil, predicted: String? = nil, posteriors: [Double]? = nil,
                timeline: EmotionTimeline? = nil, frameTimeline: EmotionTimeline? = nil, warnings: [String]? = nil,
                error: String? = nil, timelineSvg: String? = nil) {
        self.file = file
        self.duration = duration
        self.predicted = predicted
        self.posteriors = posteriors
        self.timeline = timeline
        self.frameTimeline = frameTimeline
        self.warnings = warnings
        self.error = error
        self.timelineSvg = timelineSvg
    }

    private enum CodingKeys: String, CodingKey {
        case file, duration, predicted, posteriors, timeline, frameTimeline, warnings, error, timelineSvg
    }

    /// Writes absent values as explicit `null`s so every object has the same keys.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(duration, forKey: .duration)
        try c.encode(predicted, forKey: .predicted)
        try c.encode(posteriors, forKey: .posteriors)
        try c.encode(timeline, forKey: .timeline)
        try c.encode(frameTimeline, forKey: .frameTimeline)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(error, forKey: .error)
        try c.encode(timelineSvg, forKey: .timelineSvg)
    }
}

/// What `ser-cli predict --json` prints: the run, the settings and one ``FilePrediction`` per file.
public struct PredictionReport: Codable, Equatable, Sendable {
    /// The run folder or model file.
    public var run: String
    public var classes: [String]
    public var windowSeconds: Double
    public var hopSeconds: Double
    /// How file posteriors are formed from window posteriors: `mean`, or `whole-recording` for a functionals
    /// classifier (each file is one window).
    public var averaging: String
    public var files: [FilePrediction]
}

/// Class posteriors of audio files with a trained model, through its ``EmotionRecognizer``.
///
/// Each file is read (any format libsndfile decodes, channels averaged to mono), resampled to the model's
/// rate, and cut into overlapping windows by ``AnalysisWindows`` (default 3 s windows every 1 s, the length
/// the models were trained on); see ``EmotionRecognizer`` for the rest. The file's posteriors are the
/// **arithmetic mean of the window posteriors**, every window weighing the same; the window posteriors form
/// the file's ``EmotionTimeline`` (source `windows`). Models with segment classifiers (the wav2vec
/// classifier with `N_s > 0`) also classify the whole file in one pass for its per-frame
/// ``FilePrediction/frameTimeline`` (source `frames`). A functionals classifier classifies each file whole (one
/// window); one that standardises functionals per speaker classifies one speaker's files together
/// (``predict(oneSpeaker:progress:)``).
public struct FilePredictor {
    public let recognizer: EmotionRecognizer
    public var windows: AnalysisWindows
    /// The model file or run folder, as reported in ``PredictionReport/run``.
    public let source: String

    /// Predicts with the model of a run folder.
    /// - Throws: ``EmotionModelError/featuresNotFromAudio(file:featureSet:)`` for a functionals run on precomputed
    ///   functionals (`--features-csv`): they cannot be computed from audio (evaluate it on a manifest instead).
    public init(run: TrainedRun, windows: AnalysisWindows) throws {
        try self.init(recognizer: run.recognizer, windows: windows, source: run.directory.path)
    }

    /// Predicts with a recogniser (e.g. loaded from a model file).
    /// - Throws: ``EmotionModelError/featuresNotFromAudio(file:featureSet:)`` as ``init(run:windows:)``.
    public init(recognizer: EmotionRecognizer, windows: AnalysisWindows, source: String? = nil) throws {
        try recognizer.checkClassifiesAudio()
        self.recognizer = recognizer
        self.windows = windows
        self.source = source ?? recognizer.source
    }

    /// Predicts one file.
    /// - Throws: the reading, resampling or feature error, naming the file.
    public func predict(_ url: URL) throws -> FilePrediction {
        Self.filePrediction(url, try recognizer.classify(contentsOf: url, windows: windows))
    }

    private static func filePrediction(_ url: URL, _ p: EmotionPrediction) -> FilePrediction {
        FilePrediction(file: url.path, duration: p.duration, predicted: p.label, posteriors: p.posteriors,
                       timeline: p.timeline, frameTimeline: p.frameTimeline, warnings: p.warnings.map(\.description))
    }

    /// Predicts files that are all recordings of **one speaker**, classified together
    /// (``EmotionRecognizer/classify(oneSpeaker:sources:windows:)``): a model that standardises functionals per
    /// speaker takes the speaker's statistics over every file that could be read (at least
    /// ``EmotionRecognizer/minimumSpeakerRecordings``; fewer than ``EmotionRecognizer/recommendedSpeakerRecordings``
    /// give a warning). Every file is held in memory at once. A file that cannot be read gets its error; when the
    /// group cannot be classified (too few files, a file whose features fail), every file gets that error.
    public func predict(oneSpeaker urls: [URL], progress: (Int, FilePrediction) -> Void = { _, _ in }) -> PredictionReport {
        var results = [FilePrediction?](repeating: nil, count: urls.count)
        var read = [(index: Int, audio: AudioBuffer)]()
        for (i, url) in urls.enumerated() {
            do { read.append((i, try AudioFile.read(url).buffer)) } catch { results[i] = FilePrediction(file: url.path, error: "\(error)") }
        }
        do {
            let predictions = try recognizer.classify(oneSpeaker: read.map(\.audio), sources: read.map { urls[$0.index].path }, windows: windows)
            for (r, p) in zip(read, predictions) { results[r.index] = Self.filePrediction(urls[r.index], p) }
        } catch {
            for r in read { results[r.index] = FilePrediction(file: urls[r.index].path, error: "\(error)") }
        }
        let files = urls.indices.map { results[$0] ?? FilePrediction(file: urls[$0].path, error: "not classified") }
        for (i, f) in files.enumerated() { progress(i, f) }
        return report(files)
    }

    /// Predicts every file; a file that fails gets an entry with its ``FilePrediction/error`` and the
    /// others are still processed. `progress` is called after each file.
    public func predict(_ urls: [URL], progress: (Int, FilePrediction) -> Void = { _, _ in }) -> PredictionReport {
        var files = [FilePrediction]()
        for (i, url) in urls.enumerated() {
            let result: FilePrediction
            do { result = try predict(url) } catch {
                result = FilePrediction(file: url.path, error: "\(error)")
            }
            files.append(result)
            progress(i, result)
        }
        return report(files)
    }

    private func report(_ files: [FilePrediction]) -> PredictionReport {
        PredictionReport(run: source, classes: recognizer.classes,
                                windowSeconds: windows.windowSeconds, hopSeconds: windows.hopSeconds, averaging: recognizer.classifiesWholeRecordings ? "whole-recording" : "mean",
                                files: files)
    }
}

extension PredictionReport {
    /// A plain-text table: one line per file with the predicted class and every class posterior (%),
    /// then, with `timelines`, one line per window.
    public func text(timelines: Bool = false) -> String {
        let width = Swift.max(timelines ? 14 : 9, classes.map(\.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        var s = pad("predicted", width) + " " + classes.map { pad($0, Swift.max(7, $0.count)) }.joined(separator: " ") + "  file\n"
        for f in files {
            if let p = f.posteriors, let label = f.predicted {
                s += pad(label, width) + " "
                s += zip(classes, p).map { pad(String(format: "%.1f%%", $1 * 100), Swift.max(7, $0.count)) }.joined(separator: " ")
                s += "  \(f.file)" + (f.duration.map { String(format: " (%.2f s, %d window%@)", $0, f.timeline?.points.count ?? 0,
                                                             f.timeline?.points.count == 1 ? "" : "s") } ?? "") + "\n"
                for w in f.warnings ?? [] { s += pad("warning", width) + "  \(w)\n" }
                if timelines, let t = f.timeline, t.points.count > 1 {
                    for pt in t.points {
                        s += pad(String(format: "%.2f–%.2f s", pt.start, pt.end), width) + " "
                        s += zip(classes, pt.posteriors).map { pad(String(format: "%.1f%%", $1 * 100), Swift.max(7, $0.count)) }.joined(separator: " ") + "\n"
                    }
                }
            } else {
                let why = f.error ?? "unknown error"
                s += pad("ERROR", width) + "  " + (why.contains(f.file) ? why : "\(f.file): \(why)") + "\n"
            }
        }
        return s
    }
}

extension PredictionReport {
    /// One CSV row per file (`predict --csv`): `path`, `label` (the predicted class; empty on error), one
    /// `posterior_<class>` column per class in the run's order, `duration` (s), `warnings` (joined with
    /// `; `) and `error`. Written with ``CSV/render(_:)``.
    public var csv: String {
        var rows = [["path", "label"] + classes.map { "posterior_\($0)" } + ["duration", "warnings", "error"]]
        for f in files {
            let posteriors = f.posteriors.map { $0.map { String($0) } } ?? Array(repeating: "", count: classes.count)
            rows.append([f.file, f.predicted ?? ""] + posteriors
                        + [f.duration.map { String($0) } ?? "", (f.warnings ?? []).joined(separator: "; "), f.error ?? ""])
        }
        return CSV.render(rows)
    }
}

/// The audio files `predict` works on: files as given, folders searched recursively for audio files
/// (``CorpusFiles/audioFiles(under:)``, sorted). A path that does not exist is kept, so its error is
/// reported with the others.
public enum PredictionInputs {
    /// - Throws: ``CorpusImportError`` for a folder that cannot be listed or holds no audio files.
    public static func expand(_ paths: [String]) throws -> [URL] {
        var urls = [URL]()
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let root = URL(fileURLWithPath: path, isDirectory: true)
                let found = try CorpusFiles.audioFiles(under: root)
                guard !found.isEmpty else { throw CorpusImportError.nothingFound(root: root.path, expected: "audio files") }
                urls += found.map { root.appendingPathComponent($0) }
            } else {
                urls.append(URL(fileURLWithPath: path))
            }
        }
        return urls
    }
}
