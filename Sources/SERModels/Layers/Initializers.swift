import Foundation
import SERTensor

/// PyTorch's default parameter initialisations.
///
/// `nn.Linear` and `nn.Conv*d` call `kaiming_uniform_(weight, a=√5)`: with gain `√(2 / (1 + a²)) = √(1/3)`
/// the bound is `gain·√(3 / fanIn) = 1/√fanIn`, so weights are `U(−1/√fanIn, 1/√fanIn)` (standard
/// deviation `1/√(3·fanIn)`), and biases are `U(−1/√fanIn, 1/√fanIn)` too. `fanIn` is the number of
/// inputs per output: `inFeatures` for Linear, `inChannels · kernel elements` for convolutions.
/// The values come from our ``RandomGenerator`` (not PyTorch's generator), so the distribution
/// matches PyTorch's but the draws do not.
public enum ParameterInit {
    /// The bound `1/√fanIn` of PyTorch's default uniform initialisation (0 when `fanIn` is 0).
    public static func defaultBound(fanIn: Int) -> Double {
        fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
    }

    /// `U(−1/√fanIn, 1/√fanIn)` of the given shape (PyTorch's `kaiming_uniform_(a=√5)` and bias rule).
    public static func defaultUniform(_ shape: [Int], fanIn: Int, using rng: inout RandomGenerator) -> Tensor {
        let b = defaultBound(fanIn: fanIn)
        return Tensor.uniform(shape, low: -b, high: b, using: &rng)
    }
}
