import SERAudio
import SERTensor

/// Training batches as in the paper (§3.2): `batchSize` utterances drawn without replacement (a fresh
/// permutation each pass), each cut to a random `segmentSeconds` window (shorter ones zero-padded,
/// with the real samples marked), scaled by a random gain over `gainSpanDB`.
public struct SegmentBatch {
    /// `[batch, samples]`.
    public var audio: Tensor
    /// `[batch, samples]` pitch-pulse signals cut and scaled exactly like `audio` (nil if unused).
    public var pitchPulses: Tensor?
    /// Real samples per item.
    public var lengths: [Int]
    public var labels: [Int]
}

public struct BatchSampler {
    public let utterances: [Utterance]
    public let batchSize: Int
    public let segmentSamples: Int
    public let gain: RandomGain?
    private var order: [Int] = []
    private var cursor = 0

    public init(utterances: [Utterance], batchSize: Int, segmentSeconds: Double, gainSpanDB: Double) throws {
        guard !utterances.isEmpty else { throw TrainingError.emptySplit("no training utterances") }
        self.utterances = utterances
        self.batchSize = Swift.min(batchSize, utterances.count)
        segmentSamples = Int((segmentSeconds * Double(UtteranceStore.sampleRate)).rounded())
        gain = gainSpanDB > 0 ? try RandomGain(minDB: -gainSpanDB, maxDB: 0) : nil
    }

    /// The next batch, drawing segment positions and gains from `rng`.
    public mutating func next(using rng: inout RandomGenerator) -> SegmentBatch {
        let n = segmentSamples, b = batchSize
        var audio = [Float](repeating: 0, count: b * n)
        let withPulses = utterances[0].pitchPulses != nil
        var pulses = withPulses ? [Float](repeating: 0, count: b * n) : []
        var lengths = [Int](), labels = [Int]()
        for i in 0..<b {
            if cursor >= order.count { order = rng.shuffled(Array(utterances.indices)); cursor = 0 }
            let u = utterances[order[cursor]]
            cursor += 1
            let count = Swift.min(n, u.samples.count)
            let start = u.samples.count > n ? rng.nextInt(below: u.samples.count - n + 1) : 0
            let scale = Float(gain.map { AudioLevels.amplitude(dB: $0.sampleDB(using: &rng)) } ?? 1)
            for j in 0..<count { audio[i * n + j] = u.samples[start + j] * scale }
            if withPulses, let p = u.pitchPulses { for j in 0..<count { pulses[i * n + j] = p[start + j] * scale } }
            lengths.append(count)
            labels.append(u.label)
        }
        return SegmentBatch(audio: Tensor(shape: [b, n], data: audio),
                            pitchPulses: withPulses ? Tensor(shape: [b, n], data: pulses) : nil,
                            lengths: lengths, labels: labels)
    }

    /// The sampler's position, for checkpoints.
    public var state: (order: [Int], cursor: Int) {
        get { (order, cursor) }
        set { order = newValue.order; cursor = newValue.cursor }
    }
}
