import Foundation

/// openSMILE's `cFunctionalSegments` with the `nonX` / `eqX` algorithms (X = 0, minimum segment 3 frames,
/// minimum pause 2 frames): voiced segments are runs of non-zero F0, unvoiced segments runs of zeros.
///
/// openSMILE's bookkeeping is kept: a segment closed by a pause is recorded as `end − segEnd − start`
/// frames (one frame shorter than the run), and one still open at the end as `n − 1 − start`.
struct ContourSegments {
    /// Recorded segment lengths (frames).
    let lengths: [Int]
    /// Contour length (frames).
    let frameCount: Int

    /// Segments of frames where `x != 0` (`voiced == true`, nonX) or `x == 0` (`voiced == false`, eqX).
    init(_ x: [Double], voiced: Bool, minimumSegment: Int = 3, minimumPause: Int = 2) {
        frameCount = x.count
        var lengths: [Int] = []
        var segStartIndex = 0, state = 0, segStart = 0, segEnd = 0
        for i in 0..<x.count {
            let inside = voiced ? x[i] != 0 : x[i] == 0
            if inside {
                if state == 1 {
                    segEnd = 0
                    segStart += 1
                    if segStart >= minimumSegment { segStart = 0; state = 2 }
                } else if state == 0 {
                    segStart += 1
                    segStartIndex = i
                    state = 1
                } else if state == 2 {
                    segEnd = 0
                }
            } else {
                if state == 2 {
                    segStart = 0
                    segEnd += 1
                    if segEnd >= minimumPause {
                        state = 0
                        lengths.append(i - segEnd - segStartIndex)
                        segEnd = 0
                    }
                } else if state == 1 {
                    segEnd += 1
                    if segEnd >= minimumPause { state = 0; segEnd = 0; segStart = 0 }
                }
            }
        }
        if state == 2 {
            segEnd += 1
            lengths.append(x.count - segEnd - segStartIndex)
        }
        self.lengths = lengths
    }

    /// Segments per second.
    func segmentsPerSecond(framePeriod: Double) -> Double {
        frameCount == 0 ? 0 : Double(lengths.count) / (Double(frameCount) * framePeriod)
    }

    /// Mean segment length (s): the total over the count when there are several, the single length otherwise.
    func meanLength(framePeriod: Double) -> Double {
        let total = Double(lengths.reduce(0, +))
        return (lengths.count > 1 ? total / Double(lengths.count) : total) * framePeriod
    }

    /// Population standard deviation of the segment lengths (s); 0 with fewer than two segments.
    func lengthStandardDeviation(framePeriod: Double) -> Double {
        guard lengths.count > 1 else { return 0 }
        let mean = Double(lengths.reduce(0, +)) / Double(lengths.count)
        let v = lengths.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(lengths.count)
        return v.squareRoot() * framePeriod
    }
}
