import Foundation
import SERTensor

/// The mean and sample standard deviation of a metric over folds.
///
/// `mean = (1/n) Σ x_k`; `standardDeviation = sqrt(Σ (x_k − mean)² / (n − 1))` — the **sample** standard
/// deviation (Bessel's correction, NumPy's `std(ddof=1)`), nil when there is a single fold.
public struct FoldStatistic: Codable, Equatable, Sendable {
    public var mean: Double
    public var standardDeviation: Double?

    public init(_ values: [Double]) {
        let n = Double(values.count)
        mean = values.isEmpty ? 0 : values.reduce(0, +) / n
        let m = mean
        standardDeviation = values.count > 1 ? (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot() : nil
    }

    /// `61.23 ± 4.56` (percent, two decimals); `61.23 ± —` for one fold.
    public var percentText: String { "\(Percent.text(mean)) ± \(Percent.text(standardDeviation))" }

    private enum CodingKeys: String, CodingKey { case mean, standardDeviation }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mean, forKey: .mean)
        try c.encode(standardDeviation, forKey: .standardDeviation)
    }
}

/// Cross-validation results merged over all folds of a protocol: one row per fold, and mean ± sample
/// standard deviation (n − 1) over folds of UA, WA and macro F1. Each fold counts once, whatever its
/// size. ``pooled`` adds the report of all test utterances together (confusion matrices summed).
public struct CrossValidationSummary: Codable, Equatable, Sendable {
    /// One fold's line of the table.
    public struct Row: Codable, Equatable, Sendable {
        public var foldNumber: Int
        public var foldName: String
        public var testSpeakers: [String]
        public var testUtterances: Int
        public var unweightedAccuracy: Double
        public var weightedAccuracy: Double
        public var macroF1: Double
    }

    public var protocolName: String
    public var foldCount: Int
    public var classes: [String]
    /// Rows in fold order.
    public var folds: [Row]
    public var unweightedAccuracy: FoldStatistic
    public var weightedAccuracy: FoldStatistic
    public var macroF1: FoldStatistic
    /// All folds' test results together (summed confusion matrices).
    public var pooled: ClassificationReport

    /// Merges results, each with the name of the file it came from (used in errors).
    /// - Throws: ``FoldMergeError`` for an empty list, results of different protocols, fold counts or
    ///   classes, a fold number out of range, a fold given twice, or folds without a result.
    public static func merge(_ results: [(source: String, result: FoldResult)]) throws -> CrossValidationSummary {
        guard let first = results.first?.result else { throw FoldMergeError.noResults }
        var byFold = [Int: [String]]()
        for (source, r) in results {
            guard r.protocolName == first.protocolName else {
                throw FoldMergeError.protocolMismatch(file: source, expected: first.protocolName, found: r.protocolName)
            }
            guard r.foldCount == first.foldCount else {
                throw FoldMergeError.foldCountMismatch(file: source, expected: first.foldCount, found: r.foldCount)
            }
            guard r.test.classes == first.test.classes else {
                throw FoldMergeError.classMismatch(file: source, expected: first.test.classes, found: r.test.classes)
            }
            guard r.foldNumber >= 1 && r.foldNumber <= r.foldCount else {
                throw FoldMergeError.foldOutOfRange(file: source, number: r.foldNumber, count: r.foldCount)
            }
            byFold[r.foldNumber, default: []].append(source)
        }
        if let (k, files) = byFold.filter({ $0.value.count > 1 }).min(by: { $0.key < $1.key }) {
            throw FoldMergeError.duplicateFold(number: k, files: files)
        }
        let missing = (1...first.foldCount).filter { byFold[$0] == nil }
        guard missing.isEmpty else { throw FoldMergeError.missingFolds(numbers: missing, count: first.foldCount) }

        let ordered = results.map(\.result).sorted { $0.foldNumber < $1.foldNumber }
        let rows = ordered.map {
            Row(foldNumber: $0.foldNumber, foldName: $0.foldName, testSpeakers: $0.testSpeakers, testUtterances: $0.test.total,
                unweightedAccuracy: $0.test.unweightedAccuracy, weightedAccuracy: $0.test.weightedAccuracy,
                macroF1: $0.test.macroF1)
        }
        return CrossValidationSummary(
            protocolName: first.protocolName, foldCount: first.foldCount, classes: first.test.classes, folds: rows,
            unweightedAccuracy: FoldStatistic(rows.map(\.unweightedAccuracy)),
            weightedAccuracy: FoldStatistic(rows.map(\.weightedAccuracy)),
            macroF1: FoldStatistic(rows.map(\.macroF1)),
            pooled: try ClassificationReport.pooled(ordered.map(\.test)))
    }

    /// Reads fold result files (see ``FoldResult/write(to:)``) and merges them.
    public static func merge(files: [URL]) throws -> CrossValidationSummary {
        try merge(try files.map { (source: $0.path, result: try FoldResult.read(from: $0)) })
    }

    /// The table as Markdown: a row per fold (UA, WA in %) and a `mean ± std` row, with the standard
    /// deviation convention stated, then the pooled UA and WA.
    public var markdown: String {
        var s = "Cross-validation: \(protocolName), \(foldCount) fold\(foldCount == 1 ? "" : "s"); classes: \(classes.joined(separator: ", "))\n\n"
        s += "| fold | name | test speakers | utterances | UA (%) | WA (%) |\n"
        s += "| ---: | --- | --- | ---: | ---: | ---: |\n"
        for r in folds {
            s += "| \(r.foldNumber) | \(r.foldName) | \(r.testSpeakers.joined(separator: ", ")) | \(r.testUtterances) | "
            s += "\(Percent.text(r.unweightedAccuracy)) | \(Percent.text(r.weightedAccuracy)) |\n"
        }
        s += "| mean ± std | | | \(folds.reduce(0) { $0 + $1.testUtterances }) | \(unweightedAccuracy.percentText) | \(weightedAccuracy.percentText) |\n"
        s += "\nMean and sample standard deviation (n − 1) over the \(folds.count) folds, each fold weighted equally. "
        s += "Pooled over all test utterances: UA \(Percent.text(pooled.unweightedAccuracy)) %, WA \(Percent.text(pooled.weightedAccuracy)) %.\n"
        return s
    }

    /// The summary as pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data { try ResultJSON.encode(self) }

    /// Writes the JSON (`json`) and/or Markdown (`markdown`) renderings atomically.
    /// - Throws: ``FoldMergeError/unwritable(file:reason:)``.
    public func write(json: URL? = nil, markdown markdownURL: URL? = nil) throws {
        if let json {
            do { try AtomicFile.write(try jsonData(), to: json) } catch {
                throw FoldMergeError.unwritable(file: json.path, reason: "\(error)")
            }
        }
        if let markdownURL {
            do { try AtomicFile.write(Data(markdown.utf8), to: markdownURL) } catch {
                throw FoldMergeError.unwritable(file: markdownURL.path, reason: "\(error)")
            }
        }
    }
}
