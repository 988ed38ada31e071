import Foundation

/// Power spectra of 16 real frames at once: each `SIMD16<Float>` lane holds one frame, so every
/// butterfly of the FFT does the work of 16 frames in one vector operation.
///
/// **Convention.** Lane `l` of the input holds `size` real samples `x_l[0..<size]`; the output holds,
/// for `k` in `0...size/2`, `|X_l[k]|²` with `X_l[k] = Σ_j x_l[j] · e^{−2πi·jk/size}` (unnormalised, as
/// `numpy.fft.rfft` and ``RealFFT``).
///
/// **Algorithm.** The standard real-input packing: `z[n] = x[2n] + i·x[2n+1]` is transformed by an
/// iterative radix-2 complex FFT of `size/2` points (decimation in time, bit-reversed load), and the
/// two interleaved half-length spectra are separated with `X[k] = E[k] + e^{−2πik/size}·O[k]`, where
/// `E[k] = (Z[k] + Z̄[size/2−k])/2` and `O[k] = −i(Z[k] − Z̄[size/2−k])/2`. Twiddles are computed in
/// double precision and rounded once.
///
/// **Sizes.** Powers of two from 8 up; ``init(size:)`` returns nil otherwise (callers then use
/// ``RealFFT``, KissFFT's mixed-radix transform, one frame at a time).
///
/// **Threads.** Holds its own scratch: one instance per thread.
final class LanePowerSpectrum {
    typealias Lanes = SIMD16<Float>
    static let laneCount = 16

    /// Real transform length.
    let size: Int
    /// Output bins, `size / 2 + 1`.
    var binCount: Int { size / 2 + 1 }

    private let half: Int
    private let tables: Tables
    private let re: UnsafeMutablePointer<Lanes>, im: UnsafeMutablePointer<Lanes>

    /// The bit-reversal permutation and twiddles of one size: computed once per process and shared by
    /// every instance (a log-mel call builds one instance per parallel chunk).
    final class Tables: Sendable {
        let bitReversed: [Int]
        /// `e^{−2πik/half}` for `k < half/2`: the complex FFT's twiddles.
        let twiddleRe: [Float], twiddleIm: [Float]
        /// `e^{−2πik/size}` for `k ≤ half`: the real-packing twiddles.
        let packRe: [Float], packIm: [Float]

        init(size: Int) {
            let half = size / 2, bits = half.trailingZeroBitCount
            bitReversed = (0..<half).map { n in
                var r = 0, v = n
                for _ in 0..<bits { r = (r << 1) | (v & 1); v >>= 1 }
                return r
            }
            let h = Double(half), s = Double(size)
            twiddleRe = (0..<(half / 2)).map { Float(cos(2 * Double.pi * Double($0) / h)) }
            twiddleIm = (0..<(half / 2)).map { Float(-sin(2 * Double.pi * Double($0) / h)) }
            packRe = (0...half).map { Float(cos(2 * Double.pi * Double($0) / s)) }
            packIm = (0...half).map { Float(-sin(2 * Double.pi * Double($0) / s)) }
        }

        private static let lock = NSLock()
        nonisolated(unsafe) private static var bySize: [Int: Tables] = [:]

        static func shared(size: Int) -> Tables {
            lock.lock()
            defer { lock.unlock() }
            if let t = bySize[size] { return t }
            let t = Tables(size: size)
            bySize[size] = t
            return t
        }
    }

    init?(size: Int) {
        guard size >= 8, size & (size - 1) == 0 else { return nil }
        self.size = size
        half = size / 2
        tables = Tables.shared(size: size)
        re = .allocate(capacity: half)
        im = .allocate(capacity: half)
        re.initialize(repeating: .zero, count: half)
        im.initialize(repeating: .zero, count: half)
    }

    deinit {
        re.deallocate()
        im.deallocate()
    }

    /// `input`: `size` vectors (sample `j` of the 16 frames); `output`: `binCount` vectors (power of bin `k`).
    func power(_ input: UnsafePointer<Lanes>, into output: UnsafeMutablePointer<Lanes>) {
        let half = self.half, re = self.re, im = self.im
        // The bit-reversed load fused with the first two butterfly stages, whose twiddles are 1 and −i:
        // positions n…n+3 hold z[rev(n)]…z[rev(n + 3)]; pairs (0, 1), (2, 3), then (0, 2) and (1, 3)·(−i).
        tables.bitReversed.withUnsafeBufferPointer { rev in
            var n = 0
            while n < half {
                let z0 = 2 * rev[n], z1 = 2 * rev[n + 1], z2 = 2 * rev[n + 2], z3 = 2 * rev[n + 3]
                let r0 = input[z0], i0 = input[z0 + 1], r1 = input[z1], i1 = input[z1 + 1]
                let r2 = input[z2], i2 = input[z2 + 1], r3 = input[z3], i3 = input[z3 + 1]
                let ar0 = r0 + r1, ai0 = i0 + i1, ar1 = r0 - r1, ai1 = i0 - i1
                let ar2 = r2 + r3, ai2 = i2 + i3, ar3 = r2 - r3, ai3 = i2 - i3
                re[n] = ar0 + ar2; im[n] = ai0 + ai2
                re[n + 2] = ar0 - ar2; im[n + 2] = ai0 - ai2
                re[n + 1] = ar1 + ai3; im[n + 1] = ai1 - ar3
                re[n + 3] = ar1 - ai3; im[n + 3] = ai1 + ar3
                n += 4
            }
        }
        tables.twiddleRe.withUnsafeBufferPointer { twr in
            tables.twiddleIm.withUnsafeBufferPointer { twi in
                var span = 8
                while span <= half {
                    let h = span / 2, step = half / span
                    var start = 0
                    while start < half {
                        for j in 0..<h {
                            let wr = Lanes(repeating: twr[j * step]), wi = Lanes(repeating: twi[j * step])
                            let a = start + j, b = a + h
                            let tr = wr * re[b] - wi * im[b]
                            let ti = wr * im[b] + wi * re[b]
                            re[b] = re[a] - tr
                            im[b] = im[a] - ti
                            re[a] += tr
                            im[a] += ti
                        }
                        start += span
                    }
                    span *= 2
                }
            }
        }
        tables.packRe.withUnsafeBufferPointer { pr in
            tables.packIm.withUnsafeBufferPointer { pi in
                let halfScale = Lanes(repeating: 0.5)
                for k in 0...half {
                    let ka = k == half ? 0 : k, kb = k == 0 ? 0 : half - k
                    let ar = re[ka], ai = im[ka], br = re[kb], bi = -im[kb]      // A = Z[k], B = conj(Z[half − k])
                    let er = (ar + br) * halfScale, ei = (ai + bi) * halfScale      // E = (A + B) / 2
                    let orr = (ai - bi) * halfScale, oi = (br - ar) * halfScale     // O = −i (A − B) / 2
                    let wr = Lanes(repeating: pr[k]), wi = Lanes(repeating: pi[k])
                    let xr = er + (wr * orr - wi * oi)
                    let xi = ei + (wr * oi + wi * orr)
                    output[k] = xr * xr + xi * xi
                }
            }
        }
    }
}
