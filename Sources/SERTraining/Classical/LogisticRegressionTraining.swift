import CBLAS
import CLAPACKE
import Foundation
import SERModels

/// Multinomial logistic regression with an L2 penalty, fitted by Newton's method with LAPACK.
///
/// Minimises scikit-learn's `LogisticRegression` objective (lbfgs, multinomial, intercept not penalised)
///
///     C Σ_i s_i (−log softmax(W x_i + b)_{y_i}) + ½ ‖W‖²_F
///
/// with sample weights `s_i` (the class weight of row i's class). The minimiser in W and the
/// posteriors are unique; the intercepts are unique up to a common constant, fixed here by
/// `Σ_k b_k = 0` (scikit-learn's lbfgs, started at 0 and moved only along gradients, which sum to
/// zero over classes, keeps the same). Each Newton step solves `(H + v vᵀ) δ = g` with Cholesky
/// (`dposv`), `v` the unit vector along the common intercept shift (H's null direction, orthogonal
/// to g), then halves δ until the objective decreases (to rounding). It stops when the largest
/// gradient entry is below `tolerance` (relative to `max(1, C Σ s_i)`), or after a full step whose
/// Newton decrement `gᵀδ` was at the objective's rounding level; quadratic convergence gets there in a few steps,
/// far closer to the optimum than scikit-learn's default lbfgs (`tol=1e-4`).
///
/// LIBLINEAR (Debian's `liblinear-dev`) is not used: its logistic regression is one-vs-rest for more
/// than two classes, a different model from scikit-learn's multinomial one.
public enum LogisticRegressionTraining {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case invalidInput(String)
        case notConverged(String)

        public var description: String {
            switch self {
            case .invalidInput(let m): return "logistic regression: \(m)"
            case .notConverged(let m): return "logistic regression did not converge: \(m)"
            }
        }
    }

    /// Fits on `rows` `[samples][features]` with `labels` in `0..<classCount` (every class present).
    /// `classWeights[k]` weighs the rows of class k (nil: 1).
    public static func train(rows: [[Double]], labels: [Int], classCount k: Int, c: Double, classWeights: [Double]? = nil,
                             tolerance: Double = 1e-13, maxIterations: Int = 100) throws -> MultinomialLogisticRegression {
        guard rows.count == labels.count, !rows.isEmpty else { throw Failure.invalidInput("\(rows.count) rows for \(labels.count) labels") }
        let d = rows[0].count, n = rows.count
        if let bad = rows.firstIndex(where: { $0.count != d }) { throw Failure.invalidInput("row \(bad) has \(rows[bad].count) features, row 0 has \(d)") }
        if let bad = rows.firstIndex(where: { !$0.allSatisfy(\.isFinite) }) { throw Failure.invalidInput("row \(bad) holds a NaN or infinite feature") }
        guard k >= 2, labels.allSatisfy({ (0..<k).contains($0) }) else { throw Failure.invalidInput("labels must lie in 0..<\(k) with at least two classes") }
        guard c > 0, c.isFinite else { throw Failure.invalidInput("C must be positive") }
        if let w = classWeights, w.count != k || !w.allSatisfy({ $0 > 0 && $0.isFinite }) {
            throw Failure.invalidInput("\(w.count) class weights for \(k) classes (each must be positive)")
        }
        let s = labels.map { classWeights?[$0] ?? 1 }
        let width = d + 1, p = k * width          // parameters θ[k·width + j]: W[k][j], then b[k] at j = d
        var theta = [Double](repeating: 0, count: p)

        func probabilities(_ theta: [Double], _ i: Int) -> [Double] {
            let x = rows[i]
            let z = (0..<k).map { m -> Double in
                var v = theta[m * width + d]
                for j in 0..<d { v += theta[m * width + j] * x[j] }
                return v
            }
            return MultinomialLogisticRegression.softmax(z)
        }
        func objective(_ theta: [Double]) -> Double {
            var loss = 0.0
            for i in 0..<n { loss -= c * s[i] * log(Swift.max(probabilities(theta, i)[labels[i]], .leastNormalMagnitude)) }
            for m in 0..<k { for j in 0..<d { loss += 0.5 * theta[m * width + j] * theta[m * width + j] } }
            return loss
        }
        let scale = Swift.max(1, c * s.reduce(0, +))
        var value = objective(theta)
        var design = [Double]()                     // X̃ = [X, 1], [n, width] row-major
        design.reserveCapacity(n * width)
        for r in rows { design += r; design.append(1) }
        for _ in 0..<maxIterations {
            // Gradient, and the Hessian blocks H_ml = X̃ᵀ diag(a_ml) X̃ (X̃ = [X, 1], a_ml,i = C s_i (δ_ml p_im − p_im p_il))
            // by BLAS; the L2 penalty adds the identity on the weights, v vᵀ is added along the intercept shift.
            var gradient = [Double](repeating: 0, count: p)
            var hessian = [Double](repeating: 0, count: p * p)
            for m in 0..<k { for j in 0..<d { gradient[m * width + j] = theta[m * width + j] } }
            let prob = (0..<n).map { probabilities(theta, $0) }
            for i in 0..<n {
                let weight = c * s[i]
                for m in 0..<k {
                    let r = weight * (prob[i][m] - (labels[i] == m ? 1 : 0))
                    for j in 0..<d { gradient[m * width + j] += r * rows[i][j] }
                    gradient[m * width + d] += r
                }
            }
            if gradient.map(abs).max() ?? 0 < tolerance * scale { break }
            var scaled = [Double](repeating: 0, count: n * width), block = [Double](repeating: 0, count: width * width)
            for m in 0..<k {
                for l in 0...m {
                    for i in 0..<n {
                        let pm = prob[i][m], pl = prob[i][l]
                        let a: Double = c * s[i] * ((m == l ? pm : 0) - pm * pl)
                        for j in 0..<width { scaled[i * width + j] = a * design[i * width + j] }
                    }
                    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(width), Int32(width), Int32(n), 1,
                                design, Int32(width), scaled, Int32(width), 0, &block, Int32(width))
                    for u in 0..<width {
                        for v in 0..<width {
                            hessian[(m * width + u) * p + l * width + v] = block[u * width + v]
                            hessian[(l * width + v) * p + m * width + u] = block[u * width + v]
                        }
                    }
                }
            }
            for m in 0..<k { for j in 0..<d { hessian[(m * width + j) * p + m * width + j] += 1 } }
            for m in 0..<k { for l in 0..<k { hessian[(m * width + d) * p + l * width + d] += 1 / Double(k) } }
            var step = gradient
            let info = LAPACKE_dposv(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "U")), Int32(p), 1, &hessian, Int32(p), &step, 1)
            guard info == 0 else { throw Failure.notConverged("the Newton system is not positive definite (LAPACK dposv info \(info))") }
            // Newton step, halved until the objective does not increase beyond rounding.
            var t = 1.0, next = theta, nextValue = value
            let slack = 1e-13 * Swift.max(1, abs(value))
            while true {
                next = zip(theta, step).map { $0 - t * $1 }
                nextValue = objective(next)
                if nextValue <= value + slack || t < 1e-10 { break }
                t /= 2
            }
            if t < 1e-10 { throw Failure.notConverged("no decrease along the Newton direction (objective \(value))") }
            theta = next
            value = nextValue
            // The Newton decrement gᵀH⁻¹g (twice the predicted decrease) at the level of the objective's
            // rounding: after this full step, quadratic convergence leaves an error at rounding level.
            let decrement = zip(gradient, step).reduce(0) { $0 + $1.0 * $1.1 }
            if t == 1 && decrement <= 1e-13 * Swift.max(1, abs(value)) { break }
        }
        // Centre the intercepts (they are defined up to a common shift).
        let shift = (0..<k).map { theta[$0 * width + d] }.reduce(0, +) / Double(k)
        let weights = (0..<k).map { m in Array(theta[(m * width)..<(m * width + d)]) }
        let intercepts = (0..<k).map { theta[$0 * width + d] - shift }
        return MultinomialLogisticRegression(weights: weights, intercepts: intercepts)
    }
}
