import Foundation

/// openSMILE's `cMelspec` triangular mel filterbank (`specScale = mel`, not HFCC): `bandCount` bands
/// evenly spaced on the mel scale `1127·ln(1 + f/700)` between `lowHz` and `highHz` (centres at the
/// interior points of `bandCount + 2` equally spaced edges), applied to the power spectrum `|X[k]|²`.
///
/// Each FFT bin strictly inside `(round(lowHz/binHz), round(highHz/binHz))` is split between the falling
/// slope of one band and the rising slope of the next, exactly as openSMILE's channel map does, so the
/// bins at the two ends belong to no band.
struct SmileMelBands: Sendable {
    let bandCount: Int
    /// Band centre frequencies (Hz), `bandCount` values.
    let centreHz: [Double]
    private let lowBin: Int
    private let highBin: Int
    /// Per bin: the band whose falling slope the bin is on (−1: none), or −3 outside the range.
    private let channel: [Int]
    /// Per bin: the falling-slope weight; `1 − weight` goes to band `channel + 1`.
    private let weight: [Double]

    static func mel(_ hz: Double) -> Double { hz > 0 ? 1127.0 * log(1.0 + hz / 700.0) : 0 }
    static func hz(_ mel: Double) -> Double { 700.0 * (exp(mel / 1127.0) - 1.0) }

    init(bandCount: Int, lowHz: Double, highHz: Double, binCount: Int, binHz: Double) {
        self.bandCount = bandCount
        let nyquist = binHz * Double(binCount - 1)
        var lo = lowHz, hi = highHz
        if lo < 0 || lo > nyquist || lo > hi { lo = 0 }
        if hi < lo || hi > nyquist || hi <= 0 { hi = nyquist }
        let loMel = Self.mel(lo), hiMel = Self.mel(hi)
        let step = (hiMel - loMel) / Double(bandCount + 1)
        let edges = (0...(bandCount + 1)).map { loMel + Double($0) * step }
        centreHz = (1...bandCount).map { Self.hz(edges[$0]) }
        lowBin = min(max(Int((lo / binHz).rounded()), 0), binCount)
        highBin = min(max(Int((hi / binHz).rounded()), 0), binCount)
        var channel = [Int](repeating: -3, count: binCount)
        var m = 0
        for n in 0..<binCount where n > lowBin && n < highBin {
            let nm = Self.mel(Double(n) * binHz)
            while edges[m] < nm {
                if m > bandCount { break }
                m += 1
            }
            channel[n] = m - 2
        }
        var weight = [Double](repeating: 0, count: binCount)
        m = 0
        if lowBin < highBin {
            for n in lowBin..<highBin {
                let nm = Self.mel(Double(n) * binHz)
                while nm > edges[m + 1] && m <= bandCount { m += 1 }
                weight[n] = (edges[m + 1] - nm) / (edges[m + 1] - edges[m])
            }
        }
        self.channel = channel
        self.weight = weight
    }

    /// Band energies of one magnitude spectrum (`binCount` values): `Σ_k w_b[k]·|X[k]|²`, `bandCount` values.
    func energies(_ magnitudes: ArraySlice<Double>) -> [Double] {
        var out = [Double](repeating: 0, count: bandCount)
        let base = magnitudes.startIndex
        guard lowBin < highBin else { return out }
        for n in lowBin..<highBin {
            let m = channel[n]
            guard m > -2 else { continue }
            let p = magnitudes[base + n] * magnitudes[base + n]
            let a = p * weight[n]
            if m > -1 { out[m] += a }
            if m < bandCount - 1 { out[m + 1] += p - a }
        }
        return out
    }
}
