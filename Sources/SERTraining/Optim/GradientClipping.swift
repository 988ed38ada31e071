import SERTensor

/// Rescales the gradients of `parameters` so that their global L2 norm is at most `maxNorm`,
/// as `torch.nn.utils.clip_grad_norm_` (norm type 2).
///
/// The total norm is `sqrt(Σ_p Σ_i grad_p[i]²)` over parameters whose gradient is not nil (accumulated
/// in double precision). When `maxNorm / (total + 1e-6) < 1`, every such gradient is replaced by a *new*
/// tensor `grad · coefficient`; gradients are never scaled in place, because the autograd engine may
/// share one gradient tensor between several parameters.
///
/// Unlike PyTorch, a non-finite total norm leaves the gradients untouched (PyTorch would turn them
/// into NaN or zeros); the returned norm tells the caller to skip the step.
///
/// - Returns: the total norm before clipping (0 when no parameter has a gradient).
@discardableResult
public func clipGradNorm(_ parameters: [Tensor], maxNorm: Double) -> Double {
    precondition(maxNorm >= 0, "clipGradNorm: maxNorm \(maxNorm) must be >= 0")
    var sumSquares = 0.0
    for p in parameters {
        guard let g = p.grad else { continue }
        sumSquares += sumOfSquares(g)
    }
    let total = sumSquares.squareRoot()
    guard total.isFinite else { return total }
    let coefficient = maxNorm / (total + 1e-6)
    if coefficient < 1 {
        withNoGrad {
            for p in parameters {
                guard let g = p.grad else { continue }
                p.grad = g * coefficient
            }
        }
    }
    return total
}

extension Optimizer {
    /// ``clipGradNorm(_:maxNorm:)`` over this optimiser's trainable parameters.
    @discardableResult
    public func clipGradNorm(maxNorm: Double) -> Double {
        SERTraining.clipGradNorm(trainableParameters, maxNorm: maxNorm)
    }
}

/// Σ x² of a tensor's elements, in double precision.
private func sumOfSquares(_ t: Tensor) -> Double {
    switch t.dtype {
    case .float32:
        return t.withUnsafeBuffer(Float.self) { b in b.reduce(0.0) { $0 + Double($1) * Double($1) } }
    case .float64:
        return t.withUnsafeBuffer(Double.self) { b in b.reduce(0.0) { $0 + $1 * $1 } }
    }
}
