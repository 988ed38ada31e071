import Foundation

/// Praat's windowed-sinc interpolation and Brent maximisation of a sampled curve (reference 1.5 step 9
/// and 1.6; Praat's `NUM_interpolate_sinc`, `NUMimproveMaximum`, `NUMminimize_brent`).
///
/// Arrays are addressed 1-based as in Praat: `y[1...n]` is `pointer[0..<n]`, and a real position `x`
/// refers to that numbering.
enum PraatSinc {
    /// `log2(e)`, as Praat's `NUMlog2(x) = log(x) * NUMlog2e`.
    static let log2e = 1.442695040888963407359924681001892137

    /// `NUMlog2`.
    @inline(__always) static func log2(_ x: Double) -> Double { Foundation.log(x) * log2e }

    /// Windowed-sinc interpolation of `y[1...n]` at real position `x`, with at most `maxDepth` points on
    /// each side. Out of range: the end value; at an integer position: that sample. The depth is clipped
    /// to the samples available on each side; depth 0 is nearest-neighbour, 1 linear, 2 cubic.
    /// Each side's raised-cosine window spans up to one point beyond the outermost used sample
    /// (`x - left + 1` on the left, `right - x + 1` on the right: Praat up to 6.4.23).
    /// Term `k`: `y[k] * sin(pi (x - k)) / (pi (x - k)) * (0.5 + 0.5 cos(pi (x - k) / span))`; the sum is
    /// not normalised.
    static func interpolate(_ y: UnsafePointer<Double>, count n: Int, x: Double, maxDepth: Int) -> Double {
        if n < 1 { return .nan }
        if x > Double(n) { return y[n - 1] }
        if x < 1 { return y[0] }
        let midleft = Int(x.rounded(.down)), midright = midleft + 1
        if x == Double(midleft) { return y[midleft - 1] }
        var depth = maxDepth
        if depth > midright - 1 { depth = midright - 1 }
        if depth > n - midleft { depth = n - midleft }
        if depth <= 0 { return y[Int((x + 0.5).rounded(.down)) - 1] }
        if depth == 1 { return y[midleft - 1] + (x - Double(midleft)) * (y[midright - 1] - y[midleft - 1]) }
        if depth == 2 {
            let yl = y[midleft - 1], yr = y[midright - 1]
            let dyl = 0.5 * (yr - y[midleft - 2]), dyr = 0.5 * (y[midright] - yl)
            let fil = x - Double(midleft), fir = Double(midright) - x
            return yl * fir + yr * fil - fil * fir * (0.5 * (dyr - dyl) + (fil - 0.5) * (dyl + dyr - 2 * (yr - yl)))
        }
        let left = midright - depth, right = midleft + depth
        // sin(pi (x - k)) / (pi (x - k)) alternates in sign from one k to the next; sin(pi (midright - x))
        // equals sin(pi (x - midleft)), so one sine serves both sides.
        let aLeft = Double.pi * (x - Double(midleft))
        let halfSin = 0.5 * sin(aLeft)
        let leftSum = sideSum(y, from: midleft, count: midleft - left + 1, step: -1, a0: aLeft, halfSin: halfSin,
                              span: x - Double(left) + 1)
        let rightSum = sideSum(y, from: midright, count: right - midright + 1, step: 1,
                               a0: Double.pi * (Double(midright) - x), halfSin: halfSin,
                               span: Double(right) - x + 1)
        return leftSum + rightSum
    }

    /// One side of the windowed-sinc sum: terms `k = from, from + step, ...` (`count` of them), the j-th
    /// with sinc argument `a = a0 + j pi` (so `sin a = (-1)^j sin a0`) and window phase `a / span`.
    ///
    /// This loop is where the pitch analysis spends most of its time. Four terms are done at once
    /// (SIMD lanes j, j+1, j+2, j+3); the raised-cosine window is advanced by rotating each lane's
    /// (cos, sin) by `4 pi / span` instead of calling `cos()` per term. The result agrees with Praat's
    /// term-by-term sum to about 1e-14.
    @inline(__always)
    private static func sideSum(_ y: UnsafePointer<Double>, from: Int, count: Int, step: Int, a0: Double,
                                halfSin: Double, span: Double) -> Double {
        let daa = Double.pi / span
        let (s0, c0) = sinCos(a0 / span)
        let (sd, cd) = sinCos(daa)
        // Lane j holds term j (mod 4): window phase a0/span + j daa.
        let c1 = c0 * cd - s0 * sd, s1 = s0 * cd + c0 * sd
        let c2 = c1 * cd - s1 * sd, s2 = s1 * cd + c1 * sd
        let c3 = c2 * cd - s2 * sd, s3 = s2 * cd + c2 * sd
        var c = SIMD4<Double>(c0, c1, c2, c3)
        var s = SIMD4<Double>(s0, s1, s2, s3)
        let s2d = 2 * sd * cd, c2d = cd * cd - sd * sd            // rotation by 2 daa, then 4 daa
        let s4 = 2 * s2d * c2d, c4 = c2d * c2d - s2d * s2d
        let cr = SIMD4<Double>(repeating: c4), sr = SIMD4<Double>(repeating: s4)
        let hs = SIMD4<Double>(halfSin, -halfSin, halfSin, -halfSin)
        var a = SIMD4<Double>(a0, a0 + Double.pi, a0 + 2 * Double.pi, a0 + 3 * Double.pi)
        let fourPi = SIMD4<Double>(repeating: 4 * Double.pi)
        let one = SIMD4<Double>(repeating: 1)
        var acc = SIMD4<Double>(repeating: 0)
        var k = from - 1   // 0-based pointer index of the current group's first term
        var j = 0
        while j + 4 <= count {
            let yv = SIMD4<Double>(y[k], y[k + step], y[k + 2 * step], y[k + 3 * step])
            acc += yv * (hs / a * (one + c))
            a += fourPi
            let cn = c * cr - s * sr
            s = s * cr + c * sr
            c = cn
            k += 4 * step
            j += 4
        }
        var result = acc.sum()
        var lane = 0
        while j < count {
            result += y[k] * (hs[lane] / a[lane] * (1.0 + c[lane]))
            k += step
            j += 1
            lane += 1
        }
        return result
    }

    /// `(sin θ, cos θ)`. For `|θ| <= 0.25` (the window phases of every interpolation deeper than about 12
    /// points) by their Taylor polynomials through degree 13 and 14 (truncation error below 1e-21);
    /// otherwise by the C library.
    @inline(__always)
    static func sinCos(_ t: Double) -> (Double, Double) {
        guard abs(t) <= 0.25 else { return (sin(t), cos(t)) }
        let t2 = t * t
        var s = 1.0 / 6227020800.0                         // 1/13!
        s = s * t2 - 1.0 / 39916800.0
        s = s * t2 + 1.0 / 362880.0
        s = s * t2 - 1.0 / 5040.0
        s = s * t2 + 1.0 / 120.0
        s = s * t2 - 1.0 / 6.0
        var c = 1.0 / 87178291200.0                        // 1/14!
        c = c * t2 - 1.0 / 479001600.0
        c = c * t2 + 1.0 / 3628800.0
        c = c * t2 - 1.0 / 40320.0
        c = c * t2 + 1.0 / 720.0
        c = c * t2 - 1.0 / 24.0
        c = c * t2 + 0.5
        return (t + t * t2 * s, 1.0 - t2 * c)
    }

    /// `sqrt` of LAPACK's `dlamch('E')` (2^-53), the relative tolerance term of Praat's Brent minimiser.
    static let sqrtEpsilon = (0x1p-53 as Double).squareRoot()

    /// Brent's minimisation of `f` on `[a, b]` (netlib `fmin` as adapted in Praat's `NUMminimize_brent`):
    /// golden section 0.381966..., absolute tolerance `tol`, at most 60 iterations.
    /// Returns the abscissa and the function value there.
    @inline(__always)
    static func minimizeBrent(_ f: (Double) -> Double, _ a0: Double, _ b0: Double, tol: Double) -> (x: Double, fx: Double) {
        var a = a0, b = b0
        let golden = 1 - 0.6180339887498948482
        var v = a + golden * (b - a)
        var fv = f(v)
        var x = v, w = v
        var fx = fv, fw = fv
        for _ in 1...60 {
            let range = b - a
            let middleRange = (a + b) / 2.0
            let tolAct = sqrtEpsilon * abs(x) + tol / 3.0
            if abs(x - middleRange) + range / 2.0 <= 2.0 * tolAct { return (x, fx) }
            var newStep = golden * (x < middleRange ? b - x : a - x)
            if abs(x - w) >= tolAct {
                let t = (x - w) * (fx - fv)
                var q = (x - v) * (fx - fw)
                var p = (x - v) * q - (x - w) * t
                q = 2.0 * (q - t)
                if q > 0.0 { p = -p } else { q = -q }
                if abs(p) < abs(newStep * q) && p > q * (a - x + 2.0 * tolAct) && p < q * (b - x - 2.0 * tolAct) {
                    newStep = p / q
                }
            }
            if abs(newStep) < tolAct { newStep = newStep > 0.0 ? tolAct : -tolAct }
            let t = x + newStep
            let ft = f(t)
            if ft <= fx {
                if t < x { b = x } else { a = x }
                v = w; w = x; x = t
                fv = fw; fw = fx; fx = ft
            } else {
                if t < x { a = t } else { b = t }
                if ft <= fw || w == x {
                    v = w; w = t
                    fv = fw; fw = ft
                } else if ft <= fv || v == x || v == w {
                    v = t
                    fv = ft
                }
            }
        }
        return (x, fx)
    }

    /// Praat's `NUMimproveMaximum` with sinc interpolation of depth `depth` (70 or 700): maximises the
    /// interpolated `y` over `[ixmid - 1, ixmid + 1]` with Brent (tolerance 1e-10).
    /// Returns the position (1-based, real) and the interpolated maximum.
    static func improveMaximum(_ y: UnsafePointer<Double>, count n: Int, ixmid: Int, depth: Int) -> (x: Double, y: Double) {
        if ixmid <= 1 { return (1, y[0]) }
        if ixmid >= n { return (Double(n), y[n - 1]) }
        let r = minimizeBrent({ -interpolate(y, count: n, x: $0, maxDepth: depth) },
                              Double(ixmid - 1), Double(ixmid + 1), tol: 1e-10)
        return (r.x, -r.fx)
    }
}
