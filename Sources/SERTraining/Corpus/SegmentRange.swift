/// Sample ranges of manifest segments (`start`/`end` in seconds), shared by the training utterance
/// store and the pretraining corpus.
enum SegmentRange {
    /// Samples `[round(start·rate), min(count, round(end·rate)))`; a missing `start` is the file's
    /// beginning and a missing `end` its end. Nil when the range is empty or starts outside the file.
    static func samples(start: Double?, end: Double?, count: Int, sampleRate: Int) -> Range<Int>? {
        let rate = Double(sampleRate)
        let a = Int(((start ?? 0) * rate).rounded())
        let b = Swift.min(count, end.map { Int(($0 * rate).rounded()) } ?? count)
        guard a >= 0, a < b else { return nil }
        return a..<b
    }
}
