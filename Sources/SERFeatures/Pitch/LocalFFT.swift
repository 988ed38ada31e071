import Foundation

/// A small radix-2 real FFT in Double, local to the pitch analysis.
///
/// **Why local.** The autocorrelation method needs one forward and one inverse real FFT per frame of a
/// power-of-two size (1024 at 16 kHz with Praat's defaults), in double precision as Praat computes it:
/// the normalised autocorrelation decides voicing and candidate order, and float rounding (1e-7) would
/// move f0 and occasionally a decision. The package's library FFT, Debian's KissFFT (`CKissFFT`), is
/// built for float only, so this one stays until a double-precision library FFT is linked. The analysis
/// reaches it only through ``autocorrelate(_:output:workspace:)`` (and the window's autocorrelation
/// through the same call), so swapping it touches this file alone.
///
/// **Method.** A real sequence of length `n` is packed into a complex sequence of length `m = n / 2`
/// (`z[k] = x[2k] + i x[2k+1]`), transformed with an iterative radix-2 decimation-in-time FFT
/// (split real/imaginary arrays, bit-reversed input order, precomputed twiddles) and unpacked into the
/// `m + 1` non-redundant bins. Sign convention: forward `X[k] = sum_j x[j] e^{-2 pi i jk/n}`; the inverse
/// includes the `1/n` factor, so `inverse(forward(x)) == x` up to rounding.
final class LocalRealFFT: Sendable {
    /// Real transform length (a power of two, >= 4).
    let n: Int
    /// Complex transform length `n / 2`.
    let m: Int
    private let bitReversed: [Int]
    /// Twiddles of the complex-FFT stages of length 8, 16, ..., m, stage after stage:
    /// `cos(2 pi j / len)`, `sin(2 pi j / len)` for `j < len / 2`.
    private let stageCos: [Double], stageSin: [Double]
    /// `cos(2 pi k / n)`, `sin(2 pi k / n)` for `k <= m` (real-unpacking twiddles).
    private let cosN: [Double], sinN: [Double]

    /// Scratch memory for one thread: `m + 1` doubles each for the packed complex data and for the bins.
    final class Workspace {
        let zr: UnsafeMutablePointer<Double>, zi: UnsafeMutablePointer<Double>
        let xr: UnsafeMutablePointer<Double>, xi: UnsafeMutablePointer<Double>
        private let storage: UnsafeMutablePointer<Double>
        init(m: Int) {
            storage = .allocate(capacity: 4 * (m + 1))
            storage.initialize(repeating: 0, count: 4 * (m + 1))
            zr = storage; zi = storage + (m + 1); xr = storage + 2 * (m + 1); xi = storage + 3 * (m + 1)
        }
        deinit { storage.deallocate() }
    }

    init(size n: Int) {
        precondition(n >= 4 && n & (n - 1) == 0, "LocalRealFFT: size must be a power of two >= 4")
        self.n = n
        m = n / 2
        var bits = 0
        while (1 << bits) < m { bits += 1 }
        bitReversed = (0..<m).map { k in
            var r = 0, v = k
            for _ in 0..<bits { r = (r << 1) | (v & 1); v >>= 1 }
            return r
        }
        let mm = m
        var sc = [Double](), ss = [Double]()
        var len = 8
        while len <= mm {
            for j in 0..<(len / 2) {
                sc.append(cos(2 * Double.pi * Double(j) / Double(len)))
                ss.append(sin(2 * Double.pi * Double(j) / Double(len)))
            }
            len *= 2
        }
        stageCos = sc
        stageSin = ss
        cosN = (0...mm).map { cos(2 * Double.pi * Double($0) / Double(n)) }
        sinN = (0...mm).map { sin(2 * Double.pi * Double($0) / Double(n)) }
    }

    func makeWorkspace() -> Workspace { Workspace(m: m) }

    /// In-place complex FFT of length `m` on data already in bit-reversed order. `sign` -1: forward.
    /// The first two stages (twiddles 1 and -i) are done without multiplications.
    private func complexTransform(_ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>, sign: Double) {
        var len = 2
        if m >= 2 {   // stage 1: butterflies of adjacent pairs
            var j = 0
            while j < m {
                let ar = re[j], ai = im[j], br = re[j + 1], bi = im[j + 1]
                re[j] = ar + br; im[j] = ai + bi
                re[j + 1] = ar - br; im[j + 1] = ai - bi
                j += 2
            }
            len = 4
        }
        if m >= 4 {   // stage 2: twiddles 1 and sign * i
            var j = 0
            while j < m {
                let ar = re[j], ai = im[j], br = re[j + 2], bi = im[j + 2]
                re[j] = ar + br; im[j] = ai + bi
                re[j + 2] = ar - br; im[j + 2] = ai - bi
                // (re + i im) * (sign * i) = (-sign * im, sign * re)
                let cr = re[j + 1], ci = im[j + 1]
                let dr = -sign * im[j + 3], di = sign * re[j + 3]
                re[j + 1] = cr + dr; im[j + 1] = ci + di
                re[j + 3] = cr - dr; im[j + 3] = ci - di
                j += 4
            }
            len = 8
        }
        // Remaining stages (half >= 4): butterflies two at a time, twiddles contiguous per stage.
        stageCos.withUnsafeBufferPointer { cw in
            stageSin.withUnsafeBufferPointer { sw in
                let sgn = SIMD2<Double>(repeating: sign)
                var offset = 0
                while len <= m {
                    let half = len / 2
                    var start = 0
                    while start < m {
                        var j = 0
                        while j < half {
                            let wr = load2(cw.baseAddress! + offset + j), wi = sgn * load2(sw.baseAddress! + offset + j)
                            let p = start + j, q = p + half
                            let xr = load2(re + q), xi = load2(im + q)
                            let tr = wr * xr - wi * xi
                            let ti = wr * xi + wi * xr
                            let ur = load2(re + p), ui = load2(im + p)
                            store2(ur - tr, re + q); store2(ui - ti, im + q)
                            store2(ur + tr, re + p); store2(ui + ti, im + p)
                            j += 2
                        }
                        start += len
                    }
                    offset += half
                    len *= 2
                }
            }
        }
    }

    @inline(__always) private func load2(_ p: UnsafePointer<Double>) -> SIMD2<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD2<Double>.self)
    }
    @inline(__always) private func load2(_ p: UnsafeMutablePointer<Double>) -> SIMD2<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD2<Double>.self)
    }
    @inline(__always) private func store2(_ v: SIMD2<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD2<Double>.self)
    }

    /// Forward transform of `x[0..<n]` into bins `re[0...m]`, `im[0...m]` (DC at 0, Nyquist at `m`).
    func forward(_ x: UnsafePointer<Double>, re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>,
                 workspace ws: Workspace) {
        let zr = ws.zr, zi = ws.zi
        bitReversed.withUnsafeBufferPointer { br in
            for k in 0..<m { let d = br[k]; zr[d] = x[2 * k]; zi[d] = x[2 * k + 1] }
        }
        complexTransform(zr, zi, sign: -1)
        zr[m] = zr[0]; zi[m] = zi[0]
        cosN.withUnsafeBufferPointer { cn in
            sinN.withUnsafeBufferPointer { sn in
                for k in 0...m {
                    let ar = zr[k], ai = zi[k], br = zr[m - k], bi = zi[m - k]
                    // even part (Z[k] + conj Z[m-k]) / 2, odd part (Z[k] - conj Z[m-k]) / (2i)
                    let er = 0.5 * (ar + br), ei = 0.5 * (ai - bi)
                    let or = 0.5 * (ai + bi), oi = -0.5 * (ar - br)
                    let c = cn[k], s = -sn[k]   // e^{-2 pi i k / n}
                    re[k] = er + c * or - s * oi
                    im[k] = ei + c * oi + s * or
                }
            }
        }
    }

    /// Inverse transform of the Hermitian spectrum given by bins `re[0...m]`, `im[0...m]` into `x[0..<n]`
    /// (with the `1/n` factor).
    func inverse(re: UnsafePointer<Double>, im: UnsafePointer<Double>, output x: UnsafeMutablePointer<Double>,
                 workspace ws: Workspace) {
        let zr = ws.zr, zi = ws.zi
        cosN.withUnsafeBufferPointer { cn in
            sinN.withUnsafeBufferPointer { sn in
                bitReversed.withUnsafeBufferPointer { brv in
                    for k in 0..<m {
                        let ar = re[k], ai = im[k], br = re[m - k], bi = -im[m - k]   // conj X[m-k]
                        let er = 0.5 * (ar + br), ei = 0.5 * (ai + bi)
                        let dr = 0.5 * (ar - br), di = 0.5 * (ai - bi)
                        // odd part = d / e^{-2 pi i k/n} = d * e^{+2 pi i k/n}
                        let c = cn[k], s = sn[k]
                        let or = dr * c - di * s, oi = dr * s + di * c
                        // Z = even + i * odd, conjugated for the inverse-by-forward trick
                        let d = brv[k]
                        zr[d] = er - oi
                        zi[d] = -(ei + or)
                    }
                }
            }
        }
        complexTransform(zr, zi, sign: -1)
        let scale = 1.0 / Double(m)
        for k in 0..<m {
            x[2 * k] = zr[k] * scale
            x[2 * k + 1] = -zi[k] * scale
        }
    }

    /// Unnormalised circular autocorrelation of `x[0..<n]` (already zero-padded by the caller):
    /// `output[lag] = sum_j x[j] x[(j + lag) mod n]`, computed as the inverse FFT of the power spectrum
    /// `|X|^2` (DC and Nyquist bins included), exactly as Praat's `NUMfft_forward` / `NUMfft_backward` pair
    /// does up to Praat's scale factor (which cancels in every ratio the analysis takes).
    func autocorrelate(_ x: UnsafePointer<Double>, output: UnsafeMutablePointer<Double>, workspace ws: Workspace) {
        let r = ws.xr, i = ws.xi
        forward(x, re: r, im: i, workspace: ws)
        for k in 0...m { r[k] = r[k] * r[k] + i[k] * i[k]; i[k] = 0 }
        inverse(re: r, im: i, output: output, workspace: ws)
    }
}
