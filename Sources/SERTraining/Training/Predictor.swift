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

    public init(model: STRFNet, features: FeatureStack) {
        self.model = model
        self.features = features
    }

    public var needsPitchPulses: Bool { features.needsPitchPulses }

    /// Softmax posteriors `[utterances][classes]`, in the order given.
    public func posteriors(_ utterances: [Utterance]) throws -> [[Double]] {
        model.eval()
        var out = [[Double]](repeating: [], count: utterances.count)
        let order = utterances.indices.sorted { utterances[$0].samples.count < utterances[$1].samples.count }
        var start = 0
        while start < order.count {
            let group = Array(order[start..<Swift.min(start + batchSize, order.count)])
            let probs = try groupPosteriors(group.map { utterances[$0] })
            for (k, i) in group.enumerated() { out[i] = probs[k] }
            start += batchSize
        }
        return out
    }

    private func groupPosteriors(_ group: [Utterance]) throws -> [[Double]] {
        let n = group.map(\.samples.count).max() ?? 0
        var audio = [Float](repeating: 0, count: group.count * n)
        var pulses = features.needsPitchPulses ? [Float](repeating: 0, count: group.count * n) : []
        for (i, u) in group.enumerated() {
            for j in 0..<u.samples.count { audio[i * n + j] = u.samples[j] }
            if let p = u.pitchPulses, features.needsPitchPulses { for j in 0..<p.count { pulses[i * n + j] = p[j] } }
        }
        return try withNoGrad {
            let (x, mask) = try features(audio: Tensor(shape: [group.count, n], data: audio),
                                         pitchPulses: features.needsPitchPulses ? Tensor(shape: [group.count, n], data: pulses) : nil,
                                         lengths: group.map(\.samples.count))
            let p = try model(x, mask: mask).softmax(axis: 1)
            let c = p.shape[1]
            let flat = p.doubles
            return (0..<group.count).map { Array(flat[($0 * c)..<(($0 + 1) * c)]) }
        }
    }
}
