import Foundation

/// openSMILE's `cHarmonics` as eGeMAPS configures it, on the 60 ms Gaussian-window magnitude spectrum:
///
/// - HNR (dB): the autocorrelation of the frame is the inverse FFT of its power spectrum; at the peak
///   nearest the F0 lag `⌊fs/F0⌋`, `10·log10(r(T)/(r(0) − r(T)))`, clamped to [−90, 110] dB; 0 when unvoiced;
/// - harmonics: for `h = 1 … 100` the spectral peak nearest `h·F0` (searching half a harmonic either side),
///   its magnitude refined by a parabola, in dB relative to the F0 peak's raw magnitude (floor −200);
/// - `logRelF0-H1-H2`, `logRelF0-H1-A3`: differences of those relative levels for openSMILE's harmonic
///   indices 1 and 2 (its 0-based array, so the 2nd and 3rd harmonic), and 1 and the strongest harmonic
///   within ±20 % of F3;
/// - F1–F3 amplitude: the relative level of the strongest harmonic within ±20 % of each formant
///   (0 when none; −201 when unvoiced). Differences are clamped to ±201.
struct HarmonicAnalysis {
    static let harmonicCount = 100
    let binCount: Int
    let binHz: Double
    private let frequencies: [Double]

    init(binCount: Int, binHz: Double) {
        self.binCount = binCount
        self.binHz = binHz
        frequencies = (0..<binCount).map { Double($0) * binHz }
    }

    struct Result { var hnrDB = 0.0, h1h2 = 0.0, h1a3 = 0.0, formantAmplitude = [Double](repeating: 0, count: 3) }

    func analyse(magnitudes: ArraySlice<Double>, f0: Double, formants: [Double]) -> Result {
        let mag = Array(magnitudes).map { Double(Float($0)) }
        var result = Result()
        result.hnrDB = hnr(mag, f0: f0)
        guard f0 > 0 else {
            result.formantAmplitude = [-201, -201, -201]
            return result
        }
        let h = harmonics(mag, f0: Float(f0))
        let faIdx = (0..<formants.count).map { f -> Int in
            let left = 0.8 * Float(formants[f]), right = 1.2 * Float(formants[f])
            var best = -1
            var bestMagnitude: Float = 0
            for k in 0..<Self.harmonicCount {
                let frequency = Float(h[k].frequency), magnitude = Float(h[k].magnitude)
                guard frequency >= left && frequency <= right && magnitude > bestMagnitude else { continue }
                best = k
                bestMagnitude = magnitude
            }
            return best
        }
        func clamp(_ v: Double) -> Double { min(max(v, -201), 201) }
        result.h1h2 = clamp(h[1].logRel - h[2].logRel)
        let a3 = formants.count > 2 ? faIdx[2] : -1
        result.h1a3 = a3 >= 0 ? clamp(h[1].logRel - h[a3].logRel) : clamp(Double(Float(h[1].logRel) - 201))
        result.formantAmplitude = (0..<3).map { f in f < faIdx.count && faIdx[f] >= 0 ? h[faIdx[f]].logRel : 0 }
        return result
    }

    /// Autocorrelation HNR (dB).
    func hnr(_ mag: [Double], f0: Double) -> Double {
        let n = (binCount - 1) * 2
        guard f0 > 0 else { return 0 }
        // acf = |irfft(P)|·n/2 / binCount (Ooura's unscaled inverse transform)
        var acf = [Double](repeating: 0, count: binCount)
        RealFFTPlanCache.shared.withPlan(size: n) { plan in
            guard let fft = plan else { return }
            // P is real and even, so its inverse DFT equals its forward DFT divided by n
            var input = [Float](repeating: 0, count: n)
            for k in 0..<binCount { input[k] = Float(mag[k] * mag[k]) }
            for k in 1..<(binCount - 1) { input[n - k] = input[k] }
            var output = [Float](repeating: 0, count: 2 * (n / 2 + 1))
            input.withUnsafeBufferPointer { src in
                output.withUnsafeMutableBufferPointer { dst in fft.forward(src.baseAddress!, dst.baseAddress!) }
            }
            let count = Double(binCount)
            for j in 0..<binCount {
                let value: Double = abs(Double(output[2 * j])) / 2 / count
                acf[j] = Double(Float(value))
            }
        }
        let sampleRate = frequencies[binCount - 1] * 2
        let lag = Int((sampleRate / Double(Float(f0))).rounded(.down))
        guard lag > 0 else { return 0 }
        let peak = closestPeak(acf, lag)
        guard peak > 0 && peak < acf.count else { return 0 }
        var ratio = acf[0] - acf[peak]
        ratio = ratio == 0 ? 10e10 : acf[peak] / ratio
        if ratio > 10e10 { return 10 * log10(10e10) }
        if ratio < 10e-10 { return 10 * log10(10e-10) }
        return Double(Float(10 * log10(ratio)))
    }

    private func isPeak(_ x: [Double], _ n: Int) -> Bool {
        let count = x.count
        guard n >= 0 && n < count else { return false }
        if n + 1 < count {
            return n > 0 ? (x[n] > x[n - 1] && x[n] > x[n + 1]) : x[0] > x[1]
        }
        return n > 0 && x[n] > x[n - 1]
    }

    private func closestPeak(_ x: [Double], _ index: Int) -> Int {
        let n = x.count
        guard index < n else { return index }
        if isPeak(x, index) { return index }
        var o = 1
        while index - o > 0 || index + o < n - 1 {
            if index - o > 0 && isPeak(x, index - o) { return index - o }
            if index + o < n - 1 && isPeak(x, index + o) { return index + o }
            o += 1
        }
        if x[0] > x[index] && x[n - 1] <= x[index] { return 0 }
        if x[0] <= x[index] && x[n - 1] > x[index] { return n - 1 }
        if x[0] > x[index] && x[n - 1] > x[index] { return index < n / 2 ? 0 : n - 1 }
        return index
    }

    /// openSMILE's `freqToBin`: from `start` on, the first bin above `frequency`, or the one before it
    /// when that is nearer; 0 when no bin lies above. The bins are uniform, so the first bin above is found
    /// directly rather than by scanning.
    private func bin(for frequency: Float, from start: Int) -> Int {
        var b = max(Int((Double(frequency) / binHz).rounded(.down)), 0)
        while b > 0 && Float(frequencies[min(b - 1, binCount - 1)]) > frequency { b -= 1 }
        while b < binCount && !(Float(frequencies[b]) > frequency) { b += 1 }
        b = max(b, start)
        guard b < binCount, b > 0 else { return 0 }
        return Float(frequencies[b]) - frequency > frequency - Float(frequencies[b - 1]) ? b - 1 : b
    }

    struct Harmonic { var bin = -1; var frequency = 0.0; var magnitude = 0.0; var interpolated = 0.0; var logRel = -201.0 }

    private func harmonics(_ mag: [Double], f0: Float) -> [Harmonic] {
        var h = [Harmonic](repeating: Harmonic(), count: Self.harmonicCount)
        var lastBin = bin(for: 0.5 * f0, from: 1)
        let firstBin = bin(for: 0.5 * f0, from: lastBin)
        for i in 0..<Self.harmonicCount {
            let candidate = bin(for: Float(i + 1) * f0, from: lastBin)
            var peak = -1
            if isPeak(mag, candidate) {
                peak = candidate
            } else {
                var left = candidate - 1, right = candidate + 1
                let lower = bin(for: (Float(i) + 0.5) * f0, from: lastBin)
                let upper = bin(for: (Float(i) + 1.5) * f0, from: candidate)
                while (left >= lower || right <= upper) && peak == -1 {
                    if right <= upper {
                        if isPeak(mag, right) { peak = right; break }
                        right += 1
                    }
                    if left >= lower {
                        if isPeak(mag, left) { peak = left; break }
                        left -= 1
                    }
                }
            }
            if peak >= firstBin && peak < binCount - 1 && peak >= 1 {
                let (x, y) = SubharmonicSummation.parabolaVertex(
                    frequencies[peak - 1], mag[peak - 1], frequencies[peak], mag[peak], frequencies[peak + 1], mag[peak + 1])
                h[i] = Harmonic(bin: peak, frequency: Double(Float(x)), magnitude: mag[peak],
                                interpolated: Double(Float(y)), logRel: -201)
            } else {
                h[i] = Harmonic(bin: candidate, frequency: 0, magnitude: 0, interpolated: 0, logRel: -201)
            }
            lastBin = candidate
        }
        // levels relative to the F0 peak
        let reference = Float(h[0].magnitude)
        let relative = reference != 0
        let referenceLog = relative ? Double(Float(log10(reference))) : 0
        h[0].logRel = 0
        for i in 1..<Self.harmonicCount {
            if relative {
                if h[i].interpolated > 0 {
                    h[i].logRel = max(Double(Float(20 * (log10(h[i].interpolated) - referenceLog))), -200)
                } else {
                    h[i].logRel = -200
                }
            } else {
                h[i].logRel = -201
            }
            if h[i].bin == h[i - 1].bin {
                h[i] = Harmonic(bin: 0, frequency: 0, magnitude: 0, interpolated: 0, logRel: -201)
            }
        }
        return h
    }
}
