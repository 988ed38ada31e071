import CKissFFT
#if canImport(Glibc)
import Glibc
#endif

/// A forward real-input FFT of one even size, computed by KissFFT (`kiss_fftr`, single precision).
///
/// **Convention.** For `n` real samples `x[0..<n]` the output holds the `n/2 + 1` non-negative frequency
/// bins `X[k] = Σ_j x[j] · e^{−2πi·jk/n}` (unnormalised, the same as `numpy.fft.rfft`); bin `k` is
/// `k · sampleRate / n` Hz.
///
/// **Threads.** A KissFFT configuration carries its own scratch buffer, so one `RealFFT` must not be used
/// by two threads at once. Get one per thread (or per parallel chunk) from ``RealFFTPlanCache``; building
/// a configuration computes the twiddle factors, so the cache keeps released plans for reuse.
public final class RealFFT {
    /// Transform length (even, at least 2).
    public let size: Int
    /// Number of output bins, `size / 2 + 1`.
    public var binCount: Int { size / 2 + 1 }

    private let config: kiss_fftr_cfg

    /// Builds a plan. Returns `nil` for an odd or non-positive size, or when KissFFT cannot allocate.
    public init?(size: Int) {
        guard size >= 2, size % 2 == 0, size <= Int(Int32.max) else { return nil }
        guard let cfg = kiss_fftr_alloc(Int32(size), 0, nil, nil) else { return nil }
        self.size = size
        self.config = cfg
    }

    deinit {
        // `kiss_fftr_free` is a macro for `free`; the configuration is one malloc'd block.
        free(UnsafeMutableRawPointer(config))
    }

    /// Transforms `size` real samples at `input` into `binCount` complex bins at `output`
    /// (interleaved real, imaginary: `2 * binCount` floats). The buffers must not overlap.
    @inline(__always)
    public func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        output.withMemoryRebound(to: kiss_fft_cpx.self, capacity: binCount) { out in
            kiss_fftr(config, input, out)
        }
    }

    /// Convenience for tests and one-off use: the bins of `input` (`input.count == size`) as
    /// `(real, imaginary)` arrays.
    public func forward(_ input: [Float]) -> (real: [Float], imaginary: [Float]) {
        precondition(input.count == size, "RealFFT.forward: expected \(size) samples, got \(input.count)")
        var interleaved = [Float](repeating: 0, count: 2 * binCount)
        input.withUnsafeBufferPointer { src in
            interleaved.withUnsafeMutableBufferPointer { dst in forward(src.baseAddress!, dst.baseAddress!) }
        }
        var re = [Float](repeating: 0, count: binCount), im = re
        for k in 0..<binCount {
            re[k] = interleaved[2 * k]
            im[k] = interleaved[2 * k + 1]
        }
        return (re, im)
    }
}
