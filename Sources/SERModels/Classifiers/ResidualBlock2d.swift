import SERTensor

/// STRFNet's residual block: `conv3×3(stride) → BN → LeakyReLU → conv3×3 → BN`, plus a shortcut
/// (`conv1×1(stride) → BN` when the shape changes, identity otherwise), then LeakyReLU of the sum.
///
/// Input `[batch, inChannels, time, freq]` → `[batch, outChannels, ⌈time/sT⌉, ⌈freq/sF⌉]`.
/// Parameter names: `conv1`, `bn1`, `conv2`, `bn2`, `shortcut.0` (conv), `shortcut.1` (BN).
public final class ResidualBlock2d: Module, UnaryLayer {
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let conv2: Conv2d
    public let bn2: BatchNorm2d
    public let shortcut: Sequential?
    public let negativeSlope: Double

    public init(_ inChannels: Int, _ outChannels: Int, stride: (Int, Int) = (1, 1), negativeSlope: Double = 0.01,
                rng: inout RandomGenerator) {
        self.negativeSlope = negativeSlope
        conv1 = Conv2d(inChannels, outChannels, kernelSize: (3, 3), stride: stride, padding: .symmetric(height: 1, width: 1),
                       bias: false, rng: &rng)
        bn1 = BatchNorm2d(outChannels)
        conv2 = Conv2d(outChannels, outChannels, kernelSize: (3, 3), padding: .symmetric(height: 1, width: 1),
                       bias: false, rng: &rng)
        bn2 = BatchNorm2d(outChannels)
        if inChannels != outChannels || stride != (1, 1) {
            shortcut = Sequential([Conv2d(inChannels, outChannels, kernelSize: (1, 1), stride: stride, bias: false, rng: &rng),
                                   BatchNorm2d(outChannels)])
        } else {
            shortcut = nil
        }
        super.init()
        registerModule("conv1", conv1)
        registerModule("bn1", bn1)
        registerModule("conv2", conv2)
        registerModule("bn2", bn2)
        if let shortcut { registerModule("shortcut", shortcut) }
    }

    /// In evaluation mode with nothing to differentiate, each convolution runs with its batch norm (and LeakyReLU)
    /// folded in (``convBatchNormInference(_:_:_:negativeSlope:)``); the same function to float rounding. In training,
    /// `bn1` and its LeakyReLU run as one op (``BatchNormLayer/callAsFunction(_:leakyReluSlope:)``).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h = convBatchNormInference(conv1, bn1, x, negativeSlope: negativeSlope) ?? bn1(conv1(x), leakyReluSlope: negativeSlope)
        let y = convBatchNormInference(conv2, bn2, h, negativeSlope: nil) ?? bn2(conv2(h))
        return (y + (shortcut.map { shortcutOutput($0, x) } ?? x)).leakyRelu(slope: negativeSlope)
    }

    private func shortcutOutput(_ shortcut: Sequential, _ x: Tensor) -> Tensor {
        if shortcut.count == 2, let conv = shortcut[0] as? Conv2d, let norm = shortcut[1] as? BatchNorm2d,
           let y = convBatchNormInference(conv, norm, x, negativeSlope: nil) {
            return y
        }
        return shortcut(x)
    }
}
