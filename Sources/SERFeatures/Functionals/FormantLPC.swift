import CLAPACKE
import Foundation

/// eGeMAPS formants: openSMILE's `cSpecResample` (to 11 kHz), `cLpc` (order 11, autocorrelation method)
/// and `cFormantLpc` (roots of the LPC polynomial) on each 20 ms Hamming frame.
///
/// The frame's complex spectrum (zero-padded FFT of `N` points) is turned back into a time signal
/// sampled at 11 kHz by an inverse real DFT evaluated on the new time grid, keeping only bins below the
/// new band edge (openSMILE's anti-aliasing). Its 11 LPC coefficients (Levinson–Durbin) define a
/// polynomial whose roots (eigenvalues of the companion matrix, LAPACK `dgeev`), reflected into the unit
/// circle, give formant frequencies `|arg z|·fs/2π` and bandwidths `−ln|z|·fs/π` for the roots in the
/// upper half plane between 50 and 5450 Hz, ascending; missing formants are 0.
struct FormantLPC {
    static let targetRate = 11000.0
    static let order = 11
    static let formantCount = 5
    static let minimumHz = 50.0
    static let maximumHz = 5450.0

    private let fftSize: Int
    private let outputCount: Int
    private let keptBins: Int
    private let cosTable: [Float]
    private let sinTable: [Float]
    private let samplePeriod: Double

    /// - Parameters: `fftSize` (complex spectrum length, power of two), `frameLength` (samples of the frame
    ///   before padding), `sampleRate` of the input.
    init(fftSize: Int, frameLength: Int, sampleRate: Int) {
        self.fftSize = fftSize
        var ratio = Self.targetRate / Double(sampleRate)
        let lengthRatio = Double(frameLength) / Double(fftSize)
        let nOut = (Double(fftSize) * ratio * lengthRatio).rounded()
        ratio = nOut / (Double(fftSize) * lengthRatio)
        outputCount = Int(nOut)
        let periodPoints = Double(fftSize) * ratio
        var kMax = min(fftSize, outputCount)
        if kMax % 2 == 1 { kMax -= 1 }
        keptBins = kMax / 2
        var c = [Float](repeating: 0, count: outputCount * keptBins), s = c
        for i in 0..<outputCount {
            for k in 1..<max(keptBins, 1) {
                let angle = 2 * Double.pi * Double(k * i) / periodPoints
                c[i * keptBins + k] = Float(cos(angle))
                s[i * keptBins + k] = Float(sin(angle))
            }
        }
        cosTable = c
        sinTable = s
        samplePeriod = 1.0 / (Double(sampleRate) * ratio)
    }

    /// Formant frequencies and bandwidths (Hz) of one frame from its complex spectrum (`binCount` values of
    /// each part, numpy's sign convention).
    func formants(real: ArraySlice<Double>, imaginary: ArraySlice<Double>) -> (frequency: [Double], bandwidth: [Double]) {
        let a = Self.lpc(resampled(real: real, imaginary: imaginary), order: Self.order)
        return Self.formants(lpc: a, samplePeriod: samplePeriod)
    }

    /// openSMILE's `cSpecResample` output: the frame's time signal on the ~11 kHz grid (`outputCount`
    /// samples), from its complex spectrum (`binCount` values of each part, numpy's sign convention).
    func resampled(real: ArraySlice<Double>, imaginary: ArraySlice<Double>) -> [Double] {
        var signal = [Double](repeating: 0, count: outputCount)
        let scale = Float(fftSize / 2)
        let kept = max(keptBins, 1)
        real.withUnsafeBufferPointer { re in
            imaginary.withUnsafeBufferPointer { im in
                cosTable.withUnsafeBufferPointer { c in
                    sinTable.withUnsafeBufferPointer { s in
                        for i in 0..<outputCount {
                            // single precision, one rounding per product-add in openSMILE's order
                            // (smileDsp_irdft): the real part, then the imaginary part of each bin
                            var v = Float(re[0])
                            let row = i * keptBins
                            for k in 1..<kept {
                                v += Float(re[k]) * c[row + k]
                                // openSMILE's FFT stores −Im in numpy's convention
                                v += -Float(im[k]) * s[row + k]
                            }
                            signal[i] = Double(v / scale)
                        }
                    }
                }
            }
        }
        return signal
    }

    /// LPC coefficients `a₁ … a_p` of `A(z) = 1 + Σ a_i z^{−i}` by the autocorrelation method
    /// (Levinson–Durbin); zeros for a silent frame. Computed in single precision like openSMILE, because
    /// formant roots of weak or noisy frames are ill-conditioned and follow the reference's rounding.
    static func lpc(_ x: [Double], order p: Int) -> [Double] {
        let xf = x.map { Float($0) }
        var r = [Float](repeating: 0, count: p + 1)
        for lag in 0...p where lag < xf.count {
            var sum: Float = 0
            for i in lag..<xf.count { sum += xf[i] * xf[i - lag] }
            r[lag] = sum
        }
        var a = [Float](repeating: 0, count: p)
        guard r[0] != 0 else { return [Double](repeating: 0, count: p) }
        var e = r[0]
        for m in 1...p {
            var sum = r[m]
            for i in 1..<m { sum += a[i - 1] * r[m - i] }
            let k = (-1 / e) * sum
            a[m - 1] = k
            for i in stride(from: 1, through: m / 2, by: 1) {
                let t = a[i - 1]
                a[i - 1] += k * a[m - i - 1]
                if i < m / 2 || m % 2 == 1 { a[m - i - 1] += k * t }
            }
            e *= 1 - k * k
            if e == 0 {
                for i in m..<p { a[i] = 0 }
                break
            }
        }
        return a.map(Double.init)
    }

    /// Formants from the roots of openSMILE's polynomial `z^p − Σ a_j z^{p−j}`.
    static func formants(lpc a: [Double], samplePeriod: Double) -> (frequency: [Double], bandwidth: [Double]) {
        let p = a.count
        var frequency = [Double](repeating: 0, count: formantCount)
        var bandwidth = frequency
        guard p > 0, a.contains(where: { $0 != 0 }) else { return (frequency, bandwidth) }
        // companion matrix, row-major: first row a_1 … a_p, ones below the diagonal
        var h = [Double](repeating: 0, count: p * p)
        for j in 0..<p { h[j] = a[j] }
        for i in 1..<p { h[i * p + i - 1] = 1 }
        var wr = [Double](repeating: 0, count: p), wi = wr
        var leftVectors = [Double](repeating: 0, count: 1), rightVectors = [Double](repeating: 0, count: 1)
        let info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "N")), Int8(UInt8(ascii: "N")), Int32(p),
                                 &h, Int32(p), &wr, &wi, &leftVectors, 1, &rightVectors, 1)
        guard info == 0 else { return (frequency, bandwidth) }
        var found = 0
        for i in 0..<p {
            var re = wr[i], im = wi[i]
            let magnitude = (re * re + im * im).squareRoot()
            if magnitude > 1 {
                // reflect into the unit circle: 1 / conj(z)
                let d = re * re + im * im
                re = re / d
                im = im / d
            }
            if im < 0 { continue }
            let f = abs(atan2(im, re)) / (2 * Double.pi * samplePeriod)
            guard f >= minimumHz && f <= maximumHz else { continue }
            bandwidth[found] = -log((re * re + im * im).squareRoot()) / (Double.pi * samplePeriod)
            frequency[found] = f
            found += 1
            if found >= formantCount { break }
        }
        // ascending by frequency (openSMILE's exchange sort over the non-zero formants)
        let order = (0..<found).sorted { frequency[$0] < frequency[$1] }
        let f = order.map { frequency[$0] }, b = order.map { bandwidth[$0] }
        for i in 0..<found { frequency[i] = f[i]; bandwidth[i] = b[i] }
        return (frequency, bandwidth)
    }
}
