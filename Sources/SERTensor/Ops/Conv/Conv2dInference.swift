/// A per-output-channel affine map and an optional LeakyReLU that an inference convolution applies to its output:
/// `y[c] = act(scale[c] · (W ⋆ x + b)[c] + shift[c])`, `act(v) = v < 0 ? negativeSlope·v : v` (or the identity).
///
/// An evaluation-mode batch norm after the convolution is `scale = γ / √(running_var + ε)`,
/// `shift = β − running_mean · scale` (``BatchNormInference`` in SERModels builds it).
public struct ConvOutputEpilogue: Sendable, Equatable {
    /// `[outChannels]`.
    public var scale: [Float]
    /// `[outChannels]`.
    public var shift: [Float]
    /// LeakyReLU's slope for negative values; nil: no activation.
    public var negativeSlope: Float?

    public init(scale: [Float], shift: [Float], negativeSlope: Float? = nil) {
        precondition(scale.count == shift.count, "ConvOutputEpilogue: \(scale.count) scales for \(shift.count) shifts")
        self.scale = scale
        self.shift = shift
        self.negativeSlope = negativeSlope
    }
}

extension Tensor {
    /// Inference 2-D convolution with its output affine and activation fused (float32, records no gradient):
    /// `epilogue.act(scale[c] · (conv2d(input, weight, bias)[c]) + shift[c])` for `input` `[batch, inChannels, H, W]`,
    /// `weight` `[outChannels, inChannels, kH, kW]`, `bias` `[outChannels]` (optional). Arguments as
    /// ``conv2d(_:weight:bias:stride:padding:dilation:paddingMode:)``.
    ///
    /// The scale is folded into the weights and bias (`W' = scale·W`, `b' = scale·b + shift`), so the convolution
    /// writes the normalised output directly; on the direct path (``ConvGeometry/usesDirect(for:)``) the LeakyReLU is
    /// applied to each output row as it is stored, elsewhere in one pass over the output. Against
    /// `conv2d` → `batchNorm` (evaluation) → `leakyRelu` the results differ by float rounding only (the scale is
    /// applied to the weights instead of the sum). Call it only where no gradient is needed (evaluation, prediction).
    public static func conv2dInference(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                                       padding: (top: Int, bottom: Int, left: Int, right: Int) = (0, 0, 0, 0),
                                       dilation: (Int, Int) = (1, 1), paddingMode: ConvPadding = .zeros,
                                       epilogue: ConvOutputEpilogue) -> Tensor {
        precondition(input.dtype == .float32, "conv2dInference: float32 only, got \(input.dtype)")
        let g = conv2dGeometry(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
                               paddingMode: paddingMode)
        precondition(epilogue.scale.count == g.outChannels,
                     "conv2dInference: epilogue for \(epilogue.scale.count) channels, weight has \(g.outChannels)")
        let perChannel = g.inChannels * g.kernelH * g.kernelW
        let folded = Tensor.empty(weight.shape, dtype: .float32), foldedBias = Tensor.empty([g.outChannels], dtype: .float32)
        let pw = weight.storage.pointer(Float.self), pf = folded.storage.pointer(Float.self)
        let pb = bias?.storage.pointer(Float.self), pfb = foldedBias.storage.pointer(Float.self)
        for co in 0..<g.outChannels {
            let s = epilogue.scale[co]
            for j in 0..<perChannel { pf[co * perChannel + j] = s * pw[co * perChannel + j] }
            pfb[co] = s * (pb?[co] ?? 0) + epilogue.shift[co]
        }
        let out = Tensor.empty([g.batch, g.outChannels, g.outH, g.outW], dtype: .float32)
        if g.usesDirect(for: .forward) {
            conv2dForwardDirect(g, input, folded, foldedBias, out, negativeSlope: epilogue.negativeSlope)
            return out
        }
        if g.usesRowTiles {
            conv2dForwardRowTiles(g, input, folded, foldedBias, out, Float.self)
        } else {
            conv2dForward(g, input, folded, foldedBias, out, Float.self)
        }
        if let slope = epilogue.negativeSlope {
            let po = out.storage.pointer(Float.self), count = out.count
            Parallel.forRanges(count) { range in
                for i in range where po[i] < 0 { po[i] *= slope }
            }
        }
        return out
    }
}
