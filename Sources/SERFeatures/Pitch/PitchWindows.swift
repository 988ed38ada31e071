import Foundation

/// The analysis windows of Praat's autocorrelation pitch method and their normalised autocorrelation
/// (reference section 1.4).
public enum PitchWindows {
    /// Praat's "Hanning" window of even length `W`: `w[j] = 0.5 - 0.5 cos(2 pi j / (W + 1))`, `j = 1...W`
    /// (returned 0-based: element `j - 1`). Neither end reaches zero.
    public static func hanning(length w: Int) -> [Double] {
        guard w > 0 else { return [] }
        return (1...w).map { j in 0.5 - 0.5 * cos(Double(j) * 2 * Double.pi / Double(w + 1)) }
    }

    /// Praat's Gaussian window ("very accurate"): with `m = (W + 1) / 2` and `e = exp(-12)`,
    /// `w[j] = (exp(-48 (j - m)^2 / (W + 1)^2) - e) / (1 - e)`, `j = 1...W` (returned 0-based).
    public static func gaussian(length w: Int) -> [Double] {
        guard w > 0 else { return [] }
        let imid = 0.5 * Double(w + 1), edge = exp(-12.0), wp1 = Double(w + 1)
        return (1...w).map { j in
            let d = Double(j) - imid
            return (exp(-48.0 * d * d / wp1 / wp1) - edge) / (1.0 - edge)
        }
    }

    /// Circular autocorrelation of `window` zero-padded to `fftSize`, divided by its lag-0 value: element
    /// `lag` for `lag = 0...window.count - 1` (element 0 is exactly 1). Computed through the same FFT as the
    /// frames, as Praat does. It equals the linear autocorrelation for lags up to `fftSize - window.count`,
    /// which covers every lag the analysis reads (up to `lagLimit`).
    /// - Throws: ``PitchError/invalidParameter(name:value:reason:)`` unless `fftSize` is a power of two
    ///   of at least 4 and at least the window length.
    public static func normalizedAutocorrelation(of window: [Double], fftSize: Int) throws -> [Double] {
        guard fftSize >= 4 && fftSize & (fftSize - 1) == 0 && window.count <= fftSize else {
            throw PitchError.invalidParameter(name: "fftSize", value: Double(fftSize),
                                              reason: "must be a power of two, at least 4 and at least the window length (\(window.count))")
        }
        let fft = LocalRealFFT(size: fftSize)
        return normalizedAutocorrelation(of: window, fft: fft)
    }

    static func normalizedAutocorrelation(of window: [Double], fft: LocalRealFFT) -> [Double] {
        var padded = [Double](repeating: 0, count: fft.n)
        for (i, v) in window.enumerated() { padded[i] = v }
        var ac = [Double](repeating: 0, count: fft.n)
        let ws = fft.makeWorkspace()
        padded.withUnsafeBufferPointer { x in
            ac.withUnsafeMutableBufferPointer { out in
                fft.autocorrelate(x.baseAddress!, output: out.baseAddress!, workspace: ws)
            }
        }
        let count = window.count
        guard count > 0 else { return [] }
        var result = [Double](repeating: 0, count: count)
        result[0] = 1.0
        for lag in 1..<count { result[lag] = ac[lag] / ac[0] }
        return result
    }
}
