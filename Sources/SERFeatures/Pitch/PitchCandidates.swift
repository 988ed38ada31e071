/// Pitch candidates of every frame, stored flat (`frameCount x capacity`), as the per-frame analysis
/// writes them and the path finder reads them.
///
/// Slot 0 of each frame is the unvoiced candidate (frequency 0, strength 0) until the path finder swaps
/// the winner into it. Frequencies in Hz, strengths are normalised autocorrelations in [0, 1].
struct PitchCandidateTable {
    let frameCount: Int
    /// Slots per frame (the layout's maximum number of candidates).
    let capacity: Int
    var frequency: [Double]
    var strength: [Double]
    /// Number of candidates in each frame (>= 1).
    var count: [Int]
    /// Local peak / global peak, in [0, 1], per frame.
    var intensity: [Double]

    init(frameCount: Int, capacity: Int) {
        self.frameCount = frameCount
        self.capacity = capacity
        frequency = [Double](repeating: 0, count: frameCount * capacity)
        strength = frequency
        count = [Int](repeating: 1, count: frameCount)
        intensity = [Double](repeating: 0, count: frameCount)
    }
}
