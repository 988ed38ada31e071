import SERTensor

/// Layer normalisation (PyTorch `nn.LayerNorm`) over the trailing axes given by `normalizedShape`
/// (biased variance, per example; same in training and evaluation), then an element-wise affine.
///
/// - Input `[..., normalizedShape...]` → same shape.
/// - State dict: `weight` `normalizedShape` (init 1) when `elementwiseAffine`, `bias` `normalizedShape`
///   (init 0) when also `bias`.
/// - Defaults as PyTorch: `eps = 1e-5`, element-wise affine with bias.
public final class LayerNorm: Module, UnaryLayer {
    public let normalizedShape: [Int]
    public let eps: Double
    public let weight: Tensor?
    public let bias: Tensor?

    public init(_ normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true) {
        precondition(!normalizedShape.isEmpty && normalizedShape.allSatisfy { $0 > 0 },
                     "LayerNorm: normalizedShape \(normalizedShape) must be non-empty and positive")
        self.normalizedShape = normalizedShape
        self.eps = eps
        weight = elementwiseAffine ? Tensor.ones(normalizedShape) : nil
        self.bias = elementwiseAffine && bias ? Tensor.zeros(normalizedShape) : nil
        super.init()
        if let weight { registerParameter("weight", weight) }
        if let b = self.bias { registerParameter("bias", b) }
    }

    /// Normalises over the last axis of size `features`.
    public convenience init(_ features: Int, eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true) {
        self.init([features], eps: eps, elementwiseAffine: elementwiseAffine, bias: bias)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let k = normalizedShape.count
        precondition(x.rank >= k && Array(x.shape.suffix(k)) == normalizedShape,
                     "LayerNorm: input \(x.shape) must end in \(normalizedShape)")
        return x.layerNorm(normalizedDims: k, weight: weight?.to(x.dtype), bias: bias?.to(x.dtype), eps: eps)
    }
}
