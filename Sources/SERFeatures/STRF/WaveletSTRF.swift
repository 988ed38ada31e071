import Foundation
import SERTensor

/// A bank of learnable wavelet spectro-temporal receptive fields (STRFNet's second variant), for a
/// log-frequency axis with a known number of bins per octave.
///
/// Learnable parameters per kernel: `rates` (Hz of temporal modulation, init U[0, 10)), `scales`
/// (cycles per octave, init U[0, 0.2)), `phis` and `thetas` (phases, init U[0, 2π)). With frame rate
/// `fr`, time support `suptime` s and frequency support `supoct` octaves:
/// - time axis `t = (0..T−1)/fr`, `T = int(fr·suptime)` forced odd; frequency axis `x`: `2F+1`
///   points evenly spaced over `[−supoct, +supoct]`, `F = int(supoct·binsPerOctave)`;
/// - `hs(x) = s·(1 − (2πsx)²)·exp(−(2πsx)²/2)`, `ht(t) = r·(rt)²·exp(−3.5rt)·sin(2πrt)`;
/// - phase rotation with the Hilbert transform `H` (imaginary part of the analytic signal, from a DFT
///   of length `max(nextpow2(max(2F+1, T)), 128)`, zero-padded then cut back):
///   `hs' = hs·cos φ + H{hs}·sin φ`, `ht' = ht·cos θ + H{ht}·sin θ`;
/// - `R = ht' ⊗ hs'`, `I = H{ht'} ⊗ H{hs'}`; kernels `R − I` (K of them), then `R + I` (K more).
///
/// `H` is linear, so it is applied as a constant matrix and the whole construction stays
/// differentiable. Input `[batch, time, freq]`, output `[batch, 2K, time, freq]` (padding `(T/2, F)`).
public final class WaveletSTRF: Module {
    public let rates: Tensor
    public let scales: Tensor
    public let phis: Tensor
    public let thetas: Tensor
    public let kernelCount: Int
    /// Kernel length in frames (odd).
    public let timeLength: Int
    /// `F`: the kernel spans `2F + 1` bins.
    public let halfFrequencyLength: Int
    let time: [Double]
    let octaves: [Double]
    let hilbertTime: [Double]      // [T, T], row-major: H{v} = M·v
    let hilbertFrequency: [Double] // [2F+1, 2F+1]

    public init(kernels: Int, frameRate: Double = 100, binsPerOctave: Double = 12, timeSupport: Double = 0.2,
                octaveSupport: Double = 1.5, rng: inout RandomGenerator) {
        precondition(kernels >= 1, "WaveletSTRF: need at least one kernel")
        kernelCount = kernels
        timeLength = Int(frameRate * timeSupport) | 1
        halfFrequencyLength = Int(octaveSupport * binsPerOctave)
        let nf = 2 * halfFrequencyLength + 1
        time = (0..<timeLength).map { Double($0) / frameRate }
        octaves = (0..<nf).map { nf == 1 ? 0 : -octaveSupport + 2 * octaveSupport * Double($0) / Double(nf - 1) }
        let ndft = Swift.max(STRFMath.nextPowerOfTwo(Swift.max(nf, timeLength)), 128)
        hilbertTime = STRFMath.hilbertMatrix(length: timeLength, dftLength: ndft)
        hilbertFrequency = STRFMath.hilbertMatrix(length: nf, dftLength: ndft)
        rates = Tensor.uniform([kernels], low: 0, high: 10, using: &rng)
        scales = Tensor.uniform([kernels], low: 0, high: 0.2, using: &rng)
        phis = Tensor.uniform([kernels], low: 0, high: 2 * Double.pi, using: &rng)
        thetas = Tensor.uniform([kernels], low: 0, high: 2 * Double.pi, using: &rng)
        super.init()
        registerParameter("rates", rates)
        registerParameter("scales", scales)
        registerParameter("phis", phis)
        registerParameter("thetas", thetas)
    }

    /// The `2K` kernels `[2K, 1, T, 2F+1]`, built differentiably from the parameters.
    public func kernels() -> Tensor {
        let dtype = rates.dtype, k = kernelCount, nt = timeLength, nf = octaves.count
        let t = Tensor(shape: [1, nt], scalars: time).to(dtype)
        let x = Tensor(shape: [1, nf], scalars: octaves).to(dtype)
        let ht_ = Tensor(shape: [nt, nt], scalars: hilbertTime).to(dtype)
        let hf_ = Tensor(shape: [nf, nf], scalars: hilbertFrequency).to(dtype)
        let s = scales.unsqueezed(1), r = rates.unsqueezed(1)
        let sx = s * x * (2 * Double.pi)
        let hs = s * (1.0 - sx * sx) * (sx * sx * -0.5).exp()                        // [K, nf]
        let rt = r * t
        let ht = r * rt * rt * (rt * -3.5).exp() * (rt * (2 * Double.pi)).sin()        // [K, nt]
        // H along the last axis: v·Mᵀ.
        func hilbert(_ v: Tensor, _ m: Tensor) -> Tensor { v.matmul(m, transposeB: true) }
        let phi = phis.unsqueezed(1), theta = thetas.unsqueezed(1)
        let hsRot = hs * phi.cos() + hilbert(hs, hf_) * phi.sin()
        let htRot = ht * theta.cos() + hilbert(ht, ht_) * theta.sin()
        let real = htRot.unsqueezed(2) * hsRot.unsqueezed(1)                                  // [K, nt, nf]
        let imag = hilbert(htRot, ht_).unsqueezed(2) * hilbert(hsRot, hf_).unsqueezed(1)
        let flatR = real.reshaped([k, nt * nf]), flatI = imag.reshaped([k, nt * nf])
        let both = STRFMath.stackTwice(k, sign: 1, dtype: dtype).matmul(flatR) +
            STRFMath.stackTwice(k, sign: -1, dtype: dtype).matmul(flatI) * -1.0              // [R − I; R + I]
        return both.reshaped([2 * k, 1, nt, nf])
    }

    /// Applies the bank: `[batch, time, freq]` → `[batch, 2K, time, freq]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let x4 = x.rank == 3 ? x.unsqueezed(1) : x
        precondition(x4.rank == 4 && x4.shape[1] == 1, "WaveletSTRF: input must be [batch, time, freq], got \(x.shape)")
        let ph = timeLength / 2, pw = halfFrequencyLength
        return Tensor.conv2d(x4, weight: kernels().to(x4.dtype), padding: (ph, ph, pw, pw))
    }
}

extension STRFMath {
    static func nextPowerOfTwo(_ n: Int) -> Int {
        var p = 1
        while p < n { p <<= 1 }
        return p
    }

    /// The matrix `M` `[n, n]` (row-major) with `H{v} = M·v`: the imaginary part of the analytic
    /// signal of `v` zero-padded to `dftLength`, cut back to `n` samples (scipy.signal.hilbert's
    /// construction). Built column by column with a direct DFT in double precision.
    static func hilbertMatrix(length n: Int, dftLength N: Int) -> [Double] {
        var m = [Double](repeating: 0, count: n * n)
        // Multiplier of the analytic signal: 1 at DC (and Nyquist), 2 for positive, 0 for negative bins.
        let h: [Double] = (0..<N).map { k in k == 0 || (N % 2 == 0 && k == N / 2) ? 1 : (k < (N + 1) / 2 ? 2 : 0) }
        for j in 0..<n {
            // DFT of the unit impulse at j: X[k] = exp(−2πi kj/N). Analytic = IDFT(X·h).
            for out in 0..<n {
                var im = 0.0
                for k in 0..<N where h[k] != 0 {
                    let angle = 2 * Double.pi * Double(k) * Double(out - j) / Double(N)
                    im += h[k] * sin(angle)
                }
                m[out * n + j] = im / Double(N)
            }
        }
        return m
    }
}
