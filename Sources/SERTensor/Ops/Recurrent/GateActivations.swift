/// The gate nonlinearities of the recurrent kernels.
///
/// `Float` uses branch-free approximations built from +, ×, ÷ and exponent-bit arithmetic, so the
/// compiler vectorises the gate loops (libm's `expf`/`tanhf` are scalar calls and would dominate a
/// recurrent step). Accuracy: `exp` within 2 ulp on `[-87, 88]` (Cephes `expf` polynomial); `sigmoid`
/// and `tanh` within a few ulp (tanh uses the Cephes odd polynomial for `|x| < 0.625`, so small values
/// keep their relative accuracy). `Double` (the gradient checker's precision) uses libm, exactly.
enum GateActivation {
    /// `e^x` for `Float`, clamped to `[-87, 88]` (no overflow, no denormal scale).
    @inline(__always)
    static func expFloat(_ x: Float) -> Float {
        let xc = x < -87 ? -87 : (x > 88 ? 88 : x)
        // Round x·log2(e) to the nearest integer n with the 1.5·2^23 trick; n sits in t's low mantissa bits.
        let t = xc * 1.442695040888963 + 12_582_912
        let n = t - 12_582_912
        let r = (xc - n * 0.693359375) + n * 2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let er = p * (r * r) + r + 1
        let scale = Float(bitPattern: (t.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
        return er * scale
    }

    @inline(__always)
    static func sigmoidFloat(_ x: Float) -> Float { 1 / (1 + expFloat(-x)) }

    @inline(__always)
    static func tanhFloat(_ x: Float) -> Float {
        let a = x < 0 ? -x : x
        let e = expFloat(2 * a)
        let big = 1 - 2 / (e + 1)
        let s = x * x
        var p: Float = -5.70498872745e-3
        p = p * s + 2.06390887954e-2
        p = p * s - 5.37397155531e-2
        p = p * s + 1.33314422036e-1
        p = p * s - 3.33332819422e-1
        let small = p * s * x + x
        return a < 0.625 ? small : (x < 0 ? -big : big)
    }

    /// Logistic function `1 / (1 + e^{-x})`.
    @inline(__always)
    static func sigmoid<T: TensorScalar>(_ x: T) -> T {
        if T.self == Float.self { return unsafeBitCast(sigmoidFloat(unsafeBitCast(x, to: Float.self)), to: T.self) }
        return x >= 0 ? 1 / (1 + T.exp(-x)) : T.exp(x) / (1 + T.exp(x))
    }

    /// Hyperbolic tangent.
    @inline(__always)
    static func tanh<T: TensorScalar>(_ x: T) -> T {
        if T.self == Float.self { return unsafeBitCast(tanhFloat(unsafeBitCast(x, to: Float.self)), to: T.self) }
        return T.tanh(x)
    }
}
