import SERTensor

/// A 1-D convolution over time (PyTorch `nn.Conv1d`, cross-correlation, `groups = 1`).
///
/// - Input `[batch, inChannels, time]` → output `[batch, outChannels, frames]` with
///   `frames = (time + padL + padR − dilation·(kernelSize − 1) − 1) / stride + 1`.
/// - Padding: ``Conv1dPadding`` — `.zeros(l, r)` (PyTorch `padding=p` is `.zeros(p, p)`),
///   `.replicate(l, r)` (PyTorch `padding_mode="replicate"`), or `.causal` (left-only, wav2vec).
/// - State dict: `weight` `[outChannels, inChannels, kernelSize]`, `bias` `[outChannels]` (optional).
/// - Initialisation as PyTorch: weight and bias `U(−1/√fanIn, 1/√fanIn)`, `fanIn = inChannels·kernelSize`.
public final class Conv1d: Module, UnaryLayer {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Conv1dPadding
    public let dilation: Int
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1,
                padding: Conv1dPadding = .none, dilation: Int = 1, bias: Bool = true,
                rng: inout RandomGenerator) {
        precondition(inChannels > 0 && outChannels > 0 && kernelSize > 0,
                     "Conv1d: channels and kernel size must be positive")
        precondition(stride >= 1 && dilation >= 1, "Conv1d: stride and dilation must be >= 1")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        let fanIn = inChannels * kernelSize
        weight = ParameterInit.defaultUniform([outChannels, inChannels, kernelSize], fanIn: fanIn, using: &rng)
        self.bias = bias ? ParameterInit.defaultUniform([outChannels], fanIn: fanIn, using: &rng) : nil
        super.init()
        registerParameter("weight", weight)
        if let b = self.bias { registerParameter("bias", b) }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 3 && x.shape[1] == inChannels,
                     "Conv1d: input \(x.shape) must be [batch, \(inChannels), time]")
        return Tensor.conv1d(x, weight: weight.to(x.dtype), bias: bias?.to(x.dtype), stride: stride,
                             padding: padding, dilation: dilation)
    }
}
