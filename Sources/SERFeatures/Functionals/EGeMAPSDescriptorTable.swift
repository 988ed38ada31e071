import Foundation

/// The smoothed `[frames, 25]` low-level descriptor table, opensmile-python's `LowLevelDescriptors` output:
/// spectral-grid descriptors smoothed with `_sma3`, F0-based ones with `_sma3nz`; rows stop at the
/// shorter grid.
struct EGeMAPSDescriptorTable {
    let rowCount: Int
    /// Row-major `[rowCount, 25]`.
    let values: [Double]

    init(_ c: EGeMAPSContours) {
        let sma = { (x: [Double]) in ContourSmoothing.movingAverage3(x, skippingZeros: false) }
        let smaNZ = { (x: [Double]) in ContourSmoothing.movingAverage3(x, skippingZeros: true) }
        var columns: [[Double]] = [
            sma(c.loudness), sma(c.alphaRatio), sma(c.hammarbergIndex), sma(c.slope0to500), sma(c.slope500to1500),
            sma(c.spectralFlux),
        ] + c.mfcc.map(sma)
        columns += [smaNZ(c.f0Semitones), smaNZ(c.jitterLocal), smaNZ(c.shimmerLocalDB), smaNZ(c.hnrDB),
                    smaNZ(c.h1MinusH2), smaNZ(c.h1MinusA3)]
        for f in 0..<3 {
            columns += [smaNZ(c.formantFrequency[f]), smaNZ(c.formantBandwidth[f]), smaNZ(c.formantAmplitude[f])]
        }
        let rows = columns.map(\.count).min() ?? 0
        rowCount = rows
        var values = [Double](repeating: 0, count: rows * columns.count)
        for (j, column) in columns.enumerated() {
            for t in 0..<min(rows, column.count) { values[t * columns.count + j] = column[t] }
        }
        self.values = values
    }
}
