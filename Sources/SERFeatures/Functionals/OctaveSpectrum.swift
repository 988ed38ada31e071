import Foundation

/// openSMILE's `cSpecScale` as eGeMAPS configures it for pitch (`scale = octave`, `minF = 25`,
/// `specSmooth = 1`, `specEnhance = 1`, `auditoryWeighting = 1`): a linear magnitude spectrum is
/// peak-enhanced (bins farther than 2 from every local maximum between two maxima are zeroed),
/// smoothed with `[1, 2, 1] / 4`, interpolated by a natural cubic spline onto as many points equally spaced
/// in log2 frequency from 25 Hz to the top bin, and weighted by the auditory curve
/// `½ + atan(3·(i + 1 − s) / P) / π` (`P` points per octave, `s = P·log2(65/50) − 1`); negative values become 0.
struct OctaveSpectrum: Sendable {
    let pointCount: Int
    /// log2 of the first target frequency and the step between target points (octaves).
    let firstOctave: Double
    let octaveStep: Double
    /// Points per octave, rounded to single precision as openSMILE's level metadata stores it.
    let pointsPerOctave: Double
    private let sourceOctaves: [Double]
    private let sigma: [Double]
    private let targetInterval: [Int]
    private let targetPositions: [Double]
    private let auditoryWeight: [Double]

    init(binCount: Int, binHz: Double, minimumHz: Double = 25) {
        let n = binCount
        pointCount = n
        let maxHz = binHz * Double(n - 1)
        var ft = (0..<n).map { $0 == 0 ? 0 : log2(Double($0) * binHz) }
        if n > 2 { ft[0] = 2 * ft[1] - ft[2] }
        sourceOctaves = ft
        var s = [Double](repeating: 0, count: n)
        for i in 1..<max(n - 1, 1) { s[i] = (ft[i] - ft[i - 1]) / (ft[i + 1] - ft[i - 1]) }
        sigma = s
        let lo = log2(minimumHz), hi = log2(maxHz)
        firstOctave = lo
        octaveStep = (hi - lo) / Double(n - 1)
        var interval = [Int](repeating: 0, count: n), positions = [Double](repeating: 0, count: n)
        var k = 0
        for i in 0..<n {
            let x = lo + Double(i) * octaveStep
            positions[i] = x
            while k < n - 2 && ft[k + 1] < x { k += 1 }
            interval[i] = k
        }
        targetInterval = interval
        targetPositions = positions
        let octaves = log(maxHz / minimumHz) / log(2.0)
        let ppo = Double(Float(Double(n) / octaves))
        pointsPerOctave = ppo
        let atanS = Double(n) / octaves * log2(65.0 / 50.0) - 1.0
        auditoryWeight = (0..<n).map { 0.5 + atan(3.0 * (Double($0) + 1 - atanS) / (Double(n) / octaves)) / Double.pi }
    }

    /// The octave-scale spectrum of one linear magnitude spectrum (`pointCount` bins).
    func transform(_ magnitudes: ArraySlice<Double>) -> [Double] {
        let n = pointCount
        var y = Array(magnitudes)
        Self.enhancePeaks(&y)
        // [1 2 1]/4 smoothing, in place, last point untouched
        var previous = 0.0
        for i in 0..<(n - 1) {
            let current = y[i]
            y[i] = (previous + 2 * current + y[i + 1]) / 4
            previous = current
        }
        // natural cubic spline (Numerical Recipes), second derivatives y2
        var y2 = [Double](repeating: 0, count: n), u = [Double](repeating: 0, count: n)
        let x = sourceOctaves
        for i in 1..<(n - 1) {
            let p = 1.0 / (sigma[i] * y2[i - 1] + 2.0)
            y2[i] = (sigma[i] - 1.0) * p
            let ut = (y[i + 1] - y[i]) / (x[i + 1] - x[i]) - (y[i] - y[i - 1]) / (x[i] - x[i - 1])
            u[i] = p * (6.0 * ut / (x[i + 1] - x[i - 1]) - sigma[i] * u[i - 1])
        }
        y2[n - 1] = 0
        for j in stride(from: n - 2, through: 0, by: -1) { y2[j] = y2[j] * y2[j + 1] + u[j] }
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let lo = targetInterval[i], hi = lo + 1
            let h = x[hi] - x[lo]
            let a = (x[hi] - targetPositions[i]) / h, b = (targetPositions[i] - x[lo]) / h
            let v = a * y[lo] + b * y[hi] + ((a * a * a - a) * y2[lo] + (b * b * b - b) * y2[hi]) * h * h / 6
            let value = Double(Float(v))
            out[i] = value > 0 ? value * auditoryWeight[i] : 0
        }
        return out
    }

    /// openSMILE's `smileDsp_specEnhanceSHS`, including its single-peak branch (which reads the unset
    /// second peak position, 0, and so zeroes everything from bin 3 on).
    static func enhancePeaks(_ a: inout [Double]) {
        let n = a.count
        guard n >= 2 else { return }
        var peaks: [Int] = []
        if a[0] > a[1] { peaks.append(0) }
        for i in 1..<(n - 1) where a[i] > a[i - 1] && a[i] >= a[i + 1] { peaks.append(i) }
        if a[n - 1] > a[n - 2] { peaks.append(n - 1) }
        if peaks.count == 1 {
            // posmax[1] is 0 here
            for j in 3..<n { a[j] = 0 }
        } else if peaks.count > 1 {
            for i in 1..<peaks.count {
                var j = peaks[i - 1] + 3
                while j <= peaks[i] - 3 { a[j] = 0; j += 1 }
            }
        }
    }
}
