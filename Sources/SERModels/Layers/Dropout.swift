import SERTensor

/// Inverted dropout (PyTorch `nn.Dropout`): in training mode each element is zeroed with probability
/// `p` and the rest are scaled by `1 / (1 − p)`; in evaluation mode it is the identity.
///
/// The layer owns its own ``RandomGenerator``, split off the generator passed to `init`, so a model
/// built from one seed draws the same masks in every run. No parameters.
public final class Dropout: Module, UnaryLayer {
    public let p: Double
    /// The generator the masks are drawn from (advanced by every training-mode call).
    public var generator: RandomGenerator

    public init(_ p: Double = 0.5, rng: inout RandomGenerator) {
        precondition(p >= 0 && p < 1, "Dropout: probability \(p) outside [0, 1)")
        self.p = p
        generator = rng.split()
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.dropout(p: p, training: isTraining, using: &generator)
    }
}
