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
    /// Speaker of each item.
    public var speakers: [String]
    /// Each item's utterance, as an index into the sampler's ``BatchSampler/utterances``.
    public var utterances: [Int] = []
}

/// One training segment of a sequence computed per utterance: frames `start ..< start + count` of
/// utterance `utterance` (an index into the sampler's utterances).
public struct SegmentCrop: Equatable, Sendable {
    public var utterance: Int
    public var start: Int
    public var count: Int
    public var label: Int
}

public struct BatchSampler {
    public let utterances: [Utterance]
    public let batchSize: Int
    public let segmentSamples: Int
    public let gain: RandomGain?
    /// The utterances' samples as buffers (sharing their storage), for SERAudio's random clip.
    private let buffers: [AudioBuffer]
    private var order: [Int] = []
    private var cursor = 0

    public init(utterances: [Utterance], batchSize: Int, segmentSeconds: Double, gainSpanDB: Double) throws {
        guard !utterances.isEmpty else { throw TrainingError.emptySplit("no training utterances") }
        self.utterances = utterances
        buffers = try utterances.map { try AudioBuffer(samples: $0.samples, sampleRate: UtteranceStore.sampleRate) }
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
        var lengths = [Int](), labels = [Int](), speakers = [String](), indices = [Int]()
        for i in 0..<b {
            let index = nextIndex(using: &rng)
            let u = utterances[index]
            // SERAudio's random crop (shorter utterances are zero-padded at the end); the pitch pulses are cut alike.
            let clip = buffers[index].randomClip(length: n, using: &rng)
            let count = clip.validCount, start = clip.sourceOffset
            let scale = Float(gain.map { AudioLevels.amplitude(dB: $0.sampleDB(using: &rng)) } ?? 1)
            for j in 0..<count { audio[i * n + j] = clip.samples[j] * scale }
            if withPulses, let p = u.pitchPulses { for j in 0..<count { pulses[i * n + j] = p[start + j] * scale } }
            lengths.append(count)
            labels.append(u.label)
            speakers.append(u.speaker)
            indices.append(index)
        }
        return SegmentBatch(audio: Tensor(shape: [b, n], data: audio),
                            pitchPulses: withPulses ? Tensor(shape: [b, n], data: pulses) : nil,
                            lengths: lengths, labels: labels, speakers: speakers, utterances: indices)
    }

    /// Where the next batch's segments lie in per-utterance sequences of `frameCounts[i]` frames (e.g.
    /// features computed once per utterance): the same draw of utterances (without replacement, a fresh
    /// permutation each pass) and random start positions as ``next(using:)``, with `segmentFrames`
    /// frames per segment (fewer for shorter utterances) and no gain.
    public mutating func nextCrops(frameCounts: [Int], segmentFrames: Int, using rng: inout RandomGenerator) -> [SegmentCrop] {
        precondition(frameCounts.count == utterances.count, "BatchSampler: one frame count per utterance")
        return (0..<batchSize).map { _ in
            let i = nextIndex(using: &rng)
            let total = frameCounts[i]
            let start = total > segmentFrames ? rng.nextInt(below: total - segmentFrames + 1) : 0
            return SegmentCrop(utterance: i, start: start, count: Swift.min(segmentFrames, total), label: utterances[i].label)
        }
    }

    /// The index of the next utterance in the current permutation (a new one after each pass).
    private mutating func nextIndex(using rng: inout RandomGenerator) -> Int {
        if cursor >= order.count { order = rng.shuffled(Array(utterances.indices)); cursor = 0 }
        defer { cursor += 1 }
        return order[cursor]
    }

    /// The sampler's position, for checkpoints.
    public var state: (order: [Int], cursor: Int) {
        get { (order, cursor) }
        set { order = newValue.order; cursor = newValue.cursor }
    }
}
