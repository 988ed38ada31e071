import Foundation

/// The waveform searches of Praat's `Sound & Pitch: To PointProcess (cc)` (reference section 2):
/// `Sound_findExtremum` and `Sound_findMaximumCorrelation`, for a mono sound in Praat's sample numbering
/// (sample `i`, 1-based, is `x[i - 1]` at time `axis.time(ofIndex: i)`).
struct PulseSearch {
    let x: UnsafePointer<Double>
    let axis: PraatTimeAxis
    var nx: Int { axis.count }

    /// Time of the extremum of the waveform in `[tmin, tmax]` with parabolic refinement.
    /// With both (or neither) flags the larger of |min| and |max| wins (the maximum on a tie).
    func findExtremum(_ tmin: Double, _ tmax: Double, includeMaxima: Bool, includeMinima: Bool) -> Double {
        var imin = axis.lowIndex(tmin), imax = axis.highIndex(tmax)
        if imin < 1 { imin = 1 }
        if imax > nx { imax = nx }
        let n = imax - imin + 1
        let includeAll = includeMaxima == includeMinima
        let y = x + (imin - 1)   // y[k - 1] is window sample k (1-based)
        let iextremum: Double
        if n < 3 {
            if n <= 0 {
                iextremum = 0
            } else if n == 1 {
                iextremum = 1
            } else {
                let x1 = y[0], x2 = y[1]
                let xleft = includeAll ? abs(x1) : includeMaxima ? x1 : -x1
                let xright = includeAll ? abs(x2) : includeMaxima ? x2 : -x2
                iextremum = xleft > xright ? 1 : xleft < xright ? 2 : 1.5
            }
        } else {
            var minimum = y[0], maximum = y[0]
            var kmin = 1, kmax = 1
            for k in 2...n {
                let v = y[k - 1]
                if v < minimum { minimum = v; kmin = k }
                if v > maximum { maximum = v; kmax = k }
            }
            if minimum == maximum {
                iextremum = 0.5 * (Double(n) + 1.0)
            } else {
                let kextr = includeAll ? (abs(minimum) > abs(maximum) ? kmin : kmax) : includeMaxima ? kmax : kmin
                if kextr == 1 {
                    iextremum = 1
                } else if kextr == n {
                    iextremum = Double(n)
                } else {
                    let mid = y[kextr - 1], left = y[kextr - 2], right = y[kextr]
                    iextremum = Double(kextr) + 0.5 * (right - left) / (2 * mid - left - right)
                }
            }
        }
        if iextremum != 0 {
            return axis.x1 + (Double(imin - 1) + iextremum - 1) * axis.dx
        }
        return (tmin + tmax) / 2
    }

    /// Cross-correlation search: the reference span of length `windowLength` centred at `t1` is compared
    /// with spans centred in `[tmin2, tmax2]`, one sample apart (raw samples, no mean removal or window).
    /// Returns the parabolically interpolated maximum correlation and its time, and the peak |amplitude|
    /// of the span that follows the best one (Praat's quirk), or `correlation == -1` when no local maximum
    /// was found (then `time` is `t1`, unchanged).
    func findMaximumCorrelation(t1: Double, windowLength: Double, tmin2: Double, tmax2: Double)
        -> (correlation: Double, time: Double, peak: Double) {
        var maximumCorrelation = -1.0
        var r1Best = 0.0, r3Best = 0.0, ir = 0.0
        var r1 = 0.0, r2 = 0.0, r3 = 0.0
        let halfWindowLength = 0.5 * windowLength
        let ileft1 = axis.nearestIndex(t1 - halfWindowLength)
        let iright1 = axis.nearestIndex(t1 + halfWindowLength)
        let ileft2min = axis.lowIndex(tmin2 - halfWindowLength)
        let ileft2max = axis.highIndex(tmax2 - halfWindowLength)
        var peak = 0.0
        if ileft2min <= ileft2max && ileft1 <= iright1 {
            // Correlations of up to four consecutive starts at once (one SIMD lane per start). Each lane
            // sums its products in the same order as the one-start loop, so the values are bit-identical.
            var ileft2 = ileft2min
            var lanes = SIMD4<Double>()   // r3 of the starts ileft2 ..< ileft2 + 4
            var lanePeaks = SIMD4<Double>()
            var laneCount = 0, lane = 0
            while ileft2 <= ileft2max {
                if lane == laneCount {
                    laneCount = spanCorrelations(ileft1: ileft1, iright1: iright1, firstStart: ileft2,
                                                 maxCount: ileft2max - ileft2 + 1, r: &lanes, peaks: &lanePeaks)
                    lane = 0
                }
                let localPeak = lanePeaks[lane]
                r1 = r2
                r2 = r3
                r3 = lanes[lane]
                lane += 1
                if r2 > maximumCorrelation && r2 >= r1 && r2 >= r3 {
                    r1Best = r1
                    maximumCorrelation = r2
                    r3Best = r3
                    ir = Double(ileft2 - 1)
                    peak = localPeak
                }
                ileft2 += 1
            }
        }
        var tout = t1
        if maximumCorrelation > -1.0 {
            let d2r = 2 * maximumCorrelation - r1Best - r3Best
            if d2r != 0.0 {
                let dr = 0.5 * (r3Best - r1Best)
                maximumCorrelation += 0.5 * dr * dr / d2r
                ir += dr / d2r
            }
            tout = t1 + (ir - Double(ileft1)) * axis.dx
        }
        return (maximumCorrelation, tout, peak)
    }

    /// `sum a[i]^2`, and for lanes j = 0..<4: `sum b[i + j]^2` and `sum a[i] b[i + j]`, over i in 0..<n, each
    /// accumulated in index order (the same rounding as a one-lane loop).
    @inline(never)
    private static func sums4(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int)
        -> (Double, SIMD4<Double>, SIMD4<Double>) {
        var aa = 0.0
        var bb01 = SIMD2<Double>(), bb23 = SIMD2<Double>(), ab01 = SIMD2<Double>(), ab23 = SIMD2<Double>()
        var i = 0
        while i < n {
            let ai = a[i]
            let b01 = SIMD2<Double>(b[i], b[i &+ 1]), b23 = SIMD2<Double>(b[i &+ 2], b[i &+ 3])
            aa += ai * ai
            bb01 += b01 * b01
            bb23 += b23 * b23
            ab01 += ai * b01
            ab23 += ai * b23
            i &+= 1
        }
        return (aa, SIMD4<Double>(lowHalf: bb01, highHalf: bb23), SIMD4<Double>(lowHalf: ab01, highHalf: ab23))
    }

    /// Normalised correlations between the reference span `ileft1...iright1` and the spans starting at
    /// `firstStart`, `firstStart + 1`, ... (four when all pairs lie inside the sound, the span has at
    /// least 4 samples and `maxCount >= 4`; else one), with each compared span's peak |amplitude|. Pairs
    /// with an index outside `1...nx` are skipped; a zero product sum gives 0 (Praat <= 6.4.06).
    /// Returns how many lanes were filled.
    private func spanCorrelations(ileft1: Int, iright1: Int, firstStart: Int, maxCount: Int,
                                  r: inout SIMD4<Double>, peaks: inout SIMD4<Double>) -> Int {
        let shift = firstStart - ileft1
        let allInside = ileft1 >= 1 && iright1 <= nx && ileft1 + shift >= 1 && iright1 + shift + 3 <= nx
        if maxCount >= 4 && iright1 - ileft1 >= 3 && allInside {
            let (norm1, norm2, product) = Self.sums4(x + (ileft1 - 1), x + (ileft1 + shift - 1),
                                                     iright1 - ileft1 + 1)
            // Peak |amplitude| of each compared span [first + j, last + j]: the part common to all four
            // lanes, [first + 3, last], then each lane's own ends [first + j, first + 2] and [last + 1, last + j].
            let first = ileft1 + shift, last = iright1 + shift
            var common = 0.0
            var i = first + 3
            while i <= last { let v = abs(x[i - 1]); if v > common { common = v }; i += 1 }
            for j in 0..<4 {
                var peak = common
                i = first + j
                while i <= first + 2 { let v = abs(x[i - 1]); if v > peak { peak = v }; i += 1 }
                i = last + 1
                while i <= last + j { let v = abs(x[i - 1]); if v > peak { peak = v }; i += 1 }
                peaks[j] = peak
                r[j] = product[j] != 0.0 ? product[j] / (norm1 * norm2[j]).squareRoot() : 0.0
            }
            return 4
        }
        var norm1 = 0.0, norm2 = 0.0, product = 0.0, localPeak = 0.0
        let lo = max(ileft1, 1, 1 - shift), hi = min(iright1, nx, nx - shift)
        if lo <= hi {
            for i1 in lo...hi {
                let amp1 = x[i1 - 1], amp2 = x[i1 + shift - 1]
                norm1 += amp1 * amp1
                norm2 += amp2 * amp2
                product += amp1 * amp2
                if abs(amp2) > localPeak { localPeak = abs(amp2) }
            }
        }
        r[0] = product != 0.0 ? product / (norm1 * norm2).squareRoot() : 0.0
        peaks[0] = localPeak
        return 1
    }
}
