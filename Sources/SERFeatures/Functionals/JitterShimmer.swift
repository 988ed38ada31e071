import Foundation

/// openSMILE's `cPitchJitter` (eGeMAPS: `searchRangeRel = 0.1`, `minNumPeriods = 2`, `minCC = 0.5`,
/// peak-to-peak amplitudes): local jitter and shimmer (dB) per 60 ms F0 frame, measured on the raw
/// waveform period by period.
///
/// The analysis runs as openSMILE's does, as a stream: each F0 frame reads the samples from where the
/// previous voiced frame's last period started (at least two maximal periods), so periods are tracked
/// across frames. Inside, period candidates `L ∈ [⌊0.9·T₀⌋, ⌈1.1·T₀⌉]` samples (`T₀ = sr/F0`) are scored by
/// the normalised cross-correlation of two adjacent length-`L` stretches; the best local maximum is
/// refined by a parabola. Periods with correlation above 0.5 count: jitter is the mean absolute difference
/// of consecutive period lengths over the mean period, shimmer `20·log10(1 + mean|A₁ − A₀| / mean A)`
/// with `A` the peak-to-peak amplitude of a period. Unvoiced frames give 0 and reset the period history;
/// a voiced frame without a valid period repeats the previous frame's values.
struct JitterShimmer {
    static let searchRange = 0.1
    static let minimumPeriods = 2
    static let minimumCorrelation = 0.5

    /// `(jitterLocal, shimmerLocalDB)` per frame for F0 values `f0` (Hz, 0 = unvoiced) on frames starting
    /// every `hop` samples, each `frameLength` samples long.
    static func analyse(samples: [Float], sampleRate: Int, f0: [Double], hop: Int, frameLength: Int)
        -> (jitter: [Double], shimmerDB: [Double]) {
        let x = samples.map(Double.init)
        var jitterOut = [Double](repeating: 0, count: f0.count)
        var shimmerOut = [Double](repeating: 0, count: f0.count)
        var lastIdx = 0, lastMis = 0
        var lastT0 = 0.0
        var lastJitter = 0.0, lastShimmer = 0.0
        let samplePeriod = 1.0 / Double(sampleRate)

        for t in 0..<f0.count {
            let F0 = Double(Float(f0[t]))
            let startVidx = t * hop
            let toRead0 = hop + lastMis
            var toRead = toRead0
            var tf = 0.0, t0f = 0, t0minF = 0, t0maxF = 0
            if F0 > 0 {
                tf = 1.0 / F0 / samplePeriod
                t0f = Int(tf.rounded())
                t0minF = Int(((1 - searchRange) * tf).rounded(.down))
                t0maxF = Int(((1 + searchRange) * tf).rounded(.up))
                toRead = max(toRead, minimumPeriods * t0maxF + minimumPeriods)
            }
            var maxRead = lastMis + frameLength
            toRead = min(toRead, maxRead)
            if startVidx - lastMis != lastIdx {
                lastIdx = startVidx
                toRead = min(toRead, frameLength)
                maxRead = min(maxRead, frameLength)
            }
            let begin = min(lastIdx, x.count)
            let end = min(lastIdx + toRead, x.count)
            let nT = end - begin
            var lastPeriod = 0

            if F0 > 0 && t0minF > 0 {
                var nPeriods = 0.0, nPeriodsLocal = 0.0, avgPeriod = 0.0, jitterSum = 0.0
                var avgAmp = 0.0, avgAmpDiff = 0.0
                var cc = [Double](repeating: 0, count: t0maxF - t0minF + 1)
                var start = 0
                while start < nT - 2 * t0maxF - 1 {
                    for length in t0minF...t0maxF {
                        cc[length - t0minF] = crossCorrelation(x, begin + start, begin + start + length, length)
                    }
                    var best = cc[max(min(t0f - t0minF, cc.count - 1), 0)]
                    var maxI = -1
                    var i = 1
                    while i < t0maxF - t0minF - 1 {
                        if cc[i - 1] < cc[i] && cc[i] > cc[i + 1] {
                            if maxI == -1 || cc[i] > best { maxI = i; best = cc[i] }
                        }
                        i += 1
                    }
                    let pp = maxI == -1 ? t0f : t0minF + maxI
                    let os = start
                    if maxI >= 0 {
                        start += pp
                        let a0 = peakToPeak(x, begin + os, pp), a1 = peakToPeak(x, begin + start, pp)
                        let (vertex, ccI) = SubharmonicSummation.parabolaVertex(
                            Double(maxI - 1), cc[maxI - 1], Double(maxI), cc[maxI], Double(maxI + 1), cc[maxI + 1])
                        if ccI > minimumCorrelation {
                            let period = Double(Float(abs(Double(t0minF) + vertex) * samplePeriod))
                            avgPeriod += period
                            nPeriods += 1
                            if lastT0 > 0 {
                                jitterSum += abs(lastT0 - period)
                                nPeriodsLocal += 1
                            }
                            lastT0 = period
                            avgAmp += (a0 + a1) / 2
                            avgAmpDiff += abs(a0 - a1)
                        }
                    } else {
                        start += t0f
                    }
                    if start < toRead0 - 1 { lastPeriod = start }
                }
                lastMis = toRead0 - lastPeriod
                if nPeriods > 0 && nPeriodsLocal > 0 {
                    lastJitter = (jitterSum / nPeriodsLocal) / (avgPeriod / nPeriods)
                }
                if nPeriods > 0 {
                    lastShimmer = avgAmp > 0 ? avgAmpDiff / avgAmp : 0
                }
                if nPeriods > 0 && nPeriodsLocal > 0 {
                    lastJitter = min(lastJitter, 1)
                    jitterOut[t] = lastJitter
                } else if nPeriods == 0 {
                    lastJitter = min(lastJitter, 1)
                    jitterOut[t] = lastJitter
                }
                lastShimmer = min(lastShimmer, 1)
                shimmerOut[t] = 20 * log10(lastShimmer + 1)
            } else {
                lastPeriod = toRead0
                lastMis = 0
                lastT0 = 0
                lastJitter = 0
                lastShimmer = 0
            }
            lastIdx += lastPeriod
        }
        return (jitterOut, shimmerOut)
    }

    /// Pearson correlation of `x[a ..< a+n]` and `x[b ..< b+n]` (0 beyond the end of `x`).
    static func crossCorrelation(_ x: [Double], _ a: Int, _ b: Int, _ n: Int) -> Double {
        var mx = 0.0, my = 0.0
        for i in 0..<n { mx += value(x, a + i); my += value(x, b + i) }
        mx /= Double(n); my /= Double(n)
        var cc = 0.0, nx = 0.0, ny = 0.0
        for i in 0..<n {
            let dx = value(x, a + i) - mx, dy = value(x, b + i) - my
            cc += dx * dy; nx += dx * dx; ny += dy * dy
        }
        let d = nx.squareRoot() * ny.squareRoot()
        return d > 0 ? cc / d : 0
    }

    /// Peak-to-peak amplitude of `x[a+1 ..< a+n−1]` (openSMILE skips the first and last sample).
    static func peakToPeak(_ x: [Double], _ a: Int, _ n: Int) -> Double {
        guard n > 2 else { return 0 }
        var hi = value(x, a + 1), lo = hi
        for i in 1..<(n - 1) { let v = value(x, a + i); hi = max(hi, v); lo = min(lo, v) }
        return hi - lo
    }

    @inline(__always) static func value(_ x: [Double], _ i: Int) -> Double { i < x.count ? x[i] : 0 }
}
