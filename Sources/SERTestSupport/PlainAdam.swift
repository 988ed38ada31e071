import Foundation
import SERTensor

/// Plain Adam (β = 0.9, 0.999, ε = 1e-8, bias-corrected) for learning tests below SERTraining, whose optimisers
/// the model layer cannot import. Call ``step(learningRate:)`` after `backward()`.
public struct PlainAdam {
    public let parameters: [Tensor]
    private var m: [Tensor], v: [Tensor]
    private var t = 0

    public init(_ parameters: [Tensor]) {
        self.parameters = parameters
        m = parameters.map { Tensor.zeros($0.shape) }
        v = parameters.map { Tensor.zeros($0.shape) }
    }

    /// One update of every parameter that has a gradient.
    public mutating func step(learningRate: Double) {
        t += 1
        withNoGrad {
            for (i, p) in parameters.enumerated() {
                guard let g = p.grad else { continue }
                m[i] = m[i] * 0.9 + g * 0.1
                v[i] = v[i] * 0.999 + g * g * 0.001
                let mh = m[i] / (1 - pow(0.9, Double(t))), vh = v[i] / (1 - pow(0.999, Double(t)))
                p.assign(p - mh * learningRate / (vh.sqrt() + 1e-8))
            }
        }
    }
}
