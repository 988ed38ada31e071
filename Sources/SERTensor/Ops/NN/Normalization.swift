/// Normalisation layers as functions (PyTorch `F.batch_norm`, `F.group_norm`, `F.layer_norm`),
/// built from differentiable primitives so their gradients come from the primitives' rules.
extension Tensor {
    /// Batch normalisation over every axis but 1 (channels) of `[batch, channels, ...]` (fused kernel,
    /// see `BatchNormKernel.swift`).
    ///
    /// In training, normalises with the batch statistics (biased variance) and updates the running
    /// statistics in place: `running = (1 − momentum)·running + momentum·batch` (unbiased variance),
    /// as PyTorch does. In evaluation, normalises with the running statistics.
    ///
    /// `negativeSlope` set: returns `leakyRelu(batchNorm(…), slope: negativeSlope)` as one op, written in the
    /// normalising pass and differentiated without the intermediate tensor (the same function and gradients; STRFNet's
    /// `BN → LeakyReLU` in training).
    public func batchNorm(runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
                          training: Bool, momentum: Double = 0.1, eps: Double = 1e-5, negativeSlope: Double? = nil) -> Tensor {
        precondition(rank >= 2, "batchNorm: input must be [batch, channels, ...], got \(shape)")
        let c = shape[1]
        if let weight { precondition(weight.shape == [c], "batchNorm: weight \(weight.shape) for \(c) channels") }
        if let bias { precondition(bias.shape == [c], "batchNorm: bias \(bias.shape) for \(c) channels") }
        let useBatch = training || runningMean == nil || runningVar == nil
        let (out, stats) = Tensor.batchNormFused(self, weight: weight, bias: bias, mean: runningMean, variance: runningVar,
                                                 useBatchStatistics: useBatch, eps: eps, negativeSlope: negativeSlope)
        if training, let rm = runningMean, let rv = runningVar {
            // running = (1 − momentum)·running + momentum·batch, with the unbiased batch variance.
            let n = Double(count / Swift.max(c, 1))
            let unbias: Double = n / Swift.max(n - 1, 1)
            let oldMean: [Double] = rm.doubles, oldVar: [Double] = rv.doubles
            var newMean = [Double](repeating: 0, count: c), newVar = [Double](repeating: 0, count: c)
            for ch in 0..<c {
                let batchVar: Double = 1 / (stats.invStd[ch] * stats.invStd[ch]) - eps
                newMean[ch] = (1 - momentum) * oldMean[ch] + momentum * stats.mean[ch]
                newVar[ch] = (1 - momentum) * oldVar[ch] + momentum * batchVar * unbias
            }
            rm.assign(Tensor(shape: [c], scalars: newMean))
            rv.assign(Tensor(shape: [c], scalars: newVar))
        }
        var inputs = [self]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        let x = self
        return record(out, negativeSlope == nil ? "batchNorm" : "batchNormLeakyRelu", inputs) { g in
            let (dx, dGamma, dBeta) = Tensor.batchNormBackward(x, g, weight: weight, bias: bias, stats: stats,
                                                               usedBatchStatistics: useBatch, negativeSlope: negativeSlope)
            var grads: [Tensor?] = [x.requiresGrad ? dx : nil]
            if let weight { grads.append(weight.requiresGrad ? Tensor(shape: [c], scalars: dGamma).to(weight.dtype) : nil) }
            if let bias { grads.append(bias.requiresGrad ? Tensor(shape: [c], scalars: dBeta).to(bias.dtype) : nil) }
            return grads
        }
    }

    /// Group normalisation of `[batch, channels, ...]`: channels split into `groups` groups, each
    /// normalised over its channels and all later axes (biased variance), then a per-channel affine.
    public func groupNorm(groups: Int, weight: Tensor?, bias: Tensor?, eps: Double = 1e-5) -> Tensor {
        precondition(rank >= 2, "groupNorm: input must be [batch, channels, ...], got \(shape)")
        let n = shape[0], c = shape[1]
        precondition(groups >= 1 && c % groups == 0, "groupNorm: \(c) channels not divisible into \(groups) groups")
        let g = reshaped([n, groups, -1])
        let mean = g.mean(axes: [2], keepDims: true)
        let variance = g.variance(axes: [2], unbiased: false, keepDims: true)
        var y = ((g - mean) / (variance + eps).sqrt()).reshaped(shape)
        var bshape = [1, c]
        bshape.append(contentsOf: Array(repeating: 1, count: rank - 2))
        if let weight { y = y * weight.reshaped(bshape) }
        if let bias { y = y + bias.reshaped(bshape) }
        return y
    }

    /// Layer normalisation over the last `normalizedDims` axes (biased variance), then an affine
    /// with `weight`/`bias` shaped like those axes.
    public func layerNorm(normalizedDims: Int = 1, weight: Tensor?, bias: Tensor?, eps: Double = 1e-5) -> Tensor {
        precondition(normalizedDims >= 1 && normalizedDims <= rank, "layerNorm: cannot normalise \(normalizedDims) dims of \(shape)")
        let axes = Array((rank - normalizedDims)..<rank)
        let mean = self.mean(axes: axes, keepDims: true)
        let variance = self.variance(axes: axes, unbiased: false, keepDims: true)
        var y = (self - mean) / (variance + eps).sqrt()
        if let weight { y = y * weight }
        if let bias { y = y + bias }
        return y
    }

    /// Inverted dropout: zeroes each element with probability `p` and scales the rest by `1/(1−p)`
    /// in training; the identity otherwise.
    public func dropout(p: Double, training: Bool, using rng: inout RandomGenerator) -> Tensor {
        precondition(p >= 0 && p < 1, "dropout: probability \(p) outside [0, 1)")
        guard training && p > 0 else { return self }
        let keep = Tensor.bernoulli(shape, p: 1 - p, dtype: dtype, using: &rng)
        return self * (keep * (1 / (1 - p)))
    }
}
