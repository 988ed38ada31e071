import XCTest
import SERTestSupport
@testable import SERTraining

/// Hand-built cases whose answers are worked out in the comments, and scikit-learn parity.
final class ClassificationReportTests: XCTestCase {
    /// Rows true a, b, c; columns predicted:
    ///   a [3 1 0]  support 4, recall 3/4
    ///   b [1 2 1]  support 4, recall 2/4
    ///   c [0 0 2]  support 2, recall 2/2
    /// WA = 7/10, UA = (3/4 + 1/2 + 1)/3 = 3/4; precision a 3/4, b 2/3, c 2/3;
    /// F1 = 2TP/(support + predicted): a 6/8, b 4/7, c 4/5.
    func testBalancedCase() throws {
        let r = try ClassificationReport(classes: ["a", "b", "c"], confusion: [[3, 1, 0], [1, 2, 1], [0, 0, 2]])
        XCTAssertEqual(r.total, 10)
        XCTAssertEqual(r.correct, 7)
        XCTAssertEqual(r.weightedAccuracy, 0.7)
        XCTAssertEqual(r.unweightedAccuracy, 0.75)
        XCTAssertEqual(r.perClass.map(\.support), [4, 4, 2])
        XCTAssertEqual(r.perClass.map(\.predicted), [4, 3, 3])
        XCTAssertEqual(r.perClass.map(\.recall), [0.75, 0.5, 1])
        XCTAssertEqual(r.perClass.map(\.precision), [0.75, 2.0 / 3, 2.0 / 3])
        XCTAssertEqual(r.perClass.map(\.f1), [0.75, 4.0 / 7, 0.8])
        XCTAssertEqual(r.macroF1, (0.75 + 4.0 / 7 + 0.8) / 3, accuracy: 1e-15)
        XCTAssertEqual(r.classesWithoutSupport, [])
    }

    /// c is never predicted: its precision is undefined, its recall and F1 are 0, and it still counts in UA.
    ///   a [2 0 0], b [1 1 0], c [1 1 0]: WA = 3/6; UA = (1 + 1/2 + 0)/3 = 1/2.
    func testClassNeverPredicted() throws {
        let truth = [0, 0, 1, 1, 2, 2], predicted = [0, 0, 0, 1, 0, 1]
        let r = try ClassificationReport(classes: ["a", "b", "c"], truth: truth, predicted: predicted)
        XCTAssertEqual(r.confusion, [[2, 0, 0], [1, 1, 0], [1, 1, 0]])
        XCTAssertEqual(r.weightedAccuracy, 0.5)
        XCTAssertEqual(r.unweightedAccuracy, 0.5)
        XCTAssertEqual(r.perClass[2].predicted, 0)
        XCTAssertNil(r.perClass[2].precision)
        XCTAssertEqual(r.perClass[2].recall, 0)
        XCTAssertEqual(r.perClass[2].f1, 0)
        XCTAssertEqual(r.perClass.map(\.precision), [0.5, 0.5, nil])
        XCTAssertEqual(r.perClass[0].f1, 2.0 / 3)
        XCTAssertEqual(r.perClass[1].f1, 0.5)
        XCTAssertEqual(r.macroF1, (2.0 / 3 + 0.5 + 0) / 3, accuracy: 1e-15)
        XCTAssertTrue(r.markdown.contains("| c | — | 0.00 | 0.00 | 2 | 0 |"), r.markdown)
    }

    /// c has no true examples but is predicted once: left out of UA (and listed), precision 0, recall
    /// undefined, F1 0. d has neither: everything undefined.
    ///   a [2 1 1 0], b [0 2 0 0], c [0 0 0 0], d [0 0 0 0]: WA = 4/6; UA = (1/2 + 1)/2 = 3/4 (not /4).
    func testClassAbsentFromTruth() throws {
        let r = try ClassificationReport(classes: ["a", "b", "c", "d"],
                                         truthLabels: ["a", "a", "a", "a", "b", "b"],
                                         predictedLabels: ["a", "a", "b", "c", "b", "b"])
        XCTAssertEqual(r.confusion, [[2, 1, 1, 0], [0, 2, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
        XCTAssertEqual(r.weightedAccuracy, 4.0 / 6)
        XCTAssertEqual(r.unweightedAccuracy, 0.75)
        XCTAssertEqual(r.classesWithoutSupport, ["c", "d"])
        XCTAssertEqual(r.perClass[2].precision, 0)
        XCTAssertNil(r.perClass[2].recall)
        XCTAssertEqual(r.perClass[2].f1, 0)
        XCTAssertNil(r.perClass[3].precision)
        XCTAssertNil(r.perClass[3].recall)
        XCTAssertNil(r.perClass[3].f1)
        XCTAssertEqual(r.macroF1, (2.0 / 3 + 0.8) / 2, accuracy: 1e-15)
        XCTAssertTrue(r.markdown.contains("left out of UA and macro F1): c, d"), r.markdown)
    }

    func testJSONHasNullsAndDecodingRecomputes() throws {
        let r = try ClassificationReport(classes: ["a", "b", "c"], confusion: [[2, 0, 0], [1, 1, 0], [1, 1, 0]])
        let data = try r.jsonData()
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("\"precision\" : null"), text)
        XCTAssertEqual(try JSONDecoder().decode(ClassificationReport.self, from: data), r)
        // A stored UA that disagrees with the matrix is recomputed on reading.
        let tampered = text.replacingOccurrences(of: "\"unweightedAccuracy\" : 0.5", with: "\"unweightedAccuracy\" : 0.99")
        XCTAssertNotEqual(tampered, text)
        XCTAssertEqual(try JSONDecoder().decode(ClassificationReport.self, from: Data(tampered.utf8)).unweightedAccuracy, 0.5)
        let broken = #"{"classes":["a","b"],"confusion":[[1,0]]}"#
        XCTAssertThrowsError(try JSONDecoder().decode(ClassificationReport.self, from: Data(broken.utf8)))
    }

    func testMarkdownLayout() throws {
        let r = try ClassificationReport(classes: ["a", "b", "c"], confusion: [[3, 1, 0], [1, 2, 1], [0, 0, 2]])
        let md = r.markdown
        XCTAssertTrue(md.hasPrefix("UA 75.00 % · WA 70.00 % (7 of 10 correct) · macro F1 70.71 %"), md)
        XCTAssertTrue(md.contains("| true \\ predicted | a | b | c | total |"), md)
        XCTAssertTrue(md.contains("| b | 1 | 2 | 1 | 4 |"), md)
        XCTAssertTrue(md.contains("| total | 4 | 3 | 3 | 10 |"), md)
    }

    func testInvalidInputs() {
        XCTAssertThrowsError(try ClassificationReport(classes: [], confusion: [])) { XCTAssertEqual($0 as? EvaluationError, .noClasses) }
        XCTAssertThrowsError(try ClassificationReport(classes: ["a", "a"], confusion: [[1, 0], [0, 1]])) {
            XCTAssertEqual($0 as? EvaluationError, .duplicateClass("a"))
        }
        XCTAssertThrowsError(try ClassificationReport(classes: ["a", "b"], confusion: [[1, 0], [0]])) {
            XCTAssertEqual($0 as? EvaluationError, .confusionShape(rows: 2, columns: [2, 1], classes: 2))
        }
        XCTAssertThrowsError(try ClassificationReport(classes: ["a", "b"], confusion: [[1, -1], [0, 1]])) {
            XCTAssertEqual($0 as? EvaluationError, .negativeCount(row: 0, column: 1, value: -1))
        }
        XCTAssertThrowsError(try ClassificationReport(classes: ["a", "b"], confusion: [[0, 0], [0, 0]])) {
            XCTAssertEqual($0 as? EvaluationError, .noPredictions)
        }
        XCTAssertThrowsError(try ClassificationReport(classes: ["a", "b"], truth: [0, 1], predicted: [0])) {
            XCTAssertEqual($0 as? EvaluationError, .lengthMismatch(truth: 2, predicted: 1))
        }
        XCTAssertThrowsError(try ClassificationReport(classes: ["a", "b"], truth: [0, 1], predicted: [0, 2])) {
            XCTAssertEqual($0 as? EvaluationError, .indexOutOfRange(list: "predicted", position: 1, value: 2, classes: 2))
        }
        XCTAssertThrowsError(try ClassificationReport(classes: ["a", "b"], truthLabels: ["a", "z"], predictedLabels: ["a", "b"])) {
            XCTAssertEqual($0 as? EvaluationError, .unknownLabel(list: "truth", position: 1, label: "z"))
        }
    }

    func testPooledSumsConfusions() throws {
        let x = try ClassificationReport(classes: ["a", "b"], confusion: [[1, 1], [0, 2]])
        let y = try ClassificationReport(classes: ["a", "b"], confusion: [[3, 0], [1, 0]])
        let p = try ClassificationReport.pooled([x, y])
        XCTAssertEqual(p.confusion, [[4, 1], [1, 2]])
        XCTAssertEqual(p.unweightedAccuracy, (4.0 / 5 + 2.0 / 3) / 2, accuracy: 1e-15)
        let z = try ClassificationReport(classes: ["a", "c"], confusion: [[1, 0], [0, 1]])
        XCTAssertThrowsError(try ClassificationReport.pooled([x, z]))
    }

    // MARK: scikit-learn parity

    struct Case: Decodable {
        let name: String, classes: Int, truth: [Int], predicted: [Int], confusion: [[Int]]
        let wa: Double, ua: Double
        let precision: [Double?], recall: [Double?], f1: [Double?], support: [Int]
    }
    struct File: Decodable { let cases: [Case] }

    func testAgainstScikitLearn() throws {
        let file = try Fixtures.json(File.self, "evaluation/evaluation.json")
        XCTAssertEqual(file.cases.count, 7)
        var worst = 0.0
        func close(_ a: Double?, _ b: Double?, _ what: String) {
            switch (a, b) {
            case let (x?, y?): worst = max(worst, abs(x - y)); XCTAssertEqual(x, y, accuracy: 1e-12, what)
            case (nil, nil): break
            default: XCTFail("\(what): \(String(describing: a)) vs sklearn \(String(describing: b))")
            }
        }
        for c in file.cases {
            let names = (0..<c.classes).map { "c\($0)" }
            let r = try ClassificationReport(classes: names, truth: c.truth, predicted: c.predicted)
            XCTAssertEqual(r.confusion, c.confusion, c.name)
            XCTAssertEqual(r.perClass.map(\.support), c.support, c.name)
            close(r.weightedAccuracy, c.wa, "\(c.name) WA")
            close(r.unweightedAccuracy, c.ua, "\(c.name) UA")
            for k in 0..<c.classes {
                close(r.perClass[k].precision, c.precision[k], "\(c.name) precision[\(k)]")
                close(r.perClass[k].recall, c.recall[k], "\(c.name) recall[\(k)]")
                close(r.perClass[k].f1, c.f1[k], "\(c.name) f1[\(k)]")
            }
        }
        print("ClassificationReport vs scikit-learn 1.9.1: worst absolute difference \(worst) over \(file.cases.count) cases")
    }
}
