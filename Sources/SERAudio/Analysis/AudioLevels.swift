import Foundation

/// Signal levels: peak and RMS, linear and in dBFS.
///
/// dBFS is relative to full scale 1.0: peak dBFS = `20 log10(max |x|)`, RMS dBFS =
/// `20 log10(sqrt(mean(x²)))`. A full-scale sine has peak 0 dBFS and RMS ≈ -3.01 dBFS. A silent (all
/// zero) or empty signal has level 0 and `-infinity` dBFS, printed as `"-inf"` (see ``format(dBFS:)``).
public enum AudioLevels {
    /// `max |x|` over `samples`; 0 for an empty array. NaN samples are ignored.
    public static func peak(_ samples: [Float]) -> Float {
        samples.withUnsafeBufferPointer { buffer in
            var result: Float = 0
            for x in buffer { result = max(result, abs(x)) }
            return result
        }
    }

    /// `sqrt(mean(x²))`, accumulated in `Double`; 0 for an empty array.
    public static func rms(_ samples: [Float]) -> Float {
        Float(meanSquare(samples).squareRoot())
    }

    /// `mean(x²)` in `Double`; 0 for an empty array.
    public static func meanSquare(_ samples: [Float]) -> Double {
        guard !samples.isEmpty else { return 0 }
        return samples.withUnsafeBufferPointer { buffer in
            var sum: Double = 0
            for x in buffer { sum += Double(x) * Double(x) }
            return sum / Double(buffer.count)
        }
    }

    /// `20 log10(level)` for a linear amplitude; `-infinity` for 0.
    public static func decibels(_ level: Double) -> Double {
        level > 0 ? 20 * log10(level) : -.infinity
    }

    /// Linear amplitude factor of a level in dB: `10^(dB / 20)`.
    public static func amplitude(dB: Double) -> Double {
        pow(10, dB / 20)
    }

    /// A dBFS value as text with `decimals` decimals; `-inf` for silence (and `inf`/`nan` likewise).
    public static func format(dBFS value: Double, decimals: Int = 2) -> String {
        if value == -.infinity { return "-inf" }
        if value == .infinity { return "inf" }
        if value.isNaN { return "nan" }
        return String(format: "%.\(max(0, decimals))f", value)
    }
}

extension AudioBuffer {
    /// Peak level `max |x|` (linear, full scale 1).
    public var peak: Float { AudioLevels.peak(samples) }
    /// RMS level `sqrt(mean(x²))` (linear, full scale 1).
    public var rms: Float { AudioLevels.rms(samples) }
    /// Peak level in dBFS; `-infinity` when silent.
    public var peakDBFS: Double { AudioLevels.decibels(Double(peak)) }
    /// RMS level in dBFS (`10 log10(mean(x²))`, all in `Double`); `-infinity` when silent.
    public var rmsDBFS: Double { AudioLevels.decibels(AudioLevels.meanSquare(samples).squareRoot()) }
}
