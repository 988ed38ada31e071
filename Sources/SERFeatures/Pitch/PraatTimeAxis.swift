import Foundation

/// A regularly sampled time axis in Praat's conventions ("Sampled"): `count` points, the first at `x1`,
/// spaced `dx`; point `i` (1-based) sits at `x1 + (i - 1) * dx`.
///
/// A sound read from a file of `n` samples at `fs` Hz has `dx = 1 / fs`, `x1 = 0.5 / fs` and the time
/// domain `[0, n / fs]`. A pitch track uses the same type for its frames.
/// The index conversions reproduce Praat's `Sampled_xToLowIndex`, `..HighIndex` and `..NearestIndex`.
public struct PraatTimeAxis: Equatable, Sendable {
    /// Start of the time domain (s).
    public let xmin: Double
    /// End of the time domain (s).
    public let xmax: Double
    /// Number of points.
    public let count: Int
    /// Spacing (s).
    public let dx: Double
    /// Time of point 1 (s).
    public let x1: Double

    public init(xmin: Double, xmax: Double, count: Int, dx: Double, x1: Double) {
        self.xmin = xmin; self.xmax = xmax; self.count = count; self.dx = dx; self.x1 = x1
    }

    /// The axis of a sound of `sampleCount` samples at `sampleRate` Hz, as Praat sets it up when reading a file.
    public static func sound(sampleCount: Int, sampleRate: Double) -> PraatTimeAxis {
        PraatTimeAxis(xmin: 0, xmax: Double(sampleCount) / sampleRate, count: sampleCount,
                      dx: 1.0 / sampleRate, x1: 0.5 / sampleRate)
    }

    /// Time of point `index` (1-based).
    @inline(__always) public func time(ofIndex index: Int) -> Double { x1 + Double(index - 1) * dx }

    /// Real-valued 1-based index of time `t`: `(t - x1) / dx + 1`.
    @inline(__always) public func realIndex(_ t: Double) -> Double { (t - x1) / dx + 1.0 }

    /// `floor((t - x1) / dx + 1)`: the last point at or before `t` (1-based; may be out of range).
    @inline(__always) public func lowIndex(_ t: Double) -> Int { Self.ifloor((t - x1) / dx + 1.0) }

    /// `ceil((t - x1) / dx + 1)`: the first point at or after `t` (1-based; may be out of range).
    @inline(__always) public func highIndex(_ t: Double) -> Int { Self.iceil((t - x1) / dx + 1.0) }

    /// `floor((t - x1) / dx + 1.5)`: the nearest point, ties to the right (1-based; may be out of range).
    @inline(__always) public func nearestIndex(_ t: Double) -> Int { Self.ifloor((t - x1) / dx + 1.5) }

    /// Floor to Int, saturating instead of trapping on huge or non-finite values.
    @inline(__always) static func ifloor(_ v: Double) -> Int { saturatingInt(v.rounded(.down)) }
    @inline(__always) static func iceil(_ v: Double) -> Int { saturatingInt(v.rounded(.up)) }
    @inline(__always) static func saturatingInt(_ v: Double) -> Int {
        if v >= 9.0e18 { return Int.max / 2 }
        if v <= -9.0e18 || v.isNaN { return Int.min / 2 }
        return Int(v)
    }
}
