import SERTensor

extension SegmentBatch {
    /// Items `range` of the batch (the batch itself when `range` covers it).
    func items(_ range: Range<Int>) -> SegmentBatch {
        guard range != 0 ..< labels.count else { return self }
        return SegmentBatch(audio: audio.narrowed(axis: 0, start: range.lowerBound, length: range.count),
                            pitchPulses: pitchPulses?.narrowed(axis: 0, start: range.lowerBound, length: range.count),
                            lengths: Array(lengths[range]), labels: Array(labels[range]), speakers: Array(speakers[range]),
                            utterances: utterances.isEmpty ? [] : Array(utterances[range]))
    }
}

extension Tensor {
    /// Items `range` of the leading (batch) axis; the tensor itself when `range` covers it.
    func batchItems(_ range: Range<Int>) -> Tensor {
        range == 0 ..< shape[0] ? self : narrowed(axis: 0, start: range.lowerBound, length: range.count)
    }
}
