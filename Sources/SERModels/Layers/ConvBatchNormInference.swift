import SERTensor

extension BatchNormLayer {
    /// Evaluation mode's map per channel, `y = scale·x + shift` with `scale = γ / √(running_var + ε)` and
    /// `shift = β − running_mean · scale` (γ = 1, β = 0 without affine parameters); nil in training mode or
    /// without running statistics (then the batch's own statistics are used).
    public var inferenceAffine: (scale: [Float], shift: [Float])? {
        guard !isTraining, let runningMean, let runningVar else { return nil }
        let mean = runningMean.doubles, variance = runningVar.doubles
        let gamma = weight?.doubles, beta = bias?.doubles
        var scale = [Float](), shift = [Float]()
        for c in 0..<numFeatures {
            let s = (gamma?[c] ?? 1) / (variance[c] + eps).squareRoot()
            scale.append(Float(s))
            shift.append(Float((beta?[c] ?? 0) - mean[c] * s))
        }
        return (scale, shift)
    }
}

/// `conv → batch norm (→ LeakyReLU)` as one ``Tensor/conv2dInference(_:weight:bias:stride:padding:dilation:paddingMode:epilogue:)``
/// when that computes the same function: the batch norm in evaluation mode with running statistics, float32, and no
/// gradient to record (inside ``withNoGrad(_:)``, or nothing involved requires one). nil otherwise: the caller runs
/// the layers one by one. `negativeSlope` nil: no activation.
func convBatchNormInference(_ conv: Conv2d, _ norm: BatchNorm2d, _ x: Tensor, negativeSlope: Double?) -> Tensor? {
    guard BatchNormFolding.isEnabled, x.dtype == .float32, conv.weight.dtype == .float32, let affine = norm.inferenceAffine else { return nil }
    if GradMode.isEnabled {
        let tensors = [x, conv.weight] + [conv.bias, norm.weight, norm.bias].compactMap { $0 }
        if tensors.contains(where: \.requiresGrad) { return nil }
    }
    precondition(x.rank == 4 && x.shape[1] == conv.inChannels,
                 "Conv2d: input \(x.shape) must be [batch, \(conv.inChannels), height, width]")
    return Tensor.conv2dInference(x, weight: conv.weight, bias: conv.bias, stride: (conv.stride.height, conv.stride.width),
                                  padding: conv.padding.sides, dilation: (conv.dilation.height, conv.dilation.width),
                                  paddingMode: conv.paddingMode,
                                  epilogue: ConvOutputEpilogue(scale: affine.scale, shift: affine.shift,
                                                               negativeSlope: negativeSlope.map { Float($0) }))
}

/// Whether ``convBatchNormInference(_:_:_:negativeSlope:)`` folds (on by default). `ser-cli bench --only strfnet-inference`
/// switches it off for one measurement to time the layers one by one in the same run; set it only while no model runs.
package enum BatchNormFolding {
    nonisolated(unsafe) package static var isEnabled = true
}
