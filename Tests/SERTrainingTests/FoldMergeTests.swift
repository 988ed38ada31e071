import XCTest
import SERTestSupport
@testable import SERTraining

final class FoldMergeTests: XCTestCase {
    private let classes = ["neutral", "happy", "sad", "angry"]

    private func result(_ number: Int, of count: Int, protocolName: String = "leave-one-speaker-out",
                        confusion: [[Int]]? = nil, classes: [String]? = nil) throws -> FoldResult {
        let cls = classes ?? self.classes
        let m = confusion ?? (0..<cls.count).map { i in (0..<cls.count).map { j in i == j ? 2 + number : 1 } }
        let fold = Fold(protocolName: protocolName, number: number, count: count,
                        name: Fold.standardName(number: number, count: count, testGroup: "s\(number)"),
                        trainSpeakers: ["x"], validationSpeakers: ["y"], testSpeakers: ["s\(number)"],
                        train: [0], validation: [1], test: [2])
        return FoldResult(fold: fold, test: try ClassificationReport(classes: cls, confusion: m))
    }

    func testSampleStandardDeviation() {
        let s = FoldStatistic([1, 2, 3, 4])
        XCTAssertEqual(s.mean, 2.5)
        XCTAssertEqual(s.standardDeviation!, (5.0 / 3).squareRoot(), accuracy: 1e-15)   // n − 1, not sqrt(1.25)
        XCTAssertNil(FoldStatistic([0.7]).standardDeviation)
        XCTAssertEqual(FoldStatistic([0.7]).percentText, "70.00 ± —")
        XCTAssertEqual(FoldStatistic([0.5, 0.7, 0.9]).percentText, "70.00 ± 20.00")
    }

    struct MergeFixture: Decodable {
        struct F: Decodable { let truth: [Int], predicted: [Int], ua: Double, wa: Double }
        let classes: Int, folds: [F]
        let ua_mean: Double, ua_std: Double, wa_mean: Double, wa_std: Double, pooled_ua: Double, pooled_wa: Double
    }
    struct File: Decodable { let merge: MergeFixture }

    func testMergeAgainstNumPy() throws {
        let fx = try Fixtures.json(File.self, "evaluation/evaluation.json").merge
        let n = fx.folds.count
        var results = [(source: String, result: FoldResult)]()
        for (k, f) in fx.folds.enumerated().reversed() {   // order of the inputs must not matter
            let report = try ClassificationReport(classes: classes, truth: f.truth, predicted: f.predicted)
            var r = try result(k + 1, of: n)
            r.test = report
            results.append(("fold\(k + 1).json", r))
        }
        let s = try CrossValidationSummary.merge(results)
        XCTAssertEqual(s.folds.map(\.foldNumber), Array(1...n))
        let diffs = [abs(s.unweightedAccuracy.mean - fx.ua_mean), abs(s.unweightedAccuracy.standardDeviation! - fx.ua_std),
                     abs(s.weightedAccuracy.mean - fx.wa_mean), abs(s.weightedAccuracy.standardDeviation! - fx.wa_std),
                     abs(s.pooled.unweightedAccuracy - fx.pooled_ua), abs(s.pooled.weightedAccuracy - fx.pooled_wa)]
            + zip(s.folds, fx.folds).flatMap { [abs($0.unweightedAccuracy - $1.ua), abs($0.weightedAccuracy - $1.wa)] }
        for d in diffs { XCTAssertLessThan(d, 1e-12) }
        print("fold merge vs NumPy (std ddof=1) / scikit-learn: worst absolute difference \(diffs.max()!)")
        XCTAssertTrue(s.markdown.contains("mean ± std"))
        XCTAssertTrue(s.markdown.contains("sample standard deviation (n − 1) over the 6 folds"))
    }

    func testFilesRoundTripAndRender() throws {
        let dir = try Fixtures.temporaryDirectory("folds")
        defer { try? FileManager.default.removeItem(at: dir) }
        var urls = [URL]()
        for k in 1...3 {
            let r = try result(k, of: 3)
            let url = dir.appendingPathComponent(r.fileName)
            try r.write(to: url)
            XCTAssertEqual(try FoldResult.read(from: url), r)
            urls.append(url)
        }
        XCTAssertEqual(urls.map(\.lastPathComponent), ["fold01-test-s1.json", "fold02-test-s2.json", "fold03-test-s3.json"])
        let s = try CrossValidationSummary.merge(files: urls)
        // Fold k's matrix has 2 + k on the diagonal and 1 elsewhere: recall = WA = (2 + k) / (5 + k).
        let accuracies = (1...3).map { Double(2 + $0) / Double(5 + $0) }
        XCTAssertEqual(s.folds.map(\.unweightedAccuracy), accuracies)
        XCTAssertEqual(s.folds.map(\.weightedAccuracy), accuracies)
        XCTAssertEqual(s.unweightedAccuracy.mean, accuracies.reduce(0, +) / 3, accuracy: 1e-15)
        let md = s.markdown
        XCTAssertTrue(md.hasPrefix("Cross-validation: leave-one-speaker-out, 3 folds; classes: neutral, happy, sad, angry"), md)
        XCTAssertTrue(md.contains("| 2 | fold02-test-s2 | s2 | 28 | 57.14 | 57.14 |"), md)
        let json = dir.appendingPathComponent("summary.json"), mdURL = dir.appendingPathComponent("summary.md")
        try s.write(json: json, markdown: mdURL)
        XCTAssertEqual(try JSONDecoder().decode(CrossValidationSummary.self, from: Data(contentsOf: json)), s)
        XCTAssertEqual(try String(contentsOf: mdURL, encoding: .utf8), md)

        let junk = dir.appendingPathComponent("junk.json")
        try Data("{\"protocolName\": 3}".utf8).write(to: junk)
        XCTAssertThrowsError(try CrossValidationSummary.merge(files: urls + [junk])) { e in
            guard case .unreadable(let f, _)? = e as? FoldMergeError else { return XCTFail("\(e)") }
            XCTAssertEqual(f, junk.path)
        }
        let none = dir.appendingPathComponent("none.json")
        XCTAssertThrowsError(try FoldResult.read(from: none)) {
            XCTAssertEqual($0 as? FoldMergeError, .unreadable(file: none.path, reason: "no such file"))
        }
    }

    func testMergeErrors() throws {
        let a = try result(1, of: 3), b = try result(2, of: 3), c = try result(3, of: 3)
        XCTAssertThrowsError(try CrossValidationSummary.merge([])) { XCTAssertEqual($0 as? FoldMergeError, .noResults) }
        XCTAssertThrowsError(try CrossValidationSummary.merge([("a", a), ("c", c)])) {
            XCTAssertEqual($0 as? FoldMergeError, .missingFolds(numbers: [2], count: 3))
            XCTAssertEqual("\($0)", "missing result for fold 2 of 3")
        }
        XCTAssertThrowsError(try CrossValidationSummary.merge([("a", a), ("b", b), ("b2", b), ("c", c)])) {
            XCTAssertEqual($0 as? FoldMergeError, .duplicateFold(number: 2, files: ["b", "b2"]))
        }
        let other = try result(2, of: 3, protocolName: "leave-one-session-out")
        XCTAssertThrowsError(try CrossValidationSummary.merge([("a", a), ("x", other), ("c", c)])) {
            XCTAssertEqual($0 as? FoldMergeError, .protocolMismatch(file: "x", expected: "leave-one-speaker-out",
                                                                    found: "leave-one-session-out"))
        }
        let four = try result(2, of: 4)
        XCTAssertThrowsError(try CrossValidationSummary.merge([("a", a), ("x", four), ("c", c)])) {
            XCTAssertEqual($0 as? FoldMergeError, .foldCountMismatch(file: "x", expected: 3, found: 4))
        }
        let cls = try result(2, of: 3, classes: ["neutral", "happy", "sad", "anger"])
        XCTAssertThrowsError(try CrossValidationSummary.merge([("a", a), ("x", cls), ("c", c)])) {
            guard case .classMismatch(let f, _, _)? = $0 as? FoldMergeError else { return XCTFail("\($0)") }
            XCTAssertEqual(f, "x")
        }
        var bad = a
        bad.foldNumber = 5
        XCTAssertThrowsError(try CrossValidationSummary.merge([("a", bad)])) {
            XCTAssertEqual($0 as? FoldMergeError, .foldOutOfRange(file: "a", number: 5, count: 3))
        }
    }
}
