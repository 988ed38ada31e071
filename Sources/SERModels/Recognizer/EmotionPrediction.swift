/// The emotion of one recording: the most probable class and the class posteriors, with the
/// posteriors over time and anything that makes the result doubtful.
public struct EmotionPrediction: Codable, Equatable, Sendable {
    /// The most probable class (the arg-max of ``posteriors``).
    public var label: String
    /// Class posteriors in ``classes`` order, summing to 1: the mean of the analysis windows' posteriors.
    public var posteriors: [Double]
    /// The model's class names, in output order.
    public var classes: [String]
    /// Length of the recording in seconds.
    public var duration: Double
    /// Posteriors per analysis window (source `windows`), in time order.
    public var timeline: EmotionTimeline
    /// Per-frame posteriors of the whole recording from a wav2vec classifier's segment classifiers
    /// (source `frames`; nil for other models).
    public var frameTimeline: EmotionTimeline?
    /// Why the result may not mean much (silence, very short input); empty when nothing was noticed.
    public var warnings: [EmotionPredictionWarning]

    public init(label: String, posteriors: [Double], classes: [String], duration: Double, timeline: EmotionTimeline,
                frameTimeline: EmotionTimeline? = nil, warnings: [EmotionPredictionWarning] = []) {
        self.label = label
        self.posteriors = posteriors
        self.classes = classes
        self.duration = duration
        self.timeline = timeline
        self.frameTimeline = frameTimeline
        self.warnings = warnings
    }

    /// The posterior of class `name` (nil when the model has no such class).
    public func posterior(of name: String) -> Double? {
        classes.firstIndex(of: name).map { posteriors[$0] }
    }
}

/// Something about a recording that makes its prediction doubtful. The prediction is still made.
public enum EmotionPredictionWarning: Codable, Equatable, Sendable, CustomStringConvertible {
    /// The loudest sample is below ``EmotionRecognizer/silencePeakDBFS`` (digital silence or a dead
    /// microphone): there is no speech to judge.
    case silent(peakDBFS: Double)
    /// The recording is shorter than ``EmotionRecognizer/minimumReliableSeconds``.
    case tooShort(seconds: Double, minimumSeconds: Double)
    /// A model that standardises functionals per speaker took its speaker statistics from fewer than
    /// ``EmotionRecognizer/recommendedSpeakerRecordings`` recordings.
    case fewSpeakerRecordings(count: Int, recommended: Int)

    public var description: String {
        switch self {
        case .silent(let peak):
            return peak.isFinite ? String(format: "silent (peak %.1f dBFS): there is no speech to classify", peak)
                                 : "silent (every sample is 0): there is no speech to classify"
        case let .tooShort(seconds, minimum):
            return String(format: "only %.2f s long; predictions under %.1f s are unreliable (the models were trained on 2.5–3 s segments)",
                          seconds, minimum)
        case let .fewSpeakerRecordings(count, recommended):
            return "the speaker statistics come from only \(count) recordings; with fewer than \(recommended) they are unreliable "
                + "(training used each speaker's full set of utterances)"
        }
    }
}
