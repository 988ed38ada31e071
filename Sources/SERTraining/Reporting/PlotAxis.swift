import Foundation

/// A linear axis: data range → pixel range, with "nice" tick values (1, 2, 2.5 or 5 × 10^k apart).
struct PlotAxis {
    let lower: Double, upper: Double
    let pixelLow: Double, pixelHigh: Double

    /// An axis covering `values` (non-finite ones ignored); a flat or empty range is widened.
    init(covering values: [Double], pixels: (Double, Double), includeZero: Bool = false, fixed: ClosedRange<Double>? = nil) {
        if let fixed {
            lower = fixed.lowerBound
            upper = fixed.upperBound
        } else {
            let finite = values.filter(\.isFinite)
            var lo = finite.min() ?? 0, hi = finite.max() ?? 1
            if includeZero { lo = Swift.min(lo, 0); hi = Swift.max(hi, 0) }
            if hi - lo < 1e-12 { let pad = Swift.max(abs(hi) * 0.1, 0.5); lo -= pad; hi += pad }
            let step = Self.niceStep((hi - lo) / 5)
            lower = (lo / step).rounded(.down) * step
            upper = (hi / step).rounded(.up) * step
        }
        pixelLow = pixels.0
        pixelHigh = pixels.1
    }

    func pixel(_ v: Double) -> Double {
        pixelLow + (v - lower) / (upper - lower) * (pixelHigh - pixelLow)
    }

    /// Tick values inside the range, about `count` of them.
    func ticks(count: Int = 5) -> [Double] {
        let step = Self.niceStep((upper - lower) / Double(Swift.max(1, count)))
        var t = (lower / step).rounded(.up) * step
        var out = [Double]()
        while t <= upper + step * 1e-9 && out.count < 50 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let p = pow(10, (log10(raw)).rounded(.down))
        let f = raw / p
        let m: Double = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10
        return m * p
    }

    /// A tick label with just enough decimals for the step (`0.25` steps get two, `0.1` one).
    func label(_ v: Double) -> String {
        let step = Self.niceStep((upper - lower) / 5)
        var decimals = 0
        while decimals < 6 {
            let scaled = step * pow(10, Double(decimals))
            if abs(scaled - scaled.rounded()) < 1e-6 { break }
            decimals += 1
        }
        return String(format: "%.\(decimals)f", v)
    }
}

/// Draws a framed plot area with axes, ticks and grid lines.
struct PlotFrame {
    let x: PlotAxis, y: PlotAxis
    let left: Double, top: Double, right: Double, bottom: Double

    func draw(on c: inout SVGCanvas, xTitle: String, yTitle: String, xTicks: [Double]? = nil, yFormat: ((Double) -> String)? = nil) {
        c.rect(x: left, y: top, width: right - left, height: bottom - top, fill: "#fafafa", stroke: "#999", className: "plot-area")
        for t in y.ticks() {
            let py = y.pixel(t)
            c.line(x1: left, y1: py, x2: right, y2: py, stroke: "#e2e2e2", className: "grid")
            c.text(yFormat?(t) ?? y.label(t), x: left - 6, y: py + 4, size: 10, anchor: .end, fill: "#444", className: "y-tick")
        }
        for t in xTicks ?? x.ticks() {
            let px = x.pixel(t)
            c.line(x1: px, y1: bottom, x2: px, y2: bottom + 4, stroke: "#999", className: "tick")
            c.text(x.label(t), x: px, y: bottom + 16, size: 10, anchor: .middle, fill: "#444", className: "x-tick")
        }
        c.text(xTitle, x: (left + right) / 2, y: bottom + 32, size: 11, anchor: .middle, className: "axis-title")
        c.text(yTitle, x: left - 40, y: (top + bottom) / 2, size: 11, anchor: .middle, rotate: -90, className: "axis-title")
    }
}
