import Foundation

/// Per-thread machinery for one STFT frame: the padded window, a KissFFT plan and scratch buffers.
///
/// Built once per parallel chunk and reused for every frame the chunk computes, so the hot loop does
/// no allocation. Not thread-safe; the plan goes back to ``RealFFTPlanCache`` on ``release()``.
final class FrameAnalyzer {
    let config: STFTConfig
    /// Offset of the window's first non-zero sample inside the `fftSize` frame.
    let windowOffset: Int
    let window: UnsafeMutablePointer<Float>                // windowLength values
    private let frame: UnsafeMutablePointer<Float>         // fftSize samples, zero outside the window
    private let bins: UnsafeMutablePointer<Float>          // 2 · binCount interleaved complex
    private let plan: RealFFT
    private var checkedIn = false
    private let cache: RealFFTPlanCache

    /// `windowValues` is the un-padded window (``STFTConfig/windowLength`` values).
    init(config: STFTConfig, windowValues: [Float], cache: RealFFTPlanCache = .shared) throws {
        guard let plan = cache.checkOut(size: config.fftSize) else { throw SpectralError.fftUnavailable(size: config.fftSize) }
        self.config = config
        self.cache = cache
        self.plan = plan
        windowOffset = (config.fftSize - config.windowLength) / 2
        window = .allocate(capacity: config.windowLength)
        window.initialize(from: windowValues, count: config.windowLength)
        frame = .allocate(capacity: config.fftSize)
        frame.initialize(repeating: 0, count: config.fftSize)
        bins = .allocate(capacity: 2 * config.binCount)
        bins.initialize(repeating: 0, count: 2 * config.binCount)
    }

    deinit {
        release()
        window.deallocate()
        frame.deallocate()
        bins.deallocate()
    }

    /// Hands the FFT plan back to the cache (idempotent; the analyzer must not be used afterwards).
    func release() {
        if !checkedIn { cache.checkIn(plan) }
        checkedIn = true
    }

    /// Writes `|X_t[k]|^power` for `k` in `0..<binCount` of frame `t` of `signal` (`length` samples) to `out`.
    @inline(__always)
    func spectrum(of signal: UnsafePointer<Float>, length: Int, frame t: Int, into out: UnsafeMutablePointer<Float>) {
        plan.forward(windowedFrame(of: signal, length: length, frame: t), bins)
        let count = config.binCount
        if config.power == 2 {
            for k in 0..<count {
                let re = bins[2 * k], im = bins[2 * k + 1]
                out[k] = re * re + im * im
            }
        } else {
            for k in 0..<count {
                let re = bins[2 * k], im = bins[2 * k + 1]
                out[k] = (re * re + im * im).squareRoot()
            }
        }
    }

    /// Frame `t` of `signal` (`length` samples), windowed and zero-padded to `fftSize` samples (padding
    /// outside the signal as ``STFTConfig/padding`` says). The pointer is valid until the next call.
    @inline(__always)
    func windowedFrame(of signal: UnsafePointer<Float>, length: Int, frame t: Int) -> UnsafePointer<Float> {
        let n = config.windowLength
        let start = config.frameStart(t) + windowOffset
        let dst = frame + windowOffset
        if start >= 0 && start + n <= length {
            let src = signal + start
            for j in 0..<n { dst[j] = src[j] * window[j] }
        } else {
            let padding = config.padding
            for j in 0..<n {
                if let i = padding.sourceIndex(start + j, length: length) { dst[j] = signal[i] * window[j] } else { dst[j] = 0 }
            }
        }
        return UnsafePointer(frame)
    }
}
