import Foundation
import XCTest
@testable import SERTraining

final class ReportPlotTests: XCTestCase {
    func testConfusionMatrixHasOneCellPerEntryWithCountsAndRowPercentages() throws {
        let classes = ["neutral", "happy", "sad", "angry"]
        let m = [[5, 1, 0, 0], [2, 6, 0, 2], [0, 0, 0, 0], [1, 0, 3, 4]]
        let report = try ClassificationReport(classes: classes, confusion: m)
        let svg = try ParsedSVG(ConfusionMatrixPlot.svg(report, title: "test fold"))
        let cells = svg.all("rect", class: "cell")
        XCTAssertEqual(cells.count, 16)
        let counts = svg.all("text", class: "count").map(\.text)
        XCTAssertEqual(counts, m.flatMap { $0 }.map(String.init), "counts row-major")
        let percents = svg.all("text", class: "percent").map(\.text)
        XCTAssertEqual(percents.count, 16)
        // Row 1 (happy): 2, 6, 0, 2 of 10.
        XCTAssertEqual(Array(percents[4..<8]), ["20.0%", "60.0%", "0.0%", "20.0%"])
        // The row without true examples shows dashes and white cells.
        XCTAssertEqual(Array(percents[8..<12]), Array(repeating: "—", count: 4))
        XCTAssertEqual(Set(cells[8..<12].map { $0.attributes["fill"] ?? "" }), [PlotColors.heat(0)])
        // Colour follows the row share: neutral→neutral is 5 of 6.
        XCTAssertEqual(cells[0].attributes["fill"], PlotColors.heat(5.0 / 6))
        XCTAssertEqual(svg.all("text", class: "row-label").map(\.text), classes)
        XCTAssertEqual(svg.all("text", class: "column-label").map(\.text), classes)
        XCTAssertTrue(svg.all("title").contains { $0.text == "true happy, predicted angry: 2 (20.0 % of happy)" })
        XCTAssertTrue(svg.texts.contains { $0.hasPrefix(String(format: "UA %.2f %%", report.unweightedAccuracy * 100)) })
        XCTAssertEqual(svg.all("svg").first?.attributes["xmlns"], "http://www.w3.org/2000/svg")
    }

    func testClassNamesAreEscaped() throws {
        let classes = ["a<b", "c&d", "\"q\""]
        let report = try ClassificationReport(classes: classes, confusion: [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
        let svg = try ParsedSVG(ConfusionMatrixPlot.svg(report, title: "<&>"))
        XCTAssertEqual(svg.all("text", class: "row-label").map(\.text), classes)
        XCTAssertEqual(svg.all("title").first?.text, "<&>")
        let longNames = try ClassificationReport(classes: ["a very long class name", "short"], confusion: [[1, 1], [0, 2]])
        let slanted = try ParsedSVG(ConfusionMatrixPlot.svg(longNames))
        XCTAssertNotNil(slanted.all("text", class: "column-label").first?.attributes["transform"], "long names are slanted")
    }

    func testTrainingCurvesDrawEverySeriesAndTheBestEpoch() throws {
        let history = (1...5).map { e in
            EpochRecord(epoch: e, trainLoss: 1.5 / Double(e), validationUA: [0.3, 0.5, 0.45, 0.6, 0.55][e - 1],
                        validationWA: [0.35, 0.5, 0.5, 0.58, 0.6][e - 1], seconds: 1)
        }
        let svg = try ParsedSVG(TrainingCurvesPlot.svg(history: history))
        for name in ["loss", "validation-ua", "validation-wa"] {
            let line = svg.all("polyline", class: name)
            XCTAssertEqual(line.count, 1, name)
            XCTAssertEqual(line.first?.attributes["points"]?.split(separator: " ").count, 5, name)
            XCTAssertEqual(svg.all("circle", class: name).count, 5, name)
        }
        let best = svg.all("line", class: "best-epoch")
        XCTAssertEqual(best.count, 2)
        XCTAssertTrue(svg.texts.contains("best epoch 4"))
        XCTAssertTrue(svg.texts.contains("validation UA 60.00 %"))
        // Epoch 4's x position is the best-epoch line's.
        let uaPoints = svg.all("circle", class: "validation-ua")
        XCTAssertEqual(uaPoints[3].attributes["cx"], best[0].attributes["x1"])
        // Higher UA is drawn higher (smaller y).
        let ys = uaPoints.compactMap { Double($0.attributes["cy"] ?? "") }
        XCTAssertLessThan(ys[3], ys[1])
        XCTAssertLessThan(ys[1], ys[0])
    }

    func testTrainingCurvesWithOneOrNoEpochs() throws {
        let one = try ParsedSVG(TrainingCurvesPlot.svg(history: [EpochRecord(epoch: 1, trainLoss: 1, validationUA: 0.25, validationWA: 0.25, seconds: 1)]))
        XCTAssertTrue(one.all("polyline").isEmpty)
        XCTAssertEqual(one.all("circle", class: "loss").count, 1)
        let none = try ParsedSVG(TrainingCurvesPlot.svg(history: []))
        XCTAssertTrue(none.texts.contains("no epochs recorded"))
    }

    func testTimelineBandsStackToOneAndTileTheTimeAxis() throws {
        let classes = ["neutral", "happy", "sad"]
        let points = [
            EmotionTimeline.Point(start: 0, end: 3, posteriors: [0.7, 0.2, 0.1]),
            EmotionTimeline.Point(start: 1, end: 4, posteriors: [0.6, 0.3, 0.1]),
            EmotionTimeline.Point(start: 2, end: 5, posteriors: [0.1, 0.2, 0.7]),
        ]
        let svg = try ParsedSVG(EmotionTimelinePlot.svg(EmotionTimeline(classes: classes, source: .windows, points: points)))
        let bands = svg.all("polygon", class: "band")
        XCTAssertEqual(bands.map { $0.classes.last }, classes)
        // Each band outline: 2 points per timeline point on top, 2 on the bottom.
        for b in bands { XCTAssertEqual(b.attributes["points"]?.split(separator: " ").count, 12) }
        // The top of the last band is at posterior 1 everywhere: one y value, the plot's top.
        let top = Set((bands.last?.attributes["points"] ?? "").split(separator: " ").prefix(6).map { $0.split(separator: ",")[1] })
        XCTAssertEqual(top.count, 1)
        XCTAssertEqual(Double(top.first ?? "") ?? -1, svg.all("rect", class: "plot-area").first.flatMap { Double($0.attributes["y"] ?? "") } ?? -2, accuracy: 1e-9)
        // Centres 1.5, 2.5, 3.5 s give columns 0–2, 2–3, 3–5 s. Two runs of the most probable class:
        // neutral (points 0–1, 0–3 s) and sad (point 2, 3–5 s).
        let runs = svg.all("rect", class: "top-class")
        XCTAssertEqual(runs.map { $0.classes.last }, ["neutral", "sad"])
        XCTAssertEqual(runs.compactMap { $0.elementsTitle(in: svg) }, ["0.00–3.00 s: neutral", "3.00–5.00 s: sad"])
        XCTAssertEqual(svg.all("text", class: "legend-label").map(\.text), classes)
    }

    func testTimelineWithOnePointAndWithNone() throws {
        let one = EmotionTimeline(classes: ["a", "b"], source: .windows, points: [.init(start: 0, end: 1.2, posteriors: [0.4, 0.6])])
        let svg = try ParsedSVG(EmotionTimelinePlot.svg(one))
        XCTAssertEqual(svg.all("polygon", class: "band").count, 2)
        XCTAssertEqual(svg.all("rect", class: "top-class").first?.classes.last, "b")
        let none = try ParsedSVG(EmotionTimelinePlot.svg(EmotionTimeline(classes: ["a"], source: .frames, points: [])))
        XCTAssertTrue(none.texts.contains("no timeline points"))
    }

    func testNumberFormattingAndFileNames() {
        XCTAssertEqual(SVGCanvas.number(1.0), "1")
        XCTAssertEqual(SVGCanvas.number(2.50), "2.5")
        XCTAssertEqual(SVGCanvas.number(-0.001), "0")
        XCTAssertEqual(SVGCanvas.number(.nan), "0")
        XCTAssertEqual(SVGCanvas.number(1234.567), "1234.57")
        XCTAssertEqual(TimelineFileNames.names(for: ["/a/x.wav", "/b/x.flac", "/c/y z.wav", "/d/x.wav"]),
                       ["x.timeline.svg", "x-2.timeline.svg", "y_z.timeline.svg", "x-3.timeline.svg"])
        XCTAssertEqual(PlotColors.heat(0), "#f7fbff")
        XCTAssertEqual(PlotColors.heat(1), "#08306b")
        XCTAssertEqual(PlotColors.heat(2), "#08306b")
    }

    func testPlotFilesAreWrittenAtomicallyAndReadBack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ser-plots-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("sub/plot.svg")
        let report = try ClassificationReport(classes: ["x", "y"], confusion: [[2, 1], [0, 3]])
        try ReportFiles.write(ConfusionMatrixPlot.svg(report), to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        _ = try ParsedSVG(text)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        XCTAssertEqual(leftovers, ["plot.svg"], "no temporary files left behind")
        let blocker = dir.appendingPathComponent("file")
        try Data().write(to: blocker)
        XCTAssertThrowsError(try ReportFiles.write("x", to: blocker.appendingPathComponent("inside.svg"))) { e in
            guard case ReportingError.unwritable(let f, _) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(f.hasSuffix("inside.svg"))
        }
    }
}

extension ParsedSVG.Element {
    /// The text of this element's `<title>` child (the next element in document order, when it is one).
    func elementsTitle(in svg: ParsedSVG) -> String? {
        guard let i = svg.elements.firstIndex(where: { $0.name == name && $0.attributes == attributes }),
              i + 1 < svg.elements.count, svg.elements[i + 1].name == "title" else { return nil }
        return svg.elements[i + 1].text
    }
}
