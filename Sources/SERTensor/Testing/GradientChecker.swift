/// Central finite-difference gradient checks, in double precision.
///
/// The function under test is evaluated on float64 copies of the inputs, so kernels run in `Double`
/// (they are generic over ``TensorScalar``) and the comparison is tight: with `epsilon = 1e-6` the
/// truncation error is O(ε²) ≈ 1e-12 and the rounding error ≈ 1e-10 relative, so a correct backward
/// agrees to about 1e-7 and a wrong one is off by O(1).
///
/// A non-scalar output `y` is reduced to `L = Σ w ⊙ y` with fixed random weights `w`, which checks
/// the full Jacobian-vector product rather than a plain sum (a plain sum hides many bugs).
public struct GradientChecker {
    /// Finite-difference step.
    public var epsilon: Double = 1e-6
    /// Seed of the random projection weights.
    public var seed: UInt64 = 1234

    public init(epsilon: Double = 1e-6, seed: UInt64 = 1234) {
        self.epsilon = epsilon
        self.seed = seed
    }

    /// The outcome of a check: the largest discrepancy between analytic and numeric gradients.
    public struct Report: CustomStringConvertible {
        /// Largest `|analytic − numeric|` over all checked elements.
        public var maxAbsoluteError: Double
        /// Largest `|analytic − numeric| / max(1, |numeric|)`.
        public var maxRelativeError: Double
        /// Where the largest relative error occurred: (input index, flat element index).
        public var worstElement: (input: Int, element: Int)
        public var description: String {
            "max abs err \(maxAbsoluteError), max rel err \(maxRelativeError) at input \(worstElement.input) element \(worstElement.element)"
        }
    }

    /// Checks the gradient of `f` with respect to every input in `inputs` (only those listed in
    /// `wrt`, default all). Inputs are converted to float64; `f` must build its result from them.
    public func check(_ inputs: [Tensor], wrt: [Int]? = nil, _ f: ([Tensor]) -> Tensor) -> Report {
        let which = wrt ?? Array(inputs.indices)
        let xs = inputs.map { $0.to(.float64).copy() }
        for i in which { xs[i].requiresGrad = true }
        var rng = RandomGenerator(seed: seed)
        let y0 = f(xs)
        let w = Tensor.uniform(y0.shape, low: 0.5, high: 1.5, dtype: .float64, using: &rng)
        func loss(_ y: Tensor) -> Tensor { (y * w).sum() }
        loss(y0).backward()
        var report = Report(maxAbsoluteError: 0, maxRelativeError: 0, worstElement: (0, 0))
        for i in which {
            let analytic = xs[i].grad?.doubles ?? [Double](repeating: 0, count: xs[i].count)
            for e in 0..<xs[i].count {
                let p = xs[i].storage.pointer(Double.self)
                let orig = p[e]
                p[e] = orig + epsilon
                let lp = withNoGrad { loss(f(xs)).doubles[0] }
                p[e] = orig - epsilon
                let lm = withNoGrad { loss(f(xs)).doubles[0] }
                p[e] = orig
                let numeric = (lp - lm) / (2 * epsilon)
                let abs = Swift.abs(analytic[e] - numeric)
                let rel = abs / Swift.max(1, Swift.abs(numeric))
                report.maxAbsoluteError = Swift.max(report.maxAbsoluteError, abs)
                if rel > report.maxRelativeError || rel.isNaN {
                    report.maxRelativeError = rel
                    report.worstElement = (i, e)
                }
            }
        }
        return report
    }

    /// Checks the gradients of `f` with respect to the parameters of `module` (converted to float64
    /// in place) and to `inputs`. Parameters are perturbed in place; `f` must read them from the module.
    public func check(module: Module, inputs: [Tensor] = [], _ f: ([Tensor]) -> Tensor) -> Report {
        module.convert(to: .float64)
        let params = module.parameters().filter(\.requiresGrad)
        let xs = inputs.map { $0.to(.float64).copy().requiringGrad() }
        for p in params { p.grad = nil }
        var rng = RandomGenerator(seed: seed)
        let y0 = f(xs)
        let w = Tensor.uniform(y0.shape, low: 0.5, high: 1.5, dtype: .float64, using: &rng)
        func loss(_ y: Tensor) -> Double { withNoGrad { (y * w).sum().doubles[0] } }
        (y0 * w).sum().backward()
        var report = Report(maxAbsoluteError: 0, maxRelativeError: 0, worstElement: (0, 0))
        for (i, t) in (params + xs).enumerated() {
            let analytic = t.grad?.doubles ?? [Double](repeating: 0, count: t.count)
            let p = t.storage.pointer(Double.self)
            for e in 0..<t.count {
                let orig = p[e]
                p[e] = orig + epsilon
                let lp = loss(withNoGrad { f(xs) })
                p[e] = orig - epsilon
                let lm = loss(withNoGrad { f(xs) })
                p[e] = orig
                let numeric = (lp - lm) / (2 * epsilon)
                let abs = Swift.abs(analytic[e] - numeric)
                let rel = abs / Swift.max(1, Swift.abs(numeric))
                report.maxAbsoluteError = Swift.max(report.maxAbsoluteError, abs)
                if rel > report.maxRelativeError || rel.isNaN { report.maxRelativeError = rel; report.worstElement = (i, e) }
            }
        }
        return report
    }
}
