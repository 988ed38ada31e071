import SERTensor

/// Layers applied in order (PyTorch `nn.Sequential`).
///
/// The children are registered as `"0"`, `"1"`, …, so parameter names are `0.weight`, `2.bias`, …
/// (inside a parent: `classifier.0.weight`), exactly as PyTorch names an `nn.Sequential`'s state dict;
/// parameterless layers (activations, dropout) take an index too.
public final class Sequential: Module, UnaryLayer {
    /// The layers, in application order; `layers[i]` is registered as `"i"`.
    public private(set) var layers: [any UnaryLayer] = []

    public init(_ layers: [any UnaryLayer]) {
        super.init()
        for layer in layers { append(layer) }
    }

    public convenience init(_ layers: any UnaryLayer...) {
        self.init(layers)
    }

    /// Adds a layer at the end, registered under the next index.
    public func append(_ layer: any UnaryLayer) {
        registerModule(String(layers.count), layer as Module)
        layers.append(layer)
    }

    public var count: Int { layers.count }

    public subscript(index: Int) -> any UnaryLayer { layers[index] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var y = x
        for layer in layers { y = layer(y) }
        return y
    }
}
