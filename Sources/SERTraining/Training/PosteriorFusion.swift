import Foundation

/// Weighted means of class posteriors, and the choice of a late-fusion weight on validation speakers
/// (``FusionSettings``). Posteriors are `[utterances][classes]`, each row summing to 1.
public enum PosteriorFusion {
    /// `Σ_m w_m p_m / Σ_m w_m` row by row: the combination of ``EmotionModelDescription/Combination/mean``.
    /// - Precondition: the same shape for every part, at least one positive weight.
    public static func weightedMean(_ parts: [[[Double]]], weights: [Double]) -> [[Double]] {
        precondition(parts.count == weights.count && !parts.isEmpty, "PosteriorFusion: \(parts.count) parts, \(weights.count) weights")
        let total = weights.reduce(0, +)
        precondition(total > 0, "PosteriorFusion: the weights sum to \(total)")
        var out = parts[0].map { $0.map { _ in 0.0 } }
        for (part, w) in zip(parts, weights) where w > 0 {
            precondition(part.count == out.count, "PosteriorFusion: parts of \(part.count) and \(out.count) utterances")
            for i in out.indices { for k in out[i].indices { out[i][k] += w / total * part[i][k] } }
        }
        return out
    }

    /// The index of the largest posterior of each row (the first on ties).
    public static func predictions(_ posteriors: [[Double]]) -> [Int] {
        posteriors.map { p in p.indices.max { p[$0] < p[$1] || (p[$0] == p[$1] && $0 > $1) } ?? 0 }
    }

    /// One candidate weight with how the fused posteriors did on the validation utterances.
    public struct Candidate: Codable, Equatable, Sendable {
        /// The network part's weight `w` (the functionals part has `1 − w`).
        public var networkWeight: Double
        public var validationUA: Double
        /// Mean over classes of the mean negative log-likelihood of the true class (class-balanced, as UA is).
        public var validationNLL: Double
    }

    /// Scores every weight of `grid` on the validation utterances (`labels`, class indices) and returns the
    /// chosen one with all candidates: the smallest class-balanced negative log-likelihood (a proper score, smooth in
    /// `w`: with one or two validation speakers, UA moves in steps of a few utterances and would pick the weight by
    /// chance); ties: the better UA, then the weight nearest 0.5 (equal trust when the validation speakers cannot tell).
    public static func chooseWeight(network: [[Double]], functionals: [[Double]], labels: [Int], classes: Int,
                                    grid: [Double]) -> (chosen: Candidate, candidates: [Candidate]) {
        precondition(!grid.isEmpty, "PosteriorFusion: empty weight grid")
        let candidates = score(network: network, functionals: functionals, labels: labels, classes: classes, grid: grid)
        let chosen = candidates.min { a, b in
            if a.validationNLL != b.validationNLL { return a.validationNLL < b.validationNLL }
            if a.validationUA != b.validationUA { return a.validationUA > b.validationUA }
            return abs(a.networkWeight - 0.5) < abs(b.networkWeight - 0.5)
        } ?? candidates[0]
        return (chosen, candidates)
    }

    /// The UA and class-balanced NLL of the fusion with every weight of `grid`, on utterances whose classes are `labels`.
    public static func score(network: [[Double]], functionals: [[Double]], labels: [Int], classes: Int, grid: [Double]) -> [Candidate] {
        grid.map { w in
            let fused = fuse(network: network, functionals: functionals, networkWeight: w)
            return Candidate(networkWeight: w, validationUA: unweightedAccuracy(predictions(fused), labels: labels, classes: classes),
                             validationNLL: balancedNLL(fused, labels: labels, classes: classes))
        }
    }

    /// `w · network + (1 − w) · functionals`.
    public static func fuse(network: [[Double]], functionals: [[Double]], networkWeight w: Double) -> [[Double]] {
        zip(network, functionals).map { n, f in zip(n, f).map { w * $0 + (1 - w) * $1 } }
    }

    /// Mean per-class recall over the classes present in `labels`.
    static func unweightedAccuracy(_ predicted: [Int], labels: [Int], classes: Int) -> Double {
        var hit = [Double](repeating: 0, count: classes), count = [Double](repeating: 0, count: classes)
        for (p, y) in zip(predicted, labels) { count[y] += 1; if p == y { hit[y] += 1 } }
        let present = (0..<classes).filter { count[$0] > 0 }
        return present.isEmpty ? 0 : present.reduce(0) { $0 + hit[$1] / count[$1] } / Double(present.count)
    }

    /// Class-balanced mean of `−log p[true class]` (probabilities floored at 1e-12).
    static func balancedNLL(_ posteriors: [[Double]], labels: [Int], classes: Int) -> Double {
        var sum = [Double](repeating: 0, count: classes), count = [Double](repeating: 0, count: classes)
        for (p, y) in zip(posteriors, labels) { sum[y] += -log(max(p[y], 1e-12)); count[y] += 1 }
        let present = (0..<classes).filter { count[$0] > 0 }
        return present.isEmpty ? 0 : present.reduce(0) { $0 + sum[$1] / count[$1] } / Double(present.count)
    }
}
