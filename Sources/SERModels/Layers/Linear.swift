import SERTensor

/// A fully connected layer `y = x·Wᵀ + b` (PyTorch `nn.Linear`).
///
/// - Input `[..., inFeatures]` (any number of leading dimensions) → output `[..., outFeatures]`.
/// - State dict: `weight` `[outFeatures, inFeatures]`, `bias` `[outFeatures]` (absent with `bias: false`).
/// - Initialisation as PyTorch: weight and bias `U(−1/√inFeatures, 1/√inFeatures)` (see ``ParameterInit``).
public final class Linear: Module, UnaryLayer {
    public let inFeatures: Int
    public let outFeatures: Int
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, rng: inout RandomGenerator) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear: sizes must be positive, got \(inFeatures) → \(outFeatures)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = ParameterInit.defaultUniform([outFeatures, inFeatures], fanIn: inFeatures, using: &rng)
        self.bias = bias ? ParameterInit.defaultUniform([outFeatures], fanIn: inFeatures, using: &rng) : nil
        super.init()
        registerParameter("weight", weight)
        if let b = self.bias { registerParameter("bias", b) }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 1 && x.shape[x.rank - 1] == inFeatures,
                     "Linear: input \(x.shape) must end in \(inFeatures) features")
        // Leading dimensions are folded into one GEMM: [N, in] × [out, in]ᵀ.
        let x2 = x.rank == 2 ? x : x.reshaped([x.count / inFeatures, inFeatures])
        var y = x2.matmul(weight.to(x.dtype), transposeB: true)
        if let bias { y = y + bias.to(x.dtype) }
        return x.rank == 2 ? y : y.reshaped(Array(x.shape.dropLast()) + [outFeatures])
    }
}
