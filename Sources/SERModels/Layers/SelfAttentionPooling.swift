import SERTensor

/// Attentive pooling over time (the utterance-level pooling of STRFNet and similar SER models).
///
/// For input `x` `[batch, time, d]`:
/// `score_t = w₂ · tanh(W₁ x_t + b₁)` (a `Linear(d, hidden) → tanh → Linear(hidden, 1, bias: false)`
/// stack), `α = softmax_t(score)`, output `Σ_t α_t x_t` `[batch, d]`.
///
/// - Mask: optional `[batch, time]`, 1 for real frames and 0 for padding. Padded scores are set to −∞
///   before the softmax, so padding gets weight exactly 0 and contributes neither to the output nor to
///   the gradients. A row with no real frames gives a zero vector (not NaN).
/// - State dict: the scorer is the child `attention`, an `nn.Sequential`-style stack, so the names are
///   `attention.0.weight` `[hidden, d]`, `attention.0.bias` `[hidden]`, `attention.2.weight` `[1, hidden]`
///   (index 1 is the parameterless tanh). The PyTorch equivalent is
///   `self.attention = nn.Sequential(nn.Linear(d, hidden), nn.Tanh(), nn.Linear(hidden, 1, bias=False))`.
/// - Initialisation: both Linears as PyTorch (see ``Linear``).
public final class SelfAttentionPooling: Module, UnaryLayer {
    public let inputSize: Int
    public let hiddenSize: Int
    /// `Linear(d, hidden) → Tanh → Linear(hidden, 1, bias: false)`.
    public let attention: Sequential

    public init(inputSize: Int, hiddenSize: Int = 256, rng: inout RandomGenerator) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        let first = Linear(inputSize, hiddenSize, rng: &rng)
        let second = Linear(hiddenSize, 1, bias: false, rng: &rng)
        attention = Sequential(first, Tanh(), second)
        super.init()
        registerModule("attention", attention)
    }

    /// The attention weights `α` `[batch, time]` (rows sum to 1; 0 on padding; all 0 for an empty row).
    public func attentionWeights(_ x: Tensor, mask: Tensor? = nil) -> Tensor {
        precondition(x.rank == 3 && x.shape[2] == inputSize,
                     "SelfAttentionPooling: input \(x.shape) must be [batch, time, \(inputSize)]")
        let batch = x.shape[0], time = x.shape[1]
        var scores = attention(x).reshaped([batch, time])
        guard let mask else { return scores.softmax(axis: 1) }
        precondition(mask.shape == [batch, time],
                     "SelfAttentionPooling: mask \(mask.shape) must be [batch, time] = [\(batch), \(time)]")
        let m = mask.to(x.dtype).detach()
        // Rows with at least one real frame get −∞ on their padding; empty rows are left unmasked
        // (a softmax over all −∞ is NaN) and zeroed by the final multiplication with the mask.
        let hasFrames = m.sum(axes: [1], keepDims: true).greater(Tensor.zeros([], dtype: x.dtype))
        let padding = (1 - m) * hasFrames
        scores = scores.maskedFill(padding, -Double.infinity)
        return scores.softmax(axis: 1) * m
    }

    /// Pools `x` `[batch, time, d]` to `[batch, d]`, ignoring frames where `mask` `[batch, time]` is 0.
    public func callAsFunction(_ x: Tensor, mask: Tensor?) -> Tensor {
        let alpha = attentionWeights(x, mask: mask)
        return alpha.unsqueezed(1).matmul(x).squeezed(1)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { callAsFunction(x, mask: nil) }
}

/// Mean over time counting only real frames (``Tensor/maskedMean(mask:axis:)``).
///
/// Input `[batch, time, ...]` and an optional mask `[batch, time]` (1 = real frame, 0 = padding) →
/// `[batch, ...]`. Without a mask, the plain mean over time. A row with no real frames gives 0.
/// No parameters.
public final class MaskedMeanPooling: Module, UnaryLayer {
    public override init() { super.init() }

    public func callAsFunction(_ x: Tensor, mask: Tensor?) -> Tensor {
        precondition(x.rank >= 2, "MaskedMeanPooling: input \(x.shape) must be [batch, time, ...]")
        guard let mask else { return x.mean(axes: [1]) }
        return x.maskedMean(mask: mask.detach())
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { callAsFunction(x, mask: nil) }
}
