import Foundation

/// An ``EmotionTimeline`` as SVG: the class posteriors stacked over time (each class a coloured band,
/// the bands summing to 1 at every moment), with a strip above showing the most probable class.
///
/// Each timeline point covers the time from the midpoint with the previous point's centre to the
/// midpoint with the next one's (the first starts at its segment's start, the last ends at its
/// segment's end), so overlapping windows tile the time axis without double drawing.
///
/// Structure: one `<polygon class="band <class>">` per class, in class order from the bottom;
/// `<rect class="top-class <class>">` per run of points with the same most probable class;
/// `<text class="legend-label">` per class.
public enum EmotionTimelinePlot {
    public static func svg(_ timeline: EmotionTimeline, title: String = "Emotion timeline") -> String {
        let width = 760.0, left = 60.0, right = width - 120
        let stripTop = 40.0, stripHeight = 14.0
        let top = stripTop + stripHeight + 12, bottom = top + 220
        let height = bottom + 50
        var c = SVGCanvas(width: width, height: height)
        c.text(title, x: 12, y: 22, size: 15, bold: true, className: "plot-title")
        let points = timeline.points.sorted { $0.center < $1.center }
        guard let first = points.first, let last = points.last else {
            c.text("no timeline points", x: width / 2, y: height / 2, size: 13, anchor: .middle, className: "empty")
            return c.document(title: title)
        }
        // Time boundaries of each point's column.
        var bounds = [first.start]
        for i in 1..<points.count { bounds.append((points[i - 1].center + points[i].center) / 2) }
        bounds.append(Swift.max(last.end, bounds[bounds.count - 1]))
        let tLow = bounds[0], tHigh = Swift.max(bounds[bounds.count - 1], tLow + 1e-3)
        let x = PlotAxis(covering: [], pixels: (left, right), fixed: tLow...tHigh)
        let y = PlotAxis(covering: [], pixels: (bottom, top), fixed: 0...1)
        let frame = PlotFrame(x: x, y: y, left: left, top: top, right: right, bottom: bottom)
        frame.draw(on: &c, xTitle: "time (s)", yTitle: "posterior")

        // Stacked bands: band k lies between the cumulative sums of classes 0..<k and 0...k.
        let k = timeline.classes.count
        var lower = [Double](repeating: 0, count: points.count)
        for cls in 0..<k {
            let upper = points.enumerated().map { i, p in lower[i] + (cls < p.posteriors.count ? Swift.max(0, p.posteriors[cls]) : 0) }
            var outline = [(x: Double, y: Double)]()
            for i in points.indices {
                outline.append((x.pixel(bounds[i]), y.pixel(Swift.min(1, upper[i]))))
                outline.append((x.pixel(bounds[i + 1]), y.pixel(Swift.min(1, upper[i]))))
            }
            for i in points.indices.reversed() {
                outline.append((x.pixel(bounds[i + 1]), y.pixel(Swift.min(1, lower[i]))))
                outline.append((x.pixel(bounds[i]), y.pixel(Swift.min(1, lower[i]))))
            }
            c.polygon(outline, fill: PlotColors.series(cls), className: "band \(safeClass(timeline.classes[cls]))",
                      title: timeline.classes[cls])
            lower = upper
        }

        // Most probable class, as runs.
        let top1 = timeline.classesSorted(points)
        var start = 0
        while start < points.count {
            var end = start
            while end + 1 < points.count && top1[end + 1] == top1[start] { end += 1 }
            let name = timeline.classes.indices.contains(top1[start]) ? timeline.classes[top1[start]] : "?"
            c.rect(x: x.pixel(bounds[start]), y: stripTop, width: x.pixel(bounds[end + 1]) - x.pixel(bounds[start]),
                   height: stripHeight, fill: PlotColors.series(top1[start]), className: "top-class \(safeClass(name))",
                   title: String(format: "%.2f–%.2f s: %@", bounds[start], bounds[end + 1], name))
            start = end + 1
        }
        c.text("most probable class", x: right + 14, y: stripTop + 11, size: 10, fill: "#444", className: "strip-label")
        for (i, name) in timeline.classes.enumerated() {
            let yy = top + 10 + Double(k - 1 - i) * 18
            c.rect(x: right + 14, y: yy - 8, width: 14, height: 12, fill: PlotColors.series(i), className: "legend-swatch")
            c.text(name, x: right + 34, y: yy + 2, size: 11, className: "legend-label")
        }
        let what = timeline.source == .windows ? "analysis windows" : "segment-classifier frames"
        c.text("\(points.count) \(what)", x: left, y: height - 8, size: 10, fill: "#666", className: "caption")
        return c.document(title: title)
    }

    /// A class name usable in a `class` attribute (spaces become `-`).
    static func safeClass(_ s: String) -> String {
        String(s.map { $0.isWhitespace ? "-" : $0 })
    }
}

extension EmotionTimeline {
    fileprivate func classesSorted(_ points: [Point]) -> [Int] {
        points.map { p in p.posteriors.indices.max { p.posteriors[$0] < p.posteriors[$1] } ?? 0 }
    }
}

/// File names for per-file timeline plots: `<file stem>.timeline.svg`, with `-2`, `-3`, … added to
/// repeated stems so that files of the same name in different folders do not overwrite each other.
/// Stems stay readable in any script: letters and digits of every language are kept (in Unicode NFC,
/// so `ü` is one character whichever way the file system spells it), as are `.`, `_` and `-`; spaces,
/// path separators, control and other characters become `_`.
public enum TimelineFileNames {
    public static func names(for paths: [String]) -> [String] {
        var used = Set<String>()
        return paths.map { path in
            let stem = readableStem(((path as NSString).lastPathComponent as NSString).deletingPathExtension)
            var name = "\(stem).timeline.svg", n = 1
            while !used.insert(name).inserted { n += 1; name = "\(stem)-\(n).timeline.svg" }
            return name
        }
    }

    /// `s` with every character that is not a letter, a digit, `.`, `_` or `-` replaced by `_`.
    static func readableStem(_ s: String) -> String {
        let kept = String(s.precomposedStringWithCanonicalMapping.map { c -> Character in
            (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") && !c.isWhitespace ? c : "_"
        })
        return kept.isEmpty || kept.allSatisfy({ $0 == "." }) ? "_" : kept
    }
}
