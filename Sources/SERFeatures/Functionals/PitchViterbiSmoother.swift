import Foundation

/// openSMILE's `cPitchSmootherViterbi` with eGeMAPS' weights: a Viterbi search over 7 states per frame
/// (the 6 SHS candidates and "unvoiced") choosing the final F0.
///
/// Costs (natural logs): local cost of candidate `i` with voicing `v` (clipped to [0.01, 1]) and F0 `f`:
/// `2·(−ln v + 4·[v < 0.7]) + 1·w(f)` with the range weight `w` (1 − f/100 below 100 Hz, 0 to 350 Hz,
/// rising to 1 at 600 Hz, 1.2 above, 2 for an empty candidate); of "unvoiced": `2·4` if any candidate is
/// voiced, else 0. Transitions: voiced→voiced `10·|r| + 10·|r − r′|` with `r = ln(f₁/f₀)` and `r′` the
/// previous *evaluated* ratio (openSMILE keeps one running value across all state pairs, and sets
/// `wTvvd` to `wTvv`); an empty candidate 999; voiced↔unvoiced 10; unvoiced→unvoiced 1 (openSMILE's
/// chained comparison never matches its `wTuu = 0` branch). Paths are decided where all 7 agree, or
/// forced after 40 frames, and flushed at the end.
struct PitchViterbiSmoother {
    static let bufferLength = 40
    static let wLocal = 2.0, wTvv = 10.0, wTvvd = 10.0, wTvuv = 10.0, wThr = 4.0, wRange = 1.0
    static let voicingThreshold = 0.7

    /// Final F0 (Hz, 0 = unvoiced) per frame.
    static func smooth(_ frames: [SubharmonicSummation.Candidates]) -> [Double] {
        let nStates = SubharmonicSummation.candidateCount + 1
        let unvoiced = nStates - 1
        let bufLen = bufferLength
        let frameCount = frames.count
        guard frameCount > 0 else { return [] }
        var lastChange = 1.0

        func localCost(_ i: Int, _ frame: SubharmonicSummation.Candidates) -> Double {
            if i < unvoiced {
                var pv = Double(Float(frame.voicing[i]))
                pv = min(max(pv, 0.01), 1.0)
                let thr = pv < voicingThreshold ? wThr : 0
                return (-log(pv) + thr) * wLocal + rangeWeight(frame.f0[i]) * wRange
            }
            for j in 0..<(nStates - 1) where frame.voicing[j] >= voicingThreshold { return wLocal * wThr }
            return 0
        }
        func transitionCost(_ i: Int, _ j: Int, previous: SubharmonicSummation.Candidates,
                            current: SubharmonicSummation.Candidates) -> Double {
            if i < unvoiced && j < unvoiced {
                let f0 = Float(previous.f0[j]), f1 = Float(current.f0[i])
                if f0 == 0 || f1 == 0 { return 999 }
                let r = log(Double(f1 / f0))
                let x = wTvv * abs(r) + wTvvd * abs(r - lastChange)
                lastChange = r
                return x
            }
            if (i == unvoiced && j < unvoiced) || (i < unvoiced && j == unvoiced) {
                lastChange = 0
                return wTvuv
            }
            return 1.0
        }

        var paths = [[Int]](repeating: [Int](repeating: 0, count: nStates * bufLen), count: 2)
        var bestPath = [Int](repeating: 0, count: bufLen)
        var pathCosts = [Double](repeating: 0, count: nStates)
        var pathCostsNew = [Double](repeating: 0, count: nStates)
        var pathBuf = 0, pathIdx = 0, convIdx = -1, readIdx = 0
        var output = [Double](repeating: 0, count: frameCount)

        func emitAvailable() {
            while readIdx <= convIdx {
                let s = bestPath[readIdx % bufLen]
                output[readIdx] = s < unvoiced ? Double(Float(frames[readIdx].f0[s])) : 0
                readIdx += 1
            }
        }

        for t in 0..<frameCount {
            let frame = frames[t]
            if pathIdx == 0 {
                convIdx = -1
                for i in 0..<nStates {
                    pathCosts[i] = localCost(i, frame)
                    paths[pathBuf][i * bufLen] = i
                }
            } else {
                let previous = frames[t - 1]
                let newBuf = (pathBuf + 1) % 2
                for i in 0..<nStates {
                    var minState = 0
                    var minCost = transitionCost(i, 0, previous: previous, current: frame) + pathCosts[0]
                    for j in 1..<nStates {
                        let c = transitionCost(i, j, previous: previous, current: frame) + pathCosts[j]
                        if c < minCost { minState = j; minCost = c }
                    }
                    pathCostsNew[i] = minCost + localCost(i, frame)
                    for k in 0..<bufLen { paths[newBuf][i * bufLen + k] = paths[pathBuf][minState * bufLen + k] }
                    paths[newBuf][i * bufLen + pathIdx % bufLen] = i
                }
                swap(&pathCosts, &pathCostsNew)
                pathBuf = newBuf
            }
            pathIdx += 1
            if pathIdx - convIdx > bufLen {
                var minState = 0
                for i in 1..<nStates where pathCosts[i] < pathCosts[minState] { minState = i }
                convIdx += 1
                bestPath[convIdx % bufLen] = paths[pathBuf][minState * bufLen + convIdx % bufLen]
            } else {
                var n = convIdx + 1
                while n < pathIdx {
                    let x = paths[pathBuf][n % bufLen]
                    var match = true
                    for i in 1..<nStates where paths[pathBuf][i * bufLen + n % bufLen] != x { match = false; break }
                    if !match { break }
                    convIdx += 1
                    bestPath[convIdx % bufLen] = x
                    n += 1
                }
            }
            emitAvailable()
        }
        // flush
        var minState = 0
        for i in 1..<nStates where pathCosts[i] < pathCosts[minState] { minState = i }
        while convIdx + 1 < pathIdx {
            convIdx += 1
            bestPath[convIdx % bufLen] = paths[pathBuf][minState * bufLen + convIdx % bufLen]
        }
        emitAvailable()
        return output
    }

    /// openSMILE's built-in F0 range weight.
    static func rangeWeight(_ hz: Double) -> Double {
        let f = Float(hz)
        if f > 0 && f < 100 { return -(1.0 / 100.0) * Double(f) + 1.0 }
        if f >= 100 && f < 350 { return 0 }
        if f >= 350 && f < 600 { return (Double(f) - 350.0) / 250.0 }
        if f >= 600 { return 1.2 }
        return 2.0
    }
}
