import Foundation
import SERAudio
import SERFeatures

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
    /// What went wrong, for a file that could not be processed.
    public var error: String?

    public init(file: String, duration: Double? = nil, predicted: String? = nil, posteriors: [Double]? = nil,
                timeline: EmotionTimeline? = nil, frameTimeline: EmotionTimeline? = nil, error: String? = nil) {
        self.file = file
        self.duration = duration
        self.predicted = predicted
        self.posteriors = posteriors
        self.timeline = timeline
        self.frameTimeline = frameTimeline
        self.error = error
    }

    private enum CodingKeys: String, CodingKey { case file, duration, predicted, posteriors, timeline, frameTimeline, error }

    /// Writes absent values as explicit `null`s so every object has the same keys.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(duration, forKey: .duration)
        try c.encode(predicted, forKey: .predicted)
        try c.encode(posteriors, forKey: .posteriors)
        try c.encode(timeline, forKey: .timeline)
        try c.encode(frameTimeline, forKey: .frameTimeline)
        try c.encode(error, forKey: .error)
    }
}

/// What `ser-cli predict --json` prints: the run, the settings and one ``FilePrediction`` per file.
public struct PredictionReport: Codable, Equatable, Sendable {
    public var run: String
    public var classes: [String]
    public var windowSeconds: Double
    public var hopSeconds: Double
    /// How file posteriors are formed from window posteriors (always `mean`).
    public var averaging: String
    public var files: [FilePrediction]
}

/// Class posteriors of audio files with a trained run.
///
/// Each file is read (any format libsndfile decodes, channels averaged to mono), resampled to 16 kHz,
/// and cut into overlapping windows by ``AnalysisWindows`` (default 3 s windows every 1 s, the length
/// the models were trained on). The pitch-pulse signal, when the model needs it, is computed once on
/// the whole recording and cut like the audio. Each window is classified as a whole utterance; the
/// file's posteriors are the **arithmetic mean of the window posteriors**, every window weighing the
/// same. The window posteriors form the file's ``EmotionTimeline`` (source `windows`). Models with
/// segment classifiers (the wav2vec classifier with `N_s > 0`) also classify the whole file in one
/// pass for its per-frame ``FilePrediction/frameTimeline`` (source `frames`).
public struct FilePredictor {
    public let run: TrainedRun
    public var windows: AnalysisWindows

    public init(run: TrainedRun, windows: AnalysisWindows) {
        self.run = run
        self.windows = windows
    }

    /// Predicts one file.
    /// - Throws: the reading, resampling or feature error, naming the file.
    public func predict(_ url: URL) throws -> FilePrediction {
        var buffer = try AudioFile.read(url).buffer
        if buffer.sampleRate != UtteranceStore.sampleRate { try buffer.resample(to: UtteranceStore.sampleRate) }
        let samples = buffer.samples
        let rate = UtteranceStore.sampleRate
        let pulses = run.needsPitchPulses ? try PitchPulseExtraction.signal(samples: samples, sampleRate: Double(rate)) : nil
        let ranges = windows.ranges(samples: samples.count, sampleRate: rate)
        guard !ranges.isEmpty else { throw TrainingError.audio(path: url.path, reason: "holds no samples") }
        let pieces = ranges.map { r in
            Utterance(path: url.path, label: 0, speaker: "", samples: Array(samples[r]), pitchPulses: pulses.map { Array($0[r]) })
        }
        let posteriors = try run.predictor.checkedPosteriors(pieces)
        let k = run.configuration.classes.count
        var mean = [Double](repeating: 0, count: k)
        for p in posteriors { for c in 0..<k { mean[c] += p[c] } }
        for c in 0..<k { mean[c] /= Double(posteriors.count) }
        let points = zip(ranges, posteriors).map { r, p in
            EmotionTimeline.Point(start: Double(r.lowerBound) / Double(rate), end: Double(r.upperBound) / Double(rate), posteriors: p)
        }
        let best = mean.indices.max { mean[$0] < mean[$1] } ?? 0
        let whole = Utterance(path: url.path, label: 0, speaker: "", samples: samples, pitchPulses: pulses)
        let frames = try run.predictor.frameTimeline(whole, classes: run.configuration.classes)
        if let frames, !frames.points.allSatisfy({ $0.posteriors.allSatisfy(\.isFinite) }) {
            throw TrainingError.nonFinitePosteriors(path: url.path)
        }
        return FilePrediction(file: url.path, duration: Double(samples.count) / Double(rate),
                              predicted: run.configuration.classes[best], posteriors: mean,
                              timeline: EmotionTimeline(classes: run.configuration.classes, source: .windows, points: points),
                              frameTimeline: frames)
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
        return PredictionReport(run: run.directory.path, classes: run.configuration.classes,
                                windowSeconds: windows.windowSeconds, hopSeconds: windows.hopSeconds, averaging: "mean",
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
