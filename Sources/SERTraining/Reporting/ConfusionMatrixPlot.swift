import Foundation

/// The confusion matrix of a ``ClassificationReport`` as an SVG heat map.
///
/// Rows are true classes, columns predicted classes (as in the report). Each cell shows the count and,
/// below it, the row-normalised percentage (the share of that true class predicted as the column's
/// class, so the diagonal holds the per-class recalls); the cell colour is that percentage on a white →
/// dark blue scale. A row without true examples shows `—` and stays white. The subtitle gives UA, WA and
/// the number of utterances.
///
/// Structure (for tools and tests): one `<rect class="cell">` per matrix entry, row-major, each with a
/// `<title>` tooltip; `<text class="count">` and `<text class="percent">` in each cell;
/// `<text class="row-label">` per true class and `<text class="column-label">` per predicted class.
public enum ConfusionMatrixPlot {
    /// The SVG document.
    /// - Parameters:
    ///   - report: the results to draw.
    ///   - title: the heading (e.g. `test`, `fold03-test-S03`).
    public static func svg(_ report: ClassificationReport, title: String = "Confusion matrix") -> String {
        let k = report.classes.count
        let longest = report.classes.map(\.count).max() ?? 1
        let labelWidth = Swift.max(70, Double(longest) * 7.5 + 20)
        let cell = k <= 6 ? 72.0 : Swift.max(36, 432 / Double(k))
        // Long class names are written slanted above the columns.
        let slanted = longest > Int(cell / 7.5)
        let top = slanted ? 80 + Double(longest) * 5.5 : 90.0
        let left = labelWidth + 40
        let width = left + cell * Double(k) + 30
        let height = top + cell * Double(k) + 40
        var c = SVGCanvas(width: width, height: height)
        c.text(title, x: 12, y: 22, size: 15, bold: true, className: "plot-title")
        c.text(String(format: "UA %.2f %% · WA %.2f %% · %d utterances", report.unweightedAccuracy * 100,
                      report.weightedAccuracy * 100, report.total),
               x: 12, y: 42, size: 12, fill: "#444", className: "subtitle")
        c.text("predicted class", x: left + cell * Double(k) / 2, y: slanted ? 62 : top - 32, size: 12, anchor: .middle, className: "axis-title")
        c.text("true class", x: 16, y: top + cell * Double(k) / 2, size: 12, anchor: .middle, rotate: -90, className: "axis-title")
        for (j, name) in report.classes.enumerated() {
            let x = left + cell * (Double(j) + 0.5)
            c.text(name, x: x, y: top - 10, size: 12, anchor: slanted ? .start : .middle, rotate: slanted ? -40 : nil,
                   className: "column-label")
        }
        let fontCount = Swift.min(16, cell * 0.24), fontPercent = Swift.min(11, cell * 0.17)
        for i in 0..<k {
            let rowTotal = report.confusion[i].reduce(0, +)
            c.text(report.classes[i], x: left - 8, y: top + cell * (Double(i) + 0.5) + 4, size: 12, anchor: .end,
                   className: "row-label")
            for j in 0..<k {
                let n = report.confusion[i][j]
                let share: Double? = rowTotal > 0 ? Double(n) / Double(rowTotal) : nil
                let x = left + cell * Double(j), y = top + cell * Double(i)
                let tip = "true \(report.classes[i]), predicted \(report.classes[j]): \(n)"
                    + (share.map { String(format: " (%.1f %% of %@)", $0 * 100, report.classes[i]) } ?? "")
                c.rect(x: x, y: y, width: cell, height: cell, fill: PlotColors.heat(share ?? 0), stroke: i == j ? "#333" : "#ccc",
                       className: "cell", title: tip)
                let ink = PlotColors.textOnHeat(share ?? 0)
                c.text("\(n)", x: x + cell / 2, y: y + cell * 0.47, size: fontCount, anchor: .middle, fill: ink, bold: i == j,
                       className: "count")
                c.text(share.map { String(format: "%.1f%%", $0 * 100) } ?? "—", x: x + cell / 2, y: y + cell * 0.75,
                       size: fontPercent, anchor: .middle, fill: ink, className: "percent")
            }
        }
        c.text("cells: count and share of the true class (row %)", x: left, y: height - 14, size: 10, fill: "#666",
               className: "caption")
        return c.document(title: title)
    }
}
