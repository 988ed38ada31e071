import Foundation

/// Training curves of one run (its `history.json`, a list of ``EpochRecord``) as SVG: two panels
/// stacked, the mean training loss per epoch above, validation UA and WA (%) per epoch below. The best
/// epoch by validation UA (the model kept) is marked in both panels with a dashed line and a dot.
///
/// Structure: `<polyline class="series loss">`, `<polyline class="series validation-ua">`,
/// `<polyline class="series validation-wa">` (drawn from two epochs on), and one
/// `<circle class="point …">` per epoch and series (with a `<title>` tooltip), `<line class="best-epoch">` per panel.
public enum TrainingCurvesPlot {
    public static func svg(history: [EpochRecord], title: String = "Training curves") -> String {
        let width = 680.0, panelHeight = 200.0
        let left = 70.0, right = width - 150
        let top1 = 50.0, bottom1 = top1 + panelHeight
        let top2 = bottom1 + 60, bottom2 = top2 + panelHeight
        let height = bottom2 + 50
        var c = SVGCanvas(width: width, height: height)
        c.text(title, x: 12, y: 22, size: 15, bold: true, className: "plot-title")
        guard !history.isEmpty else {
            c.text("no epochs recorded", x: width / 2, y: height / 2, size: 13, anchor: .middle, className: "empty")
            return c.document(title: title)
        }
        let epochs = history.map { Double($0.epoch) }
        let lastEpoch = epochs.max() ?? 1, firstEpoch = epochs.min() ?? 1
        let xRange = firstEpoch == lastEpoch ? (firstEpoch - 0.5)...(lastEpoch + 0.5) : (firstEpoch - 0.25)...(lastEpoch + 0.25)
        let best = history.max { a, b in a.validationUA < b.validationUA || (a.validationUA == b.validationUA && a.epoch > b.epoch) }
        let xTicks: [Double] = {
            let n = Int(lastEpoch - firstEpoch) + 1
            let stride = Swift.max(1, Int(PlotAxis.niceStep(Double(n) / 8).rounded(.up)))
            return Swift.stride(from: Int(firstEpoch), through: Int(lastEpoch), by: stride).map(Double.init)
        }()

        // Loss panel.
        let x1 = PlotAxis(covering: [], pixels: (left, right), fixed: xRange)
        let y1 = PlotAxis(covering: history.map(\.trainLoss), pixels: (bottom1, top1), includeZero: true)
        let f1 = PlotFrame(x: x1, y: y1, left: left, top: top1, right: right, bottom: bottom1)
        f1.draw(on: &c, xTitle: "epoch", yTitle: "training loss", xTicks: xTicks)
        series(&c, history.map { (x1.pixel(Double($0.epoch)), y1.pixel($0.trainLoss)) }, color: PlotColors.series(3),
               name: "loss", tips: history.map { String(format: "epoch %d: loss %.4f", $0.epoch, $0.trainLoss) })
        legend(&c, [("training loss", PlotColors.series(3), nil)], x: right + 14, y: top1 + 10)

        // Validation panel, in percent.
        let x2 = PlotAxis(covering: [], pixels: (left, right), fixed: xRange)
        let values = history.flatMap { [$0.validationUA * 100, $0.validationWA * 100] }
        let lo = Swift.max(0, ((values.min() ?? 0) / 10).rounded(.down) * 10)
        let hi = Swift.min(100, ((values.max() ?? 100) / 10).rounded(.up) * 10)
        let y2 = PlotAxis(covering: [], pixels: (bottom2, top2), fixed: lo...(hi > lo ? hi : lo + 10))
        let f2 = PlotFrame(x: x2, y: y2, left: left, top: top2, right: right, bottom: bottom2)
        f2.draw(on: &c, xTitle: "epoch", yTitle: "validation (%)", xTicks: xTicks)
        series(&c, history.map { (x2.pixel(Double($0.epoch)), y2.pixel($0.validationWA * 100)) }, color: PlotColors.series(2), dash: "6 4",
               name: "validation-wa", tips: history.map { String(format: "epoch %d: validation WA %.2f %%", $0.epoch, $0.validationWA * 100) })
        series(&c, history.map { (x2.pixel(Double($0.epoch)), y2.pixel($0.validationUA * 100)) }, color: PlotColors.series(0),
               name: "validation-ua", tips: history.map { String(format: "epoch %d: validation UA %.2f %%", $0.epoch, $0.validationUA * 100) })
        legend(&c, [("validation UA", PlotColors.series(0), nil), ("validation WA", PlotColors.series(2), "6 4")], x: right + 14, y: top2 + 10)

        if let best {
            for (axis, top, bottom) in [(x1, top1, bottom1), (x2, top2, bottom2)] {
                let px = axis.pixel(Double(best.epoch))
                c.line(x1: px, y1: top, x2: px, y2: bottom, stroke: "#555", width: 1, dash: "4 3", className: "best-epoch")
            }
            c.text("best epoch \(best.epoch)", x: right + 14, y: top2 + 62, size: 10, fill: "#333", className: "best-label")
            c.text(String(format: "validation UA %.2f %%", best.validationUA * 100), x: right + 14, y: top2 + 76, size: 10,
                   fill: "#333", className: "best-label")
        }
        return c.document(title: title)
    }

    private static func series(_ c: inout SVGCanvas, _ points: [(Double, Double)], color: String, dash: String? = nil,
                               name: String, tips: [String]) {
        if points.count > 1 {
            c.polyline(points.map { (x: $0.0, y: $0.1) }, stroke: color, width: 2, dash: dash, className: "series \(name)")
        }
        for (p, tip) in zip(points, tips) {
            c.circle(cx: p.0, cy: p.1, r: 3, fill: color, className: "point \(name)", title: tip)
        }
    }

    static func legend(_ c: inout SVGCanvas, _ items: [(String, String, String?)], x: Double, y: Double) {
        for (i, (name, color, dash)) in items.enumerated() {
            let yy = y + Double(i) * 18
            c.line(x1: x, y1: yy, x2: x + 18, y2: yy, stroke: color, width: 3, dash: dash, className: "legend-swatch")
            c.text(name, x: x + 24, y: yy + 4, size: 11, className: "legend-label")
        }
    }
}
