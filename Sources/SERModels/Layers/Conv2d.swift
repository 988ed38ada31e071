import SERTensor

/// Padding of a 2-D convolution, in input elements.
public enum Conv2dPadding: Sendable, Equatable {
    /// `height` rows above and below, `width` columns left and right (PyTorch `padding=(h, w)`).
    case symmetric(height: Int, width: Int)
    /// Each side separately.
    case explicit(top: Int, bottom: Int, left: Int, right: Int)

    public static let none = Conv2dPadding.symmetric(height: 0, width: 0)

    /// `(top, bottom, left, right)`.
    public var sides: (top: Int, bottom: Int, left: Int, right: Int) {
        switch self {
        case .symmetric(let h, let w): return (h, h, w, w)
        case .explicit(let t, let b, let l, let r): return (t, b, l, r)
        }
    }
}

/// A 2-D convolution (PyTorch `nn.Conv2d`, cross-correlation, `groups = 1`).
///
/// - Input `[batch, inChannels, height, width]` → output `[batch, outChannels, outH, outW]`, per axis
///   `out = (in + padBefore + padAfter − dilation·(kernel − 1) − 1) / stride + 1`.
/// - `paddingMode`: `.zeros` or `.replicate` (PyTorch `padding_mode`), applied to the ``Conv2dPadding`` sizes.
/// - State dict: `weight` `[outChannels, inChannels, kernelH, kernelW]`, `bias` `[outChannels]` (optional).
/// - Initialisation as PyTorch: weight and bias `U(−1/√fanIn, 1/√fanIn)`, `fanIn = inChannels·kernelH·kernelW`.
public final class Conv2d: Module, UnaryLayer {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: (height: Int, width: Int)
    public let stride: (height: Int, width: Int)
    public let padding: Conv2dPadding
    public let paddingMode: ConvPadding
    public let dilation: (height: Int, width: Int)
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: Conv2dPadding = .none, paddingMode: ConvPadding = .zeros, dilation: (Int, Int) = (1, 1),
                bias: Bool = true, rng: inout RandomGenerator) {
        precondition(inChannels > 0 && outChannels > 0 && kernelSize.0 > 0 && kernelSize.1 > 0,
                     "Conv2d: channels and kernel size must be positive")
        precondition(stride.0 >= 1 && stride.1 >= 1 && dilation.0 >= 1 && dilation.1 >= 1,
                     "Conv2d: stride and dilation must be >= 1")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.paddingMode = paddingMode
        self.dilation = dilation
        let fanIn = inChannels * kernelSize.0 * kernelSize.1
        weight = ParameterInit.defaultUniform([outChannels, inChannels, kernelSize.0, kernelSize.1], fanIn: fanIn,
                                              using: &rng)
        self.bias = bias ? ParameterInit.defaultUniform([outChannels], fanIn: fanIn, using: &rng) : nil
        super.init()
        registerParameter("weight", weight)
        if let b = self.bias { registerParameter("bias", b) }
    }

    /// Square kernel, stride and dilation.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1,
                            padding: Int = 0, paddingMode: ConvPadding = .zeros, dilation: Int = 1,
                            bias: Bool = true, rng: inout RandomGenerator) {
        self.init(inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
                  padding: .symmetric(height: padding, width: padding), paddingMode: paddingMode,
                  dilation: (dilation, dilation), bias: bias, rng: &rng)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == inChannels,
                     "Conv2d: input \(x.shape) must be [batch, \(inChannels), height, width]")
        return Tensor.conv2d(x, weight: weight.to(x.dtype), bias: bias?.to(x.dtype),
                             stride: (stride.height, stride.width), padding: padding.sides,
                             dilation: (dilation.height, dilation.width), paddingMode: paddingMode)
    }
}
