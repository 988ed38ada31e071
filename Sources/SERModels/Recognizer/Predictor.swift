import SERFeatures
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
    /// Fixed speaker statistics (e.g. of one recording's analysis windows, see ``EmotionRecognizer``) used
    /// instead of statistics of the utterances passed; nil: estimated from them.
    public var speakerStatistics: SpeakerNormalization?
    /// Where an early-fused network's utterance functionals come from (each utterance passed, as given: a whole
    /// utterance, or one analysis window of a recording); required by such a network, unused otherwise.
    public var functionals: FunctionalsProvider?

    public init(model: STRFNet, features: FeatureStack, speakerNormalization: Bool = false, functionals: FunctionalsProvider? = nil) {
        self.model = model
        self.features = features
        self.speakerNormalization = speakerNormalization
        self.functionals = functionals
    }

    public var needsPitchPulses: Bool { features.needsPitchPulses }

    /// Softmax posteriors `[utterances][classes]`, in the order given. With speaker normalisation
    /// each group's features are computed once: they give the speaker statistics, then the posteriors.
    public func posteriors(_ utterances: [Utterance]) throws -> [[Double]] {
        model.eval()
        let groups = Utterance.lengthGroups(utterances, batchSize: batchSize)
        func batch(_ g: [Int]) throws -> (features: Tensor, mask: Tensor) {
            try withNoGrad { try features(batchOf: g.map { utterances[$0] }) }
        }
        var cached: [(features: Tensor, mask: Tensor)]?
        var speakers: SpeakerNormalization?
        if speakerNormalization, let fixed = speakerStatistics {
            speakers = fixed
        } else if speakerNormalization {
            let batches = try groups.map(batch)
            var accumulator = SpeakerNormalization.Accumulator(channels: features.channels.count, bands: features.extractor.config.bandCount)
            for (g, b) in zip(groups, batches) { accumulator.add(b.features, mask: b.mask, speakers: g.map { utterances[$0].speaker }) }
            speakers = try accumulator.statistics()
            cached = batches
        }
        var rows: [[Double]]?
        if let input = model.configuration.utteranceFunctionals {
            guard let functionals else {
                throw ModelInputError(model: "STRFNet", expected: "utterance functionals of \(input.featureSet) (early fusion) from a provider", got: [])
            }
            rows = try functionals.rows(utterances)
        }
        var out = [[Double]](repeating: [], count: utterances.count)
        for (k, g) in groups.enumerated() {
            var (x, mask) = try cached?[k] ?? batch(g)
            if let speakers { x = try speakers.apply(x, mask: mask, speakers: g.map { utterances[$0].speaker }) }
            let utterance = try rows.map { r in try model.utteranceInput(g.map { r[$0] }) }
            let probs = try withNoGrad {
                let p = try model(x, mask: mask, utterance: utterance).softmax(axis: 1)
                let c = p.shape[1], flat = p.doubles
                return (0..<g.count).map { Array(flat[($0 * c)..<(($0 + 1) * c)]) }
            }
            for (k, i) in g.enumerated() { out[i] = probs[k] }
        }
        return out
    }
}
