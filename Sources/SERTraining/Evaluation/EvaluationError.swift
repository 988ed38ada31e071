import Foundation

/// Inputs that cannot form a classification report.
public enum EvaluationError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// No class names were given.
    case noClasses
    /// A class name appears twice.
    case duplicateClass(String)
    /// The confusion matrix is not `classes × classes`.
    case confusionShape(rows: Int, columns: [Int], classes: Int)
    /// A negative count in the confusion matrix.
    case negativeCount(row: Int, column: Int, value: Int)
    /// Truth and prediction lists of different lengths.
    case lengthMismatch(truth: Int, predicted: Int)
    /// A class index outside `0..<classes` at `position` of the truth or prediction list.
    case indexOutOfRange(list: String, position: Int, value: Int, classes: Int)
    /// A label that is not among the classes at `position` of the truth or prediction list.
    case unknownLabel(list: String, position: Int, label: String)
    /// Nothing to evaluate.
    case noPredictions

    public var description: String {
        switch self {
        case .noClasses: return "no class names given"
        case .duplicateClass(let c): return "class '\(c)' is listed twice"
        case let .confusionShape(r, c, n): return "confusion matrix has \(r) rows with \(c) columns; expected \(n) × \(n)"
        case let .negativeCount(r, c, v): return "confusion matrix entry [\(r)][\(c)] is negative (\(v))"
        case let .lengthMismatch(t, p): return "\(t) true labels but \(p) predictions"
        case let .indexOutOfRange(l, p, v, n): return "\(l)[\(p)] = \(v) is not a class index (0..<\(n))"
        case let .unknownLabel(l, p, label): return "\(l)[\(p)] = '\(label)' is not one of the classes"
        case .noPredictions: return "no predictions to evaluate"
        }
    }

    public var errorDescription: String? { description }
}
