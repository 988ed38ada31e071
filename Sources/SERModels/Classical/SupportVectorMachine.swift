import Foundation

/// A trained multi-class C-SVM in LIBSVM's one-against-one form (what scikit-learn's `SVC` stores),
/// evaluated in Swift: inference needs no LIBSVM.
///
/// With `K` classes (indices `0..<K`) and `l` support vectors grouped by class (class 0's first,
/// ``supportVectorCounts`` of each), the pair `(i, j)`, `i < j`, numbered `p` in the order
/// (0,1), (0,2), …, (0,K−1), (1,2), …, has the decision value
///
///     f_p(x) = Σ_{s ∈ class i} α[j−1][s] k(sv_s, x) + Σ_{s ∈ class j} α[i][s] k(sv_s, x) − ρ_p
///
/// (α = ``coefficients`` `[K−1][l]`, ρ = ``rho`` `[K(K−1)/2]`); `f_p > 0` votes for `i`, else `j`.
/// The predicted class has the most votes (ties: the lowest index), as `SVC.predict` and LIBSVM's
/// `svm_predict`. scikit-learn's `decision_function_shape='ovo'` gives the same `f_p` and
/// `intercept_ = −ρ`. Kernels: linear `k = x·y`, RBF `k = exp(−γ‖x − y‖²)` (the squared distance
/// summed from the differences, as LIBSVM does).
///
/// Probabilities (when ``plattA`` / ``plattB`` are present, LIBSVM's `-b 1`): each pair's decision
/// value through its Platt sigmoid `r_ij = 1 / (1 + exp(A_p f_p + B_p))`, clipped to
/// `[1e-7, 1 − 1e-7]`, then coupled into one distribution by Wu, Lin and Weng's method 2 (2004), the
/// fixed-point iteration LIBSVM's `svm_predict_probability` runs (stop when every
/// `|(Qp)_t − pᵀQp| < 0.005 / K`, at most `max(100, K)` sweeps).
public struct SupportVectorMachine: Equatable, Sendable {
    public enum Kernel: String, Codable, CaseIterable, Sendable {
        case linear
        case rbf
    }

    public var kernel: Kernel
    /// RBF width γ (unused by the linear kernel).
    public var gamma: Double
    /// Support vectors `[l][features]`, grouped by class in class order.
    public var supportVectors: [[Double]]
    /// Support vectors of each class, `[K]`, summing to `l`.
    public var supportVectorCounts: [Int]
    /// Dual coefficients `y·α`, `[K−1][l]` (LIBSVM's `sv_coef`, scikit-learn's `dual_coef_`).
    public var coefficients: [[Double]]
    /// Offsets `ρ_p`, `[K(K−1)/2]` (scikit-learn's `intercept_` is `−ρ`).
    public var rho: [Double]
    /// Platt sigmoid parameters per pair, `[K(K−1)/2]` each; nil without probability estimates.
    public var plattA: [Double]?
    public var plattB: [Double]?

    public init(kernel: Kernel, gamma: Double, supportVectors: [[Double]], supportVectorCounts: [Int],
                coefficients: [[Double]], rho: [Double], plattA: [Double]? = nil, plattB: [Double]? = nil) {
        self.kernel = kernel
        self.gamma = gamma
        self.supportVectors = supportVectors
        self.supportVectorCounts = supportVectorCounts
        self.coefficients = coefficients
        self.rho = rho
        self.plattA = plattA
        self.plattB = plattB
    }

    public var classCount: Int { supportVectorCounts.count }
    public var featureCount: Int { supportVectors.first?.count ?? 0 }
    public var hasProbabilities: Bool { plattA != nil && plattB != nil }

    /// The pairs `(i, j)`, `i < j`, in decision-value order.
    public static func pairs(classes k: Int) -> [(Int, Int)] {
        var out = [(Int, Int)]()
        for i in 0..<k { for j in (i + 1)..<max(i + 1, k) { out.append((i, j)) } }
        return out
    }

    private func kernelValue(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        switch kernel {
        case .linear:
            for t in 0..<a.count { sum += a[t] * b[t] }
            return sum
        case .rbf:
            for t in 0..<a.count { let d = a[t] - b[t]; sum += d * d }
            return exp(-gamma * sum)
        }
    }

    /// One-against-one decision values `f_p(x)`, `[K(K−1)/2]`; `x` `[features]`, already standardised.
    public func decisionValues(_ x: [Double]) -> [Double] {
        precondition(x.count == featureCount, "SupportVectorMachine: \(x.count) features, trained on \(featureCount)")
        let k = supportVectors.map { kernelValue($0, x) }
        var start = [Int](repeating: 0, count: classCount)
        for c in 1..<max(1, classCount) { start[c] = start[c - 1] + supportVectorCounts[c - 1] }
        return Self.pairs(classes: classCount).enumerated().map { p, pair in
            let (i, j) = pair
            var sum = 0.0
            for s in start[i]..<(start[i] + supportVectorCounts[i]) { sum += coefficients[j - 1][s] * k[s] }
            for s in start[j]..<(start[j] + supportVectorCounts[j]) { sum += coefficients[i][s] * k[s] }
            return sum - rho[p]
        }
    }

    /// The class with the most pairwise votes (ties: lowest index) for decision values `f`.
    public func vote(_ f: [Double]) -> Int {
        var votes = [Int](repeating: 0, count: classCount)
        for (p, (i, j)) in Self.pairs(classes: classCount).enumerated() { votes[f[p] > 0 ? i : j] += 1 }
        var best = 0
        for c in 1..<max(1, classCount) where votes[c] > votes[best] { best = c }
        return best
    }

    /// The predicted class index of `x` (standardised `[features]`).
    public func predict(_ x: [Double]) -> Int { vote(decisionValues(x)) }

    /// Class probabilities `[K]` (summing to 1) for decision values `f`, or nil without Platt parameters.
    public func probabilities(decisionValues f: [Double]) -> [Double]? {
        guard let a = plattA, let b = plattB else { return nil }
        let k = classCount
        let minimum = 1e-7
        var r = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for (p, (i, j)) in Self.pairs(classes: k).enumerated() {
            let v = Swift.min(Swift.max(Self.sigmoid(f[p], a[p], b[p]), minimum), 1 - minimum)
            r[i][j] = v
            r[j][i] = 1 - v
        }
        if k == 2 { return [r[0][1], r[1][0]] }
        return Self.couple(r)
    }

    /// `1 / (1 + exp(A f + B))`, evaluated without overflow.
    static func sigmoid(_ f: Double, _ a: Double, _ b: Double) -> Double {
        let z = f * a + b
        return z >= 0 ? exp(-z) / (1 + exp(-z)) : 1 / (1 + exp(z))
    }

    /// Wu–Lin–Weng method 2: the distribution `p` minimising `Σ_{i≠j} (r_ji p_i − r_ij p_j)²`
    /// subject to `Σ p = 1`, by the coordinate fixed-point iteration. `r[i][j]` estimates P(i | i or j).
    public static func couple(_ r: [[Double]]) -> [Double] {
        let k = r.count
        var q = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for t in 0..<k {
            for j in 0..<k where j != t {
                q[t][t] += r[j][t] * r[j][t]
                q[t][j] = -r[j][t] * r[t][j]
            }
        }
        var p = [Double](repeating: 1 / Double(k), count: k)
        var qp = [Double](repeating: 0, count: k)
        let tolerance = 0.005 / Double(k)
        for _ in 0..<Swift.max(100, k) {
            var pqp = 0.0
            for t in 0..<k {
                qp[t] = 0
                for j in 0..<k { qp[t] += q[t][j] * p[j] }
                pqp += p[t] * qp[t]
            }
            var worst = 0.0
            for t in 0..<k { worst = Swift.max(worst, abs(qp[t] - pqp)) }
            if worst < tolerance { break }
            for t in 0..<k {
                let diff = (-qp[t] + pqp) / q[t][t]
                p[t] += diff
                pqp = (pqp + diff * (diff * q[t][t] + 2 * qp[t])) / (1 + diff) / (1 + diff)
                for j in 0..<k {
                    qp[j] = (qp[j] + diff * q[t][j]) / (1 + diff)
                    p[j] /= (1 + diff)
                }
            }
        }
        return p
    }
}
