import SERTensor

/// A multilayer perceptron: `Linear → activation → [Dropout]` for each hidden size, then a final
/// `Linear` to `outputSize` (no activation after it).
///
/// The layers are registered as children `"0"`, `"1"`, … in that order, so the state dict is named
/// exactly like the equivalent PyTorch `nn.Sequential`: with hidden sizes `[h1, h2]`, ReLU and dropout
/// `0.3`, `nn.Sequential(Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear)` has `0.weight`,
/// `0.bias`, `3.weight`, `3.bias`, `6.weight`, `6.bias`. Without dropout (`dropout == 0`) there is no
/// Dropout entry, so the indices step by 2. Inside a parent module the names get its prefix
/// (`head.3.weight`).
///
/// - Input `[..., inputSize]` → output `[..., outputSize]`.
/// - Initialisation: each Linear as PyTorch (see ``Linear``), drawn from `rng` in layer order.
public final class MLP: Module, UnaryLayer {
    public let inputSize: Int
    public let hiddenSizes: [Int]
    public let outputSize: Int
    public let activation: Activation
    public let dropout: Double
    /// All layers in order (Linear, activation and Dropout modules).
    public private(set) var layers: [any UnaryLayer] = []
    /// The Linear layers only, in order (`hiddenSizes.count + 1` of them).
    public private(set) var linears: [Linear] = []

    public init(inputSize: Int, hiddenSizes: [Int], outputSize: Int, activation: Activation = .relu,
                dropout: Double = 0, rng: inout RandomGenerator) {
        precondition(dropout >= 0 && dropout < 1, "MLP: dropout \(dropout) outside [0, 1)")
        self.inputSize = inputSize
        self.hiddenSizes = hiddenSizes
        self.outputSize = outputSize
        self.activation = activation
        self.dropout = dropout
        super.init()
        var width = inputSize
        for h in hiddenSizes {
            let linear = Linear(width, h, rng: &rng)
            linears.append(linear)
            add(linear)
            add(activation.makeModule())
            if dropout > 0 { add(Dropout(dropout, rng: &rng)) }
            width = h
        }
        let last = Linear(width, outputSize, rng: &rng)
        linears.append(last)
        add(last)
    }

    private func add(_ layer: any UnaryLayer) {
        registerModule(String(layers.count), layer as Module)
        layers.append(layer)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var y = x
        for layer in layers { y = layer(y) }
        return y
    }
}
