import Foundation
import SERTensor

/// A bank of learnable Gabor spectro-temporal receptive fields (STRFNet, Vuong, Xia & Stern 2020),
/// for spectrograms on a non-octave axis such as mel bands.
///
/// Each of the `K` kernels has two learnable scalars: `rates[k]` (temporal modulation, radians per
/// frame) and `scales[k]` (spectral modulation, radians per bin), initialised uniformly in `[0, π)`.
/// With supports `supn` frames × `supk` bins (both odd), centres `n0 = supn/2`, `k0 = supk/2` and
/// Hann windows `wn[n] = 0.5 − 0.5·cos(2πn/(supn+1))`, `wk` likewise:
/// - real kernel `cos(rate·(n−n0))·wn[n] ⊗ cos(scale·(k−k0))·wk[k]`,
/// - imaginary kernel `sin(rate·(n−n0))·wn[n] ⊗ sin(scale·(k−k0))·wk[k]`.
/// Output channels are the `K` real kernels, then the `K` imaginary ones.
///
/// Kernels are rebuilt from the parameters on every forward pass with differentiable tensor ops, so
/// gradients reach `rates` and `scales`. Input `[batch, time, freq]` (or `[batch, 1, time, freq]`),
/// output `[batch, 2K, time, freq]` ("same" zero padding `(supn/2, supk/2)`, stride 1).
///
/// The SER paper's setting: 200 ms support at 100 frames/s → `supn = 21` (forced odd).
public final class GaborSTRF: Module {
    /// Temporal modulation of each kernel, radians per frame. Shape `[K]`.
    public let rates: Tensor
    /// Spectral modulation of each kernel, radians per bin. Shape `[K]`.
    public let scales: Tensor
    public let kernelCount: Int
    /// Time support in frames (odd).
    public let timeSupport: Int
    /// Frequency support in bins (odd).
    public let frequencySupport: Int

    /// - Parameters:
    ///   - kernels: number of kernels `K` (the bank outputs `2K` channels).
    ///   - timeSupport: frames; forced odd by adding 1 to an even value.
    ///   - frequencySupport: bins; forced odd likewise.
    public init(kernels: Int, timeSupport: Int = 21, frequencySupport: Int = 7, rng: inout RandomGenerator) {
        precondition(kernels >= 1, "GaborSTRF: need at least one kernel")
        kernelCount = kernels
        self.timeSupport = timeSupport | 1
        self.frequencySupport = frequencySupport | 1
        rates = Tensor.uniform([kernels], low: 0, high: Double.pi, using: &rng)
        scales = Tensor.uniform([kernels], low: 0, high: Double.pi, using: &rng)
        super.init()
        registerParameter("rates", rates)
        registerParameter("scales", scales)
    }

    /// The `2K` kernels, `[2K, 1, supn, supk]`, built differentiably from ``rates`` and ``scales``.
    public func kernels() -> Tensor {
        let k = kernelCount, dtype = rates.dtype
        // [2K, K] selection stacking the parameters twice, and a phase shift of π/2 on the second copy
        // so that cos(θ − π/2) = sin(θ) gives the imaginary kernels without a concatenation.
        let twice = STRFMath.stackTwice(k, sign: 1, dtype: dtype)
        let shift = Tensor.fromFunction([2 * k, 1], dtype: dtype) { $0 < k ? 0 : Double.pi / 2 }
        func axis(_ rate: Tensor, support: Int) -> Tensor {
            let centre = support / 2
            let n = Tensor.fromFunction([1, support], dtype: dtype) { Double($0 - centre) }
            let window = Tensor.fromFunction([1, support], dtype: dtype) { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(support + 1)) }
            let r2 = twice.matmul(rate).unsqueezed(1)           // [2K, 1]
            return (r2 * n - shift).cos() * window               // [2K, support]
        }
        let time = axis(rates, support: timeSupport)             // [2K, supn]
        let freq = axis(scales, support: frequencySupport)       // [2K, supk]
        return (time.unsqueezed(2) * freq.unsqueezed(1)).unsqueezed(1)
    }

    /// Applies the bank: `[batch, time, freq]` or `[batch, 1, time, freq]` → `[batch, 2K, time, freq]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let x4 = x.rank == 3 ? x.unsqueezed(1) : x
        precondition(x4.rank == 4 && x4.shape[1] == 1, "GaborSTRF: input must be [batch, time, freq], got \(x.shape)")
        let ph = timeSupport / 2, pw = frequencySupport / 2
        return Tensor.conv2d(x4, weight: kernels().to(x4.dtype), padding: (ph, ph, pw, pw))
    }
}

/// Small constant matrices shared by the STRF banks.
enum STRFMath {
    /// `[2n, n]`: the identity stacked on `sign ×` the identity, so `stackTwice · v = [v; sign·v]`.
    static func stackTwice(_ n: Int, sign: Double, dtype: DType) -> Tensor {
        Tensor.fromFunction([2 * n, n], dtype: dtype) { i in
            let row = i / n, col = i % n
            if row == col { return 1 }
            if row - n == col { return sign }
            return 0
        }
    }
}
