import Foundation

/// A trained multinomial logistic regression: scores `s = W x + b` and posteriors `softmax(s)`
/// (scikit-learn's `LogisticRegression` on more than two classes; `decision_function` gives `s`).
///
/// The scores are defined up to a constant added to every class; the trained models keep the
/// symmetric form, `Σ_k b_k = 0` (and, from the L2 penalty, `Σ_k W_k = 0`), as scikit-learn's lbfgs does.
public struct MultinomialLogisticRegression: Equatable, Sendable {
    /// Weights `[classes][features]`.
    public var weights: [[Double]]
    /// Intercepts `[classes]`.
    public var intercepts: [Double]

    public init(weights: [[Double]], intercepts: [Double]) {
        precondition(weights.count == intercepts.count, "MultinomialLogisticRegression: \(weights.count) weight rows, \(intercepts.count) intercepts")
        self.weights = weights
        self.intercepts = intercepts
    }

    public var classCount: Int { intercepts.count }
    public var featureCount: Int { weights.first?.count ?? 0 }

    /// Scores `[classes]` of `x` (standardised `[features]`).
    public func scores(_ x: [Double]) -> [Double] {
        precondition(x.count == featureCount, "MultinomialLogisticRegression: \(x.count) features, trained on \(featureCount)")
        return (0..<classCount).map { k in
            var s = intercepts[k]
            for j in 0..<x.count { s += weights[k][j] * x[j] }
            return s
        }
    }

    /// `softmax(s)`, computed with the maximum subtracted.
    public static func softmax(_ s: [Double]) -> [Double] {
        let m = s.max() ?? 0
        let e = s.map { exp($0 - m) }
        let z = e.reduce(0, +)
        return e.map { $0 / z }
    }

    /// Posteriors `[classes]` of `x`.
    public func probabilities(_ x: [Double]) -> [Double] { Self.softmax(scores(x)) }

    /// The class with the highest score (ties: the lowest index).
    public func predict(_ x: [Double]) -> Int {
        let s = scores(x)
        var best = 0
        for k in 1..<Swift.max(1, s.count) where s[k] > s[best] { best = k }
        return best
    }
}
