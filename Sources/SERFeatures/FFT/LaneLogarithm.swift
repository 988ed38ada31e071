import Foundation

/// Natural logarithm of 16 floats in one vector operation, for the log of log-mel (libm's `logf` is a scalar
/// call per band and frame and cost as much as the FFT).
///
/// **Algorithm** (Cephes `logf`): write `x = m · 2^e` with `m` in `[√½, √2)`, so `log x = e·ln 2 + log m`;
/// `log m` is `f − f²/2 + f³·P(f)` with `f = m − 1` and a degree-8 polynomial `P`, and `ln 2` is split
/// into `0.693359375 − 2.12194440e-4` so `e·ln 2` adds no rounding of its own.
///
/// **Domain.** Positive normal floats (`x ≥ Float.leastNormalMagnitude`, finite). Lanes outside it (zero,
/// subnormal, negative, infinite, NaN) are computed by libm, so every input gives libm's answer up to the
/// polynomial's error (under 1 ulp measured; `LaneLogarithmTests` checks it against `log` in double precision).
enum LaneLogarithm {
    typealias Lanes = SIMD16<Float>

    @inline(__always)
    static func log(_ x: Lanes) -> Lanes {
        let inDomain = (x .>= Float.leastNormalMagnitude) .& (x .<= Float.greatestFiniteMagnitude)
        guard all(inDomain) else {
            var out = Lanes()
            for l in 0..<16 { out[l] = Foundation.log(x[l]) }
            return out
        }
        let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
        // m in [0.5, 1): the mantissa with the exponent of 0.5; e counts the remaining powers of two.
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: Lanes.self)
        var e = Lanes(SIMD16<Int32>(truncatingIfNeeded: bits &>> 23) &- 126)
        // Move m into [√½, √2): below √½ double it and take one from e.
        let low = m .< 0.707106781186547524
        e.replace(with: e - 1, where: low)
        m.replace(with: m + m, where: low)
        let f = m - 1
        let z = f * f
        var p = Lanes(repeating: 7.0376836292e-2)
        p = p * f - 1.1514610310e-1
        p = p * f + 1.1676998740e-1
        p = p * f - 1.2420140846e-1
        p = p * f + 1.4249322787e-1
        p = p * f - 1.6668057665e-1
        p = p * f + 2.0000714765e-1
        p = p * f - 2.4999993993e-1
        p = p * f + 3.3333331174e-1
        var y = p * f * z
        y += e * -2.12194440e-4
        y += z * -0.5
        return f + y + e * 0.693359375
    }
}
