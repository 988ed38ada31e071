import Foundation

/// eGeMAPS spectral-balance descriptors of one 20 ms Hamming frame, openSMILE's `cSpectral` with
/// `squareInput = 1`, `useLogSpectrum = 1`, `freqRange = 0-5000`:
///
/// - alpha ratio: `10·log10(Σ_{1–5 kHz} P / Σ_{0–1 kHz} P)` (dB), `P = |X|²`;
/// - Hammarberg index: `10·log10(max_{0–2 kHz} P / max_{2–5 kHz} P)` (dB);
/// - slopes 0–500 Hz and 500–1500 Hz: least-squares slope of the power spectrum in dB against frequency
///   (dB/Hz), with openSMILE's band-edge weights and its point count `N` (the bin-index span of the band);
/// - spectral flux: `√(mean_k (|X_t[k]| − |X_{t−1}[k]|)²)` over the bins below 5 kHz; 0 in the first frame.
struct SmileSpectralShape: Sendable {
    let binCount: Int
    let binHz: Double
    /// Flux range: bins `0 … fluxUpperBin` (the last bin strictly below 5 kHz).
    let fluxUpperBin: Int
    /// Power floor of the dB spectrum (`specFloor²`) and its value in dB.
    static let powerFloor = 0.0000001 * 0.0000001
    static var powerFloorDB: Double { 10 * log10(powerFloor) }

    private struct SlopeBand { let lowIndex: Int; let lowWeight: Double; let highIndex: Int; let highWeight: Double
        let span: Double }
    private let slopeBands: [SlopeBand]
    /// Highest bin any slope reads (the dB spectrum is only needed up to it).
    private let slopeUpperBin: Int

    init(binCount: Int, binHz: Double) {
        self.binCount = binCount
        self.binHz = binHz
        var upper = -1
        for i in 0..<binCount where 5000.0 > Double(i) * binHz { upper = i }
        if upper < 0 || upper >= binCount { upper = binCount - 1 }
        fluxUpperBin = upper
        let frq = (0..<binCount).map { Double($0) * binHz }
        slopeBands = [(0.0, 500.0), (500.0, 1500.0)].map { (lo, hi) in
            var ii = 0
            while ii < binCount && !(frq[ii] > lo) { ii += 1 }
            var wL = (ii < binCount && ii > 0) ? (frq[ii] - lo) / (frq[ii] - frq[ii - 1]) : 1.0
            var idxL = Double(ii) - 1; if idxL < 0 { idxL = 0 }; if idxL >= Double(binCount) { idxL = Double(binCount) }
            var jj = 0
            while jj < binCount && !(frq[jj] >= hi) { jj += 1 }
            var wR = (jj < binCount && jj > 0) ? (hi - frq[jj - 1]) / (frq[jj] - frq[jj - 1]) : 1.0
            var idxR = (jj < binCount && frq[jj] == hi) ? Double(jj) : Double(jj) - 1
            if idxR >= Double(binCount) { idxR = Double(binCount - 1) }
            if wL == 0 { wL = 1 }
            if wR == 0 { wR = 1 }
            var iL = Int(idxL.rounded(.down)), iR = Int(idxR.rounded(.down))
            if iL >= binCount { iL = binCount - 1; iR = binCount - 1; wL = 0; wR = 0 }
            if iR >= binCount { iR = binCount - 1; wR = 1 }
            iL = max(iL, 0); iR = max(iR, 0)
            return SlopeBand(lowIndex: iL, lowWeight: wL, highIndex: iR, highWeight: wR, span: idxR - idxL)
        }
        slopeUpperBin = slopeBands.map(\.highIndex).max() ?? 0
    }

    /// `[alphaRatio, hammarbergIndex, slope0-500, slope500-1500]` of one magnitude spectrum.
    func balance(_ magnitudes: ArraySlice<Double>) -> [Double] {
        let base = magnitudes.startIndex
        var sum01 = 0.0, sum15 = 0.0, max02 = 0.0, max25 = 0.0
        var db = [Double](repeating: 0, count: binCount)
        for k in 0..<binCount {
            let m = magnitudes[base + k]
            let p = m * m
            if k <= slopeUpperBin { db[k] = p <= Self.powerFloor ? Self.powerFloorDB : 10 * log10(p) }
            let f = Double(k) * binHz
            if f <= 5000 {
                if f < 1000 { sum01 += p } else { sum15 += p }
                if f < 2000 { max02 = max(max02, p) } else { max25 = max(max25, p) }
            }
        }
        var out = [Double]()
        out.reserveCapacity(4)
        for band in slopeBands {
            // least squares slope, openSMILE's weighting of the two edge bins
            let fL = Double(band.lowIndex) * binHz, fR = Double(band.highIndex) * binHz
            var sf = fL * band.lowWeight
            var s2f = sf * sf
            var sumA = fL * band.lowWeight * db[band.lowIndex]
            var sumB = band.lowWeight * db[band.lowIndex]
            var i = band.lowIndex + 1
            while i < band.highIndex && i < binCount {
                let f = Double(i) * binHz
                s2f += f * f; sf += f; sumA += f * db[i]; sumB += db[i]
                i += 1
            }
            s2f += fR * band.highWeight * fR * band.highWeight
            sf += fR * band.highWeight
            sumA += fR * band.highWeight * db[band.highIndex]
            sumB += band.highWeight * db[band.highIndex]
            let n = band.span
            let denominator = n * s2f - sf * sf
            out.append(denominator != 0 ? (n * sumA - sf * sumB) / denominator : 0)
        }
        let alpha: Double
        if sum01 > 0 {
            alpha = sum15 > Self.powerFloor ? 10 * log10(sum15 / sum01) : 10 * (log10(Self.powerFloor) - log10(sum01))
        } else { alpha = 0 }
        let hammarberg: Double
        if max25 > 0 {
            hammarberg = max02 > Self.powerFloor ? 10 * log10(max02 / max25)
                : 10 * (log10(Self.powerFloor) - log10(max25))
        } else { hammarberg = 0 }
        return [alpha, hammarberg] + out
    }

    /// Spectral flux between two consecutive magnitude spectra.
    func flux(_ current: ArraySlice<Double>, previous: ArraySlice<Double>) -> Double {
        var sum = 0.0
        let c = current.startIndex, p = previous.startIndex
        for k in 0...fluxUpperBin {
            let d = current[c + k] - previous[p + k]
            sum += d * d
        }
        let mean = sum / Double(fluxUpperBin + 1)
        return mean > 0 ? mean.squareRoot() : 0
    }
}
