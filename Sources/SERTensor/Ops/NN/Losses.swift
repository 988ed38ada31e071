/// Classification losses (PyTorch `F.cross_entropy` and `F.binary_cross_entropy_with_logits`).
extension Tensor {
    /// Softmax cross-entropy of `logits` `[batch, classes]` against integer `targets` `[batch]`.
    ///
    /// With class weights `w` and label smoothing `ε` (PyTorch's definitions, `reduction="mean"`):
    /// `ℓ_i = (1 − ε)·w_{y_i}·(−log p_{i,y_i}) + (ε / C)·Σ_c w_c·(−log p_{i,c})`, and the loss is
    /// `Σ_i ℓ_i / Σ_i w_{y_i}` (the plain mean when no weights are given).
    public static func crossEntropy(logits: Tensor, targets: [Int], classWeights: Tensor? = nil,
                                    labelSmoothing: Double = 0) -> Tensor {
        precondition(logits.rank == 2, "crossEntropy: logits must be [batch, classes], got \(logits.shape)")
        let n = logits.shape[0], c = logits.shape[1]
        precondition(targets.count == n, "crossEntropy: \(targets.count) targets for batch of \(n)")
        precondition(targets.allSatisfy { $0 >= 0 && $0 < c }, "crossEntropy: target outside 0..<\(c)")
        precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "crossEntropy: label smoothing \(labelSmoothing) outside [0, 1]")
        if let classWeights { precondition(classWeights.shape == [c], "crossEntropy: class weights \(classWeights.shape) for \(c) classes") }
        let logp = logits.logSoftmax(axis: 1)
        var oneHot = [Double](repeating: 0, count: n * c)
        for (i, t) in targets.enumerated() { oneHot[i * c + t] = 1 }
        let y = Tensor(shape: [n, c], scalars: oneHot).to(logits.dtype)
        let w = classWeights?.to(logits.dtype) ?? Tensor.ones([c], dtype: logits.dtype)
        let nll = -(logp * y * w).sum()                       // Σ_i w_{y_i}·(−log p_{i,y_i})
        let denom = (y * w).sum()                              // Σ_i w_{y_i}
        if labelSmoothing == 0 { return nll / denom }
        let smooth = -(logp * w).sum() * (labelSmoothing / Double(c))
        return (nll * (1 - labelSmoothing) + smooth) / denom
    }

    /// Mean binary cross-entropy with logits: `mean(softplus(x) − y·x)`, optionally with per-element
    /// `weight` (broadcast), computed stably for large |x|.
    public static func binaryCrossEntropyWithLogits(logits: Tensor, targets: Tensor, weight: Tensor? = nil) -> Tensor {
        precondition(targets.shape == logits.shape, "binaryCrossEntropyWithLogits: targets \(targets.shape) vs logits \(logits.shape)")
        var l = logits.softplus() - targets.to(logits.dtype) * logits
        if let weight { l = l * weight.to(logits.dtype) }
        return l.mean()
    }
}
