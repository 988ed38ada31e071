import SERFeatures
import SERTensor

/// Class posteriors of whole utterances with a ``Wav2VecClassifier`` in evaluation mode, on log-mel
/// frames or on wav2vec features, and per-frame timelines from its segment classifiers.
///
/// Utterances are sorted by length and classified in groups of ``batchSize``, zero-padded to the
/// longest with real-frame lengths (the LSTM and the pooling stop at each utterance's end), so each
/// result is what the utterance gives alone. wav2vec features are computed per utterance (its group
/// norms pool over the whole utterance).
public struct Wav2VecClassifierPredictor: UtterancePredictor {
    /// Where the input frames come from.
    public enum Frames {
        /// Log-mel frames `[time, bands]` of a one-channel (spectrogram) feature stack.
        case logMel(FeatureStack)
        /// wav2vec context features `[time, channels]`, normalised per utterance when asked.
        case wav2vec(Wav2VecFeatureStore, utteranceNormalization: Bool)
    }

    public let classifier: Wav2VecClassifier
    public let frames: Frames
    public var batchSize = 16

    public init(classifier: Wav2VecClassifier, frames: Frames) {
        self.classifier = classifier
        self.frames = frames
    }

    public var needsPitchPulses: Bool { false }

    /// Seconds between input frames (log-mel hop, or wav2vec's encoder hop).
    public var inputFrameSeconds: Double {
        switch frames {
        case .logMel(let stack): return Double(stack.extractor.config.hopLength) / stack.extractor.config.sampleRate
        case .wav2vec(let store, _): return store.frameSeconds
        }
    }

    public func posteriors(_ utterances: [Utterance]) throws -> [[Double]] {
        classifier.eval()
        var out = [[Double]](repeating: [], count: utterances.count)
        let order = utterances.indices.sorted { utterances[$0].samples.count < utterances[$1].samples.count }
        var start = 0
        while start < order.count {
            let group = Array(order[start..<Swift.min(start + batchSize, order.count)])
            let output = try forward(group.map { utterances[$0] })
            let p = output.logits.softmax(axis: 1)
            let c = p.shape[1], flat = p.doubles
            for (k, i) in group.enumerated() { out[i] = Array(flat[(k * c)..<((k + 1) * c)]) }
            start += batchSize
        }
        return out
    }

    /// The segment classifiers' per-frame posteriors over the whole recording (nil with `N_s = 0`).
    public func frameTimeline(_ utterance: Utterance, classes: [String]) throws -> EmotionTimeline? {
        guard classifier.configuration.segmentClassifiers > 0 else { return nil }
        classifier.eval()
        let output = try forward([utterance])
        return EmotionTimeline(segmentClassifierOutput: output, item: 0, configuration: classifier.configuration,
                               inputFrameSeconds: inputFrameSeconds, classes: classes)
    }

    /// The classifier's output for a group of utterances, without gradients.
    func forward(_ group: [Utterance]) throws -> Wav2VecClassifier.Output {
        let minimum = classifier.configuration.minimumInputFrames
        return try withNoGrad {
            let x: Tensor, lengths: [Int]
            switch frames {
            case .logMel(let stack):
                let n = group.map(\.samples.count).max() ?? 0
                var audio = [Float](repeating: 0, count: group.count * n)
                for (i, u) in group.enumerated() { for j in 0..<u.samples.count { audio[i * n + j] = u.samples[j] } }
                let (f, mask) = try stack(audio: Tensor(shape: [group.count, n], data: audio), lengths: group.map(\.samples.count))
                (x, lengths) = FrameBatch.atLeast(f.reshaped([f.shape[0], f.shape[2], f.shape[3]]), lengths: FrameBatch.lengths(mask: mask),
                                                  minimumFrames: minimum)
            case .wav2vec(let store, let normalize):
                let (padded, l) = FrameBatch.pad(try group.map { try store.features($0) }, minimumFrames: minimum)
                (x, lengths) = (normalize ? FrameBatch.normalized(padded, lengths: l) : padded, l)
            }
            return try classifier(x, lengths: lengths)
        }
    }
}
