/// Padding of a 1-D convolution along time.
public enum Conv1dPadding: Sendable, Equatable {
    /// `left` and `right` zeros (PyTorch `padding=p` is `.zeros(p, p)`).
    case zeros(Int, Int)
    /// Edge values repeated `left` / `right` times (PyTorch `padding_mode="replicate"`).
    case replicate(Int, Int)
    /// Left-only zero padding of `dilation·(kernel − 1)`, so output frame `t` sees inputs `≤ t`
    /// (wav2vec's aggregator).
    case causal

    public static let none = Conv1dPadding.zeros(0, 0)
}

/// 1-D cross-correlation (PyTorch `conv1d` semantics), implemented as a height-1 ``Tensor/conv2d``.
///
/// - input `[batch, inChannels, time]`, weight `[outChannels, inChannels, kernel]`, bias `[outChannels]`
///   → output `[batch, outChannels, (time + padL + padR − dilation·(kernel − 1) − 1) / stride + 1]`.
extension Tensor {
    public static func conv1d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1,
                              padding: Conv1dPadding = .none, dilation: Int = 1) -> Tensor {
        precondition(input.rank == 3, "conv1d: input must be [batch, channels, time], got \(input.shape)")
        precondition(weight.rank == 3, "conv1d: weight must be [out, in, kernel], got \(weight.shape)")
        let k = weight.shape[2]
        let (l, r, mode): (Int, Int, ConvPadding)
        switch padding {
        case .zeros(let a, let b): (l, r, mode) = (a, b, .zeros)
        case .replicate(let a, let b): (l, r, mode) = (a, b, .replicate)
        case .causal: (l, r, mode) = (dilation * (k - 1), 0, .zeros)
        }
        let x4 = input.unsqueezed(2)
        let w4 = weight.unsqueezed(2)
        let y = conv2d(x4, weight: w4, bias: bias, stride: (1, stride), padding: (0, 0, l, r),
                       dilation: (1, dilation), paddingMode: mode)
        return y.squeezed(2)
    }
}
