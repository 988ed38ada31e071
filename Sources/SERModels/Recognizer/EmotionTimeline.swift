import Foundation
import SERTensor

/// Class posteriors over the time of one recording: a list of segments (start and end in seconds
/// from the beginning of the file), each with posteriors over ``classes`` that sum to 1.
///
/// Two sources: the analysis windows of ``EmotionRecognizer`` (every model: each window is classified
/// as a whole, windows overlap), and the per-frame posteriors of a ``Wav2VecClassifier``'s segment
/// classifiers (``init(segmentClassifierOutput:item:configuration:inputFrameSeconds:classes:)``).
public struct EmotionTimeline: Codable, Equatable, Sendable {
    /// Where the posteriors come from.
    public enum Source: String, Codable, Sendable {
        /// Each point is one analysis window classified as a whole.
        case windows
        /// Each point is one frame of a model's segment classifiers.
        case frames
    }

    public struct Point: Codable, Equatable, Sendable {
        /// Segment bounds in seconds from the start of the file.
        public var start: Double
        public var end: Double
        /// Posteriors in ``EmotionTimeline/classes`` order.
        public var posteriors: [Double]

        public init(start: Double, end: Double, posteriors: [Double]) {
            self.start = start
            self.end = end
            self.posteriors = posteriors
        }

        /// The middle of the segment (seconds).
        public var center: Double { (start + end) / 2 }
    }

    public var classes: [String]
    public var source: Source
    /// In time order.
    public var points: [Point]

    public init(classes: [String], source: Source, points: [Point]) {
        self.classes = classes
        self.source = source
        self.points = points
    }

    /// The timeline of item `item` of a ``Wav2VecClassifier`` forward pass from its segment
    /// classifiers (``Wav2VecClassifier/framePosteriors(_:)``, the mean of their softmax outputs).
    ///
    /// CNN output frame `t` sees input frames `[t·S, t·S + R)` with `S` the product of the CNN strides
    /// and `R` the receptive field (``Wav2VecClassifierConfiguration/minimumInputFrames``); its segment is
    /// `[t·S·Δ, (t·S + R)·Δ)` seconds with `Δ = inputFrameSeconds` (wav2vec features: 0.01 s). Padding
    /// frames (the output's frame mask) are left out.
    /// - Returns: nil when the model has no segment classifiers (`N_s = 0`).
    public init?(segmentClassifierOutput output: Wav2VecClassifier.Output, item: Int,
                 configuration: Wav2VecClassifierConfiguration, inputFrameSeconds: Double, classes: [String]) {
        guard let posteriors = Wav2VecClassifier.framePosteriors(output) else { return nil }
        let frames = posteriors.shape[1], k = posteriors.shape[2]
        precondition(item >= 0 && item < posteriors.shape[0], "EmotionTimeline: item \(item) outside the batch \(posteriors.shape[0])")
        precondition(k == classes.count, "EmotionTimeline: \(k) model classes for \(classes.count) class names")
        let p = posteriors.doubles, mask = output.frameMask.doubles
        let stride = configuration.cnnStrides.reduce(1, *), field = configuration.minimumInputFrames
        var points = [Point]()
        for t in 0..<frames where mask[item * frames + t] > 0 {
            let base = (item * frames + t) * k
            points.append(Point(start: Double(t * stride) * inputFrameSeconds,
                                end: Double(t * stride + field) * inputFrameSeconds,
                                posteriors: Array(p[base..<(base + k)])))
        }
        self.init(classes: classes, source: .frames, points: points)
    }

    /// The index of the most probable class at each point.
    /// The same timeline with every point's times moved by `seconds` (e.g. back to the recording's clock after
    /// its leading silence was trimmed).
    public func shifted(by seconds: Double) -> EmotionTimeline {
        guard seconds != 0 else { return self }
        return EmotionTimeline(classes: classes, source: source,
                               points: points.map { Point(start: $0.start + seconds, end: $0.end + seconds, posteriors: $0.posteriors) })
    }

    public var topClasses: [Int] {
        points.map { p in p.posteriors.indices.max { p.posteriors[$0] < p.posteriors[$1] } ?? 0 }
    }
}
