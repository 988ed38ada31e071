import SERFeatures
import SERTensor

/// One recording (or one analysis window of it) ready for a network: mono samples at the model's rate
/// (16 kHz), its label index and speaker (training and evaluation; ignored by prediction), and (when a
/// model needs it) the pitch-pulse signal aligned with the samples.
public struct Utterance: Sendable {
    public let path: String
    public let label: Int
    public let speaker: String
    public let samples: [Float]
    public let pitchPulses: [Float]?

    /// - Parameters: `samples` at 16 kHz (the model's rate), `label` an index into the run's
    ///   classes, `pitchPulses` aligned with `samples` (models with a pitch-pulse channel only).
    public init(path: String, label: Int, speaker: String, samples: [Float], pitchPulses: [Float]? = nil) {
        self.path = path
        self.label = label
        self.speaker = speaker
        self.samples = samples
        self.pitchPulses = pitchPulses
    }
}

extension Utterance {
    /// Indices of `utterances` sorted by length and cut into groups of `batchSize`, so that each
    /// padded batch wastes little.
    package static func lengthGroups(_ utterances: [Utterance], batchSize: Int) -> [[Int]] {
        let order = utterances.indices.sorted { utterances[$0].samples.count < utterances[$1].samples.count }
        return stride(from: 0, to: order.count, by: Swift.max(1, batchSize)).map {
            Array(order[$0..<Swift.min($0 + Swift.max(1, batchSize), order.count)])
        }
    }
}

extension FeatureStack {
    /// Features of whole utterances, zero-padded to the longest (no augmentation).
    package func callAsFunction(batchOf group: [Utterance]) throws -> (features: Tensor, mask: Tensor) {
        let n = group.map(\.samples.count).max() ?? 0
        var audio = [Float](repeating: 0, count: group.count * n)
        var pulses = needsPitchPulses ? [Float](repeating: 0, count: group.count * n) : []
        for (i, u) in group.enumerated() {
            for j in 0..<u.samples.count { audio[i * n + j] = u.samples[j] }
            if let p = u.pitchPulses, needsPitchPulses { for j in 0..<p.count { pulses[i * n + j] = p[j] } }
        }
        return try self(audio: Tensor(shape: [group.count, n], data: audio),
                        pitchPulses: needsPitchPulses ? Tensor(shape: [group.count, n], data: pulses) : nil,
                        lengths: group.map(\.samples.count))
    }
}

extension SpeakerNormalization {
    /// Statistics of every speaker in `utterances`, computed with `features` in groups of `batchSize`.
    public static func estimate(_ utterances: [Utterance], features: FeatureStack, batchSize: Int = 16) throws -> SpeakerNormalization {
        var accumulator = Accumulator(channels: features.channels.count, bands: features.extractor.config.bandCount)
        for group in Utterance.lengthGroups(utterances, batchSize: batchSize) {
            let batch = group.map { utterances[$0] }
            let (x, mask) = try withNoGrad { try features(batchOf: batch) }
            accumulator.add(x, mask: mask, speakers: batch.map(\.speaker))
        }
        return try accumulator.statistics()
    }

}
