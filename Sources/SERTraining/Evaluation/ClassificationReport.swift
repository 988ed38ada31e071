import Foundation

/// Utterance-level classification results: the confusion matrix and the metrics derived from it.
///
/// With `C[i][j]` the number of utterances of true class `i` predicted as class `j` (rows true, columns
/// predicted), `N = Σ C[i][j]`, and `K'` the classes with at least one true example:
///
/// - **WA** (weighted accuracy, the overall accuracy): `Σ_i C[i][i] / N`. Each class weighs by its share
///   of the data.
/// - **UA** (unweighted accuracy, balanced accuracy, mean per-class recall):
///   `(1/|K'|) Σ_{i∈K'} C[i][i] / Σ_j C[i][j]`. Each class weighs the same. Classes with no true
///   examples have no recall and are left out of the mean; they are listed in ``classesWithoutSupport``.
/// - **macro F1**: the mean F1 over the same classes `K'`.
/// - Per class: precision, recall and F1 as defined in ``ClassMetrics``.
///
/// Decoding (from JSON) reads the classes and the confusion matrix and recomputes every metric, so a
/// stored report cannot hold numbers inconsistent with its matrix.
public struct ClassificationReport: Codable, Equatable, Sendable {
    /// Class names; the index of a class in this list is its index in the matrix.
    public let classes: [String]
    /// `confusion[i][j]`: utterances of true class `i` predicted as `j`. Shape `[classes, classes]`.
    public let confusion: [[Int]]
    /// Metrics per class, in ``classes`` order.
    public let perClass: [ClassMetrics]
    /// Number of utterances evaluated (`N`).
    public let total: Int
    /// Number predicted correctly (the trace of the matrix).
    public let correct: Int
    /// UA in [0, 1]: the mean recall over classes with true examples.
    public let unweightedAccuracy: Double
    /// WA in [0, 1]: the overall accuracy.
    public let weightedAccuracy: Double
    /// The mean F1 over classes with true examples.
    public let macroF1: Double
    /// Classes without true examples, left out of UA and macro F1.
    public let classesWithoutSupport: [String]

    /// The report for a confusion matrix (rows true, columns predicted).
    /// - Throws: ``EvaluationError`` for an empty or duplicated class list, a matrix of the wrong shape,
    ///   negative counts, or an all-zero matrix.
    public init(classes: [String], confusion: [[Int]]) throws {
        guard !classes.isEmpty else { throw EvaluationError.noClasses }
        var seen = Set<String>()
        for c in classes where !seen.insert(c).inserted { throw EvaluationError.duplicateClass(c) }
        let k = classes.count
        guard confusion.count == k, confusion.allSatisfy({ $0.count == k }) else {
            throw EvaluationError.confusionShape(rows: confusion.count, columns: confusion.map(\.count), classes: k)
        }
        for i in 0..<k { for j in 0..<k where confusion[i][j] < 0 {
            throw EvaluationError.negativeCount(row: i, column: j, value: confusion[i][j])
        } }
        let total = confusion.reduce(0) { $0 + $1.reduce(0, +) }
        guard total > 0 else { throw EvaluationError.noPredictions }

        let metrics = (0..<k).map { c in
            ClassMetrics(name: classes[c], truePositives: confusion[c][c], support: confusion[c].reduce(0, +),
                         predicted: confusion.reduce(0) { $0 + $1[c] })
        }
        let supported = metrics.filter { $0.support > 0 }
        self.classes = classes
        self.confusion = confusion
        self.perClass = metrics
        self.total = total
        self.correct = (0..<k).reduce(0) { $0 + confusion[$1][$1] }
        self.weightedAccuracy = Double(correct) / Double(total)
        self.unweightedAccuracy = supported.reduce(0.0) { $0 + ($1.recall ?? 0) } / Double(supported.count)
        self.macroF1 = supported.reduce(0.0) { $0 + ($1.f1 ?? 0) } / Double(supported.count)
        self.classesWithoutSupport = metrics.filter { $0.support == 0 }.map(\.name)
    }

    /// The report for class indices: `truth[n]` and `predicted[n]` are the true and predicted class of
    /// utterance `n`, each in `0..<classes.count`.
    /// - Throws: ``EvaluationError`` for lists of different lengths, empty lists, or indices out of range.
    public init(classes: [String], truth: [Int], predicted: [Int]) throws {
        guard truth.count == predicted.count else {
            throw EvaluationError.lengthMismatch(truth: truth.count, predicted: predicted.count)
        }
        guard !classes.isEmpty else { throw EvaluationError.noClasses }
        let k = classes.count
        var m = Array(repeating: Array(repeating: 0, count: k), count: k)
        for n in 0..<truth.count {
            guard (0..<k).contains(truth[n]) else {
                throw EvaluationError.indexOutOfRange(list: "truth", position: n, value: truth[n], classes: k)
            }
            guard (0..<k).contains(predicted[n]) else {
                throw EvaluationError.indexOutOfRange(list: "predicted", position: n, value: predicted[n], classes: k)
            }
            m[truth[n]][predicted[n]] += 1
        }
        try self.init(classes: classes, confusion: m)
    }

    /// The report for class names (each must be one of `classes`).
    public init(classes: [String], truthLabels: [String], predictedLabels: [String]) throws {
        guard truthLabels.count == predictedLabels.count else {
            throw EvaluationError.lengthMismatch(truth: truthLabels.count, predicted: predictedLabels.count)
        }
        var index = [String: Int]()
        for (i, c) in classes.enumerated() where index[c] == nil { index[c] = i }
        func indices(_ labels: [String], _ list: String) throws -> [Int] {
            try labels.enumerated().map { n, l in
                guard let i = index[l] else { throw EvaluationError.unknownLabel(list: list, position: n, label: l) }
                return i
            }
        }
        try self.init(classes: classes, truth: indices(truthLabels, "truth"), predicted: indices(predictedLabels, "predicted"))
    }

    /// The report of several evaluations pooled: their confusion matrices summed.
    /// - Throws: ``EvaluationError/noPredictions`` for an empty list; ``EvaluationError/confusionShape(rows:columns:classes:)``
    ///   when the class lists differ.
    public static func pooled(_ reports: [ClassificationReport]) throws -> ClassificationReport {
        guard let first = reports.first else { throw EvaluationError.noPredictions }
        let k = first.classes.count
        var m = first.confusion
        for r in reports.dropFirst() {
            guard r.classes == first.classes else {
                throw EvaluationError.confusionShape(rows: r.confusion.count, columns: r.confusion.map(\.count), classes: k)
            }
            for i in 0..<k { for j in 0..<k { m[i][j] += r.confusion[i][j] } }
        }
        return try ClassificationReport(classes: first.classes, confusion: m)
    }

    private enum CodingKeys: String, CodingKey {
        case classes, confusion, perClass, total, correct, unweightedAccuracy, weightedAccuracy, macroF1,
             classesWithoutSupport
    }

    /// Reads `classes` and `confusion` and recomputes the rest (see the type's documentation).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let classes = try c.decode([String].self, forKey: .classes)
        let confusion = try c.decode([[Int]].self, forKey: .confusion)
        do { try self.init(classes: classes, confusion: confusion) } catch {
            throw DecodingError.dataCorruptedError(forKey: .confusion, in: c, debugDescription: "\(error)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(classes, forKey: .classes)
        try c.encode(confusion, forKey: .confusion)
        try c.encode(perClass, forKey: .perClass)
        try c.encode(total, forKey: .total)
        try c.encode(correct, forKey: .correct)
        try c.encode(unweightedAccuracy, forKey: .unweightedAccuracy)
        try c.encode(weightedAccuracy, forKey: .weightedAccuracy)
        try c.encode(macroF1, forKey: .macroF1)
        try c.encode(classesWithoutSupport, forKey: .classesWithoutSupport)
    }
}
