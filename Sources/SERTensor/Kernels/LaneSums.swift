/// Sums over one contiguous float32 row in 32 lanes (two `SIMD16<Float>` accumulators, lane `i mod 32` takes
/// element `i`; the lanes are then added in order and the tail of fewer than 32 elements after them), for the
/// per-channel statistics of batch normalisation. A scalar loop adds one element after another and waits for each
/// addition; 32 independent lanes do not, and their partial sums also round less. Products and sums are rounded
/// separately (no fused multiply-add, which builds for baseline x86-64 would call as a library function per lane).
enum LaneSums {
    private typealias Lanes = SIMD16<Float>


    /// `Σ p[i]` for `i` in `0..<count`.
    static func sum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        var a = Lanes(), b = Lanes(), i = 0
        while i + 32 <= count {
            a += Lanes16.load(p + i)
            b += Lanes16.load(p + i + 16)
            i += 32
        }
        var total = (a + b).sum()
        while i < count { total += p[i]; i += 1 }
        return total
    }

    /// `Σ (p[i] − mean)²`.
    static func squaredDeviations(_ p: UnsafePointer<Float>, count: Int, from mean: Float) -> Float {
        let m = Lanes(repeating: mean)
        var a = Lanes(), b = Lanes(), i = 0
        while i + 32 <= count {
            let d0 = Lanes16.load(p + i) - m, d1 = Lanes16.load(p + i + 16) - m
            a += d0 * d0
            b += d1 * d1
            i += 32
        }
        var total = (a + b).sum()
        while i < count { let d = p[i] - mean; total += d * d; i += 1 }
        return total
    }

    /// LeakyReLU after the batch norm's affine map: the gradient `g` arrives at `z = scale·x + shift` and passes on
    /// as `z > 0 ? g : slope·g`.
    struct LeakyMask { var scale: Float; var shift: Float; var slope: Float }

    /// `(Σ g[i], Σ g[i]·(x[i] − mean)·scale)`: batch normalisation's backward sums, `scale` the inverse deviation;
    /// with `leaky`, each `g[i]` is first masked by ``LeakyMask``.
    static func gradientSums(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int, mean: Float,
                             scale: Float, leaky: LeakyMask? = nil) -> (Float, Float) {
        let m = Lanes(repeating: mean), r = Lanes(repeating: scale)
        var g0 = Lanes(), g1 = Lanes(), gx0 = Lanes(), gx1 = Lanes(), i = 0
        if let leaky {
            let za = Lanes(repeating: leaky.scale), zb = Lanes(repeating: leaky.shift), slope = Lanes(repeating: leaky.slope)
            while i + 32 <= count {
                let x0 = Lanes16.load(x + i), x1 = Lanes16.load(x + i + 16)
                let raw0 = Lanes16.load(g + i), raw1 = Lanes16.load(g + i + 16)
                let a = (raw0 * slope).replacing(with: raw0, where: x0 * za + zb .> 0)
                let b = (raw1 * slope).replacing(with: raw1, where: x1 * za + zb .> 0)
                g0 += a
                g1 += b
                gx0 += a * ((x0 - m) * r)
                gx1 += b * ((x1 - m) * r)
                i += 32
            }
        } else {
            while i + 32 <= count {
                let a = Lanes16.load(g + i), b = Lanes16.load(g + i + 16)
                g0 += a
                g1 += b
                gx0 += a * ((Lanes16.load(x + i) - m) * r)
                gx1 += b * ((Lanes16.load(x + i + 16) - m) * r)
                i += 32
            }
        }
        var sumG = (g0 + g1).sum(), sumGX = (gx0 + gx1).sum()
        while i < count {
            var gi = g[i]
            if let leaky, !(x[i] * leaky.scale + leaky.shift > 0) { gi *= leaky.slope }
            sumG += gi; sumGX += gi * (x[i] - mean) * scale; i += 1
        }
        return (sumG, sumGX)
    }
}
