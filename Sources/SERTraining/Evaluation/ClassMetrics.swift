/// Precision, recall and F1 of one class, from the confusion matrix `C` (rows true, columns predicted)
/// with `TP = C[k][k]`, `support = Σ_j C[k][j]` (true examples), `predicted = Σ_i C[i][k]`:
///
/// - precision = TP / predicted — undefined (nil) when the class is never predicted;
/// - recall = TP / support — undefined (nil) when the class has no true examples;
/// - F1 = 2·TP / (support + predicted) — the harmonic mean of precision and recall where both are
///   defined, 0 when the class has true examples but is never predicted (or is predicted but has
///   no true examples), undefined (nil) only when both counts are 0.
///
/// Undefined values are encoded as JSON `null`.
public struct ClassMetrics: Codable, Equatable, Sendable {
    public var name: String
    public var truePositives: Int
    public var support: Int
    public var predicted: Int
    public var precision: Double?
    public var recall: Double?
    public var f1: Double?

    public init(name: String, truePositives: Int, support: Int, predicted: Int) {
        self.name = name
        self.truePositives = truePositives
        self.support = support
        self.predicted = predicted
        precision = predicted > 0 ? Double(truePositives) / Double(predicted) : nil
        recall = support > 0 ? Double(truePositives) / Double(support) : nil
        f1 = support + predicted > 0 ? 2 * Double(truePositives) / Double(support + predicted) : nil
    }

    private enum CodingKeys: String, CodingKey {
        case name, truePositives, support, predicted, precision, recall, f1
    }

    /// Writes undefined metrics as explicit `null`s.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(truePositives, forKey: .truePositives)
        try c.encode(support, forKey: .support)
        try c.encode(predicted, forKey: .predicted)
        try c.encode(precision, forKey: .precision)
        try c.encode(recall, forKey: .recall)
        try c.encode(f1, forKey: .f1)
    }
}
