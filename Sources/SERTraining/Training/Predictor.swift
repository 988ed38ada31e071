import SERFeatures
import SERModels
import SERTensor

/// Class posteriors of whole utterances with an ``STRFNet`` in evaluation mode.
///
/// Utterances are sorted by length and processed in groups of `batchSize`, zero-padded to the
/// longest in the group; the frame mask keeps padding out of the recurrent state and the pooling,
/// so each result equals what the utterance would give alone.
public struct Predictor: UtterancePredictor {
    public let model: STRFNet
    public let features: FeatureStack
    public var batchSize = 16
    /// Standardise features per speaker (``SpeakerNormalization``), with statistics of each speaker
    /// taken over that speaker's utterances among those passed to ``posteriors(_:)``.
    public var speakerNormalization: Bool

    public init(model: STRFNet, features: FeatureStack, speakerNormalization: Bool = false) {
        self.model = model
        self.features = features
        self.speakerNormalization = speakerNormalization
    }

    public var needsPitchPulses: Bool { features.needsPitchPulses }

    /// Softmax posteriors `[utterances][classes]`, in the order given.
    public func posteriors(_ utterances: [Utterance]) throws -> [[Double]] {
        model.eval()
        let speakers = speakerNormalization ? try SpeakerNormalization.estimate(utterances, features: features, batchSize: batchSize) : nil
        var out = [[Double]](repeating: [], count: utterances.count)
        let order = utterances.indices.sorted { utterances[$0].samples.count < utterances[$1].samples.count }
        var start = 0
        while start < order.count {
            let group = Array(order[start..<Swift.min(start + batchSize, order.count)])
            let probs = try groupPosteriors(group.map { utterances[$0] }, speakers: speakers)
            for (k, i) in group.enumerated() { out[i] = probs[k] }
            start += batchSize
        }
        return out
    }

    private func groupPosteriors(_ group: [Utterance], speakers: SpeakerNormalization?) throws -> [[Double]] {
        try withNoGrad {
            var (x, mask) = try features(batchOf: group)
            if let speakers { x = try speakers.apply(x, mask: mask, speakers: group.map(\.speaker)) }
            let p = try model(x, mask: mask).softmax(axis: 1)
            let c = p.shape[1]
            let flat = p.doubles
            return (0..<group.count).map { Array(flat[($0 * c)..<(($0 + 1) * c)]) }
        }
    }
}
