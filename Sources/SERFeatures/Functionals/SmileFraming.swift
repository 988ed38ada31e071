import Foundation

/// openSMILE's `cFramer` with `frameCenterSpecial = left`: frame `t` holds samples
/// `[t·hop, t·hop + length)`. Lengths are `round(seconds · sampleRate)` samples, as openSMILE rounds them.
///
/// At the end of the input openSMILE (as run by opensmile-python) still emits the frames that start at
/// least `length − hop` samples before the end, zero-padded: the frame count is
/// `⌊(n − (length − hop)) / hop⌋ + 1` for `n ≥ length − hop` samples, else 0.
struct SmileFraming: Sendable {
    /// Frame length (samples).
    let length: Int
    /// Frame step (samples).
    let hop: Int

    init(seconds: Double, hopSeconds: Double, sampleRate: Int) {
        length = max(1, Int((seconds * Double(sampleRate)).rounded()))
        hop = max(1, Int((hopSeconds * Double(sampleRate)).rounded()))
    }

    /// Number of complete frames in `sampleCount` samples.
    func frameCount(sampleCount: Int) -> Int {
        let minimum = max(length - hop, 1)
        return sampleCount < minimum ? 0 : (sampleCount - minimum) / hop + 1
    }

    /// Number of frames lying entirely inside `sampleCount` samples.
    func completeFrameCount(sampleCount: Int) -> Int {
        sampleCount < length ? 0 : (sampleCount - length) / hop + 1
    }

    /// Sample `i` of frame `t`, 0 past the end of the input.
    @inline(__always) func sample(_ samples: [Float], frame t: Int, offset i: Int) -> Float {
        let j = t * hop + i
        return j < samples.count ? samples[j] : 0
    }
}

/// The analysis windows eGeMAPS uses, in openSMILE's *symmetric* convention (denominator `N − 1`),
/// unlike ``WindowFunction``'s periodic windows.
enum SmileWindow: Sendable {
    /// `0.54 − 0.46·cos(2πn/(N−1))`.
    case hamming
    /// `exp(−½·((n − (N−1)/2) / (σ·(N−1)/2))²)`; eGeMAPS uses σ = 0.4.
    case gauss(sigma: Double)

    func values(length: Int) -> [Double] {
        guard length > 1 else { return [Double](repeating: 1, count: max(length, 0)) }
        let n1 = Double(length - 1)
        return (0..<length).map { i in
            let x = Double(i)
            switch self {
            case .hamming:
                return 0.54 - 0.46 * cos(2 * Double.pi * x / n1)
            case .gauss(let sigma):
                let s = min(max(sigma, 0.01), 0.5)
                let t = (x - n1 / 2) / (s * n1 / 2)
                return exp(-0.5 * t * t)
            }
        }
    }
}

/// Magnitude spectra of windowed frames, as openSMILE's `cTransformFFT` + `cFFTmagphase` compute them:
/// each windowed frame is zero-padded symmetrically to the next power of two `fftSize` and transformed;
/// bin `k` holds `|X[k]|` (unnormalised) at `k · binHz` Hz, `k = 0 … fftSize/2`.
struct SmileSpectra: Sendable {
    /// Number of frames.
    let frameCount: Int
    /// `fftSize / 2 + 1`.
    let binCount: Int
    /// FFT length (power of two ≥ the frame length).
    let fftSize: Int
    /// Bin spacing, `sampleRate / fftSize` (Hz).
    let binHz: Double
    /// Row-major `[frameCount, binCount]` magnitudes.
    let magnitudes: [Double]
    /// Real and imaginary parts of the bins in numpy's sign convention (`X[k] = Σ x[j]·e^{−2πijk/N}`),
    /// row-major `[frameCount, binCount]`, of the zero-padded frame as openSMILE places it; empty unless
    /// requested with `keepingPhase`.
    let real: [Double]
    let imaginary: [Double]
    /// Mean square of each windowed frame (`Σ (w·x)² / length`).
    let windowedMeanSquare: [Double]
    let frameLength: Int

    @inline(__always) func magnitude(frame t: Int, bin k: Int) -> Double { magnitudes[t * binCount + k] }

    /// The magnitudes of frame `t`.
    func frame(_ t: Int) -> ArraySlice<Double> { magnitudes[(t * binCount)..<((t + 1) * binCount)] }

    init(samples: [Float], sampleRate: Int, framing: SmileFraming, window: SmileWindow, keepingPhase: Bool = false) {
        let n = framing.length
        var size = 1
        while size < n { size <<= 1 }
        if size < 2 { size = 2 }
        fftSize = size
        let bins = size / 2 + 1
        binCount = bins
        binHz = Double(sampleRate) / Double(size)
        frameLength = n
        let count = framing.frameCount(sampleCount: samples.count)
        frameCount = count
        let w = window.values(length: n)
        var mags = [Double](repeating: 0, count: count * bins)
        var meanSquare = [Double](repeating: 0, count: count)
        var re = [Double](repeating: 0, count: keepingPhase ? count * bins : 0), im = re
        RealFFTPlanCache.shared.withPlan(size: size) { plan in
        if count > 0, let fft = plan {
            var input = [Float](repeating: 0, count: size)
            var output = [Float](repeating: 0, count: 2 * bins)
            let pad = (size - n) / 2
            for t in 0..<count {
                var energy = 0.0
                for i in 0..<n {
                    // double-precision product, rounded once for the FFT (openSMILE's cWindower multiplies
                    // in float; doing so here lowered the fixture formant parity, Docs/Functionals.md)
                    let v = Double(framing.sample(samples, frame: t, offset: i)) * w[i]
                    energy += v * v
                    input[pad + i] = Float(v)
                }
                meanSquare[t] = energy / Double(n)
                input.withUnsafeBufferPointer { src in
                    output.withUnsafeMutableBufferPointer { dst in fft.forward(src.baseAddress!, dst.baseAddress!) }
                }
                for k in 0..<bins {
                    let r = Double(output[2 * k]), i = Double(output[2 * k + 1])
                    if keepingPhase {
                        re[t * bins + k] = r
                        im[t * bins + k] = i
                    }
                    mags[t * bins + k] = (r * r + i * i).squareRoot()
                }
            }
        }
        }
        magnitudes = mags
        real = re
        imaginary = im
        windowedMeanSquare = meanSquare
    }
}
