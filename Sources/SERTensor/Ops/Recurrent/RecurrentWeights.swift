/// Which recurrent cell a ``RecurrentWeights`` set belongs to.
public enum RecurrentKind: String, Sendable, Codable, CaseIterable {
    /// `nn.LSTM`: gates (i, f, g, o) stacked in that order along the rows of each weight.
    case lstm
    /// `nn.GRU`: gates (r, z, n) stacked in that order along the rows of each weight.
    case gru

    /// Number of gates stacked in each weight matrix (4 for LSTM, 3 for GRU).
    public var gateCount: Int { self == .lstm ? 4 : 3 }
}

/// The weights of one layer and direction, with PyTorch's shapes (`G` = gate count, `H` = hidden size):
/// `weightIH [G·H, inputSize]`, `weightHH [G·H, H]`, `biasIH [G·H]`, `biasHH [G·H]` (biases optional,
/// as with PyTorch's `bias=False`).
public struct RecurrentCellWeights {
    public var weightIH: Tensor
    public var weightHH: Tensor
    public var biasIH: Tensor?
    public var biasHH: Tensor?

    public init(weightIH: Tensor, weightHH: Tensor, biasIH: Tensor? = nil, biasHH: Tensor? = nil) {
        self.weightIH = weightIH
        self.weightHH = weightHH
        self.biasIH = biasIH
        self.biasHH = biasHH
    }
}

/// The parameters of a (multi-layer, optionally bidirectional) LSTM or GRU, laid out exactly like
/// PyTorch's `nn.LSTM` / `nn.GRU`.
///
/// Names follow PyTorch's state_dict: `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`,
/// with the suffix `_reverse` for the backward direction. Layer 0 reads `inputSize` features; layer
/// `k > 0` reads `directions · hiddenSize` features (the concatenation [forward, reverse]).
/// The tensors are held, not copied: a module that owns them as parameters sees their gradients.
public struct RecurrentWeights {
    public let kind: RecurrentKind
    public let inputSize: Int
    public let hiddenSize: Int
    public let layers: Int
    public let bidirectional: Bool
    /// Whether the cells have biases.
    public let hasBias: Bool
    /// One entry per layer and direction, at index `layer · directions + direction` (0 = forward, 1 = reverse).
    public let cells: [RecurrentCellWeights]

    /// 1 or 2.
    public var directions: Int { bidirectional ? 2 : 1 }

    /// Features read by `layer` (`inputSize` for layer 0, `directions · hiddenSize` above).
    public func layerInputSize(_ layer: Int) -> Int { layer == 0 ? inputSize : directions * hiddenSize }

    /// PyTorch's parameter names in PyTorch's order (`nn.LSTM._flat_weights_names`): per layer, per
    /// direction, `weight_ih`, `weight_hh`, then (with biases) `bias_ih`, `bias_hh`.
    public static func parameterNames(layers: Int, bidirectional: Bool, bias: Bool = true) -> [String] {
        var names: [String] = []
        for l in 0..<layers {
            for d in 0..<(bidirectional ? 2 : 1) {
                let s = "_l\(l)" + (d == 1 ? "_reverse" : "")
                names += ["weight_ih" + s, "weight_hh" + s]
                if bias { names += ["bias_ih" + s, "bias_hh" + s] }
            }
        }
        return names
    }

    /// The names of this set's parameters, in PyTorch's order.
    public var parameterNames: [String] {
        RecurrentWeights.parameterNames(layers: layers, bidirectional: bidirectional, bias: hasBias)
    }

    /// The tensors in PyTorch's parameter order (matches ``parameterNames``).
    public var orderedParameters: [Tensor] {
        cells.flatMap { c in [c.weightIH, c.weightHH] + (hasBias ? [c.biasIH, c.biasHH].compactMap { $0 } : []) }
    }

    /// The tensors keyed by PyTorch's names.
    public var namedParameters: [String: Tensor] {
        Dictionary(uniqueKeysWithValues: zip(parameterNames, orderedParameters))
    }

    /// Builds the set from tensors in PyTorch's parameter order (see ``parameterNames(layers:bidirectional:bias:)``).
    /// Input and hidden sizes are read from `weight_ih_l0` `[G·H, inputSize]` and `weight_hh_l0` `[G·H, H]`;
    /// every shape is then checked.
    public init(kind: RecurrentKind, layers: Int, bidirectional: Bool, bias: Bool = true, ordered: [Tensor]) throws {
        let names = RecurrentWeights.parameterNames(layers: max(layers, 0), bidirectional: bidirectional, bias: bias)
        guard layers >= 1 else { throw RecurrentError.invalidConfiguration("layers must be >= 1, got \(layers)") }
        guard ordered.count == names.count else {
            throw RecurrentError.wrongParameterCount(expected: names.count, got: ordered.count)
        }
        try self.init(kind: kind, layers: layers, bidirectional: bidirectional, bias: bias,
                      named: Dictionary(uniqueKeysWithValues: zip(names, ordered)))
    }

    /// Builds the set from tensors keyed by PyTorch's names (a state_dict without the module prefix).
    /// Throws on a missing, unexpected or mis-shaped parameter, or mixed dtypes.
    public init(kind: RecurrentKind, layers: Int, bidirectional: Bool, bias: Bool = true,
                named: [String: Tensor]) throws {
        guard layers >= 1 else { throw RecurrentError.invalidConfiguration("layers must be >= 1, got \(layers)") }
        let names = RecurrentWeights.parameterNames(layers: layers, bidirectional: bidirectional, bias: bias)
        for n in names where named[n] == nil { throw RecurrentError.missingParameter(n) }
        let known = Set(names)
        if let extra = named.keys.sorted().first(where: { !known.contains($0) }) {
            throw RecurrentError.unexpectedParameter(extra)
        }
        let g = kind.gateCount
        guard let w0 = named["weight_ih_l0"], let u0 = named["weight_hh_l0"] else {
            throw RecurrentError.missingParameter("weight_ih_l0")
        }
        let h = max(u0.shape.last ?? 1, 1)
        guard u0.rank == 2, u0.shape == [g * h, h] else {
            throw RecurrentError.parameterShape(name: "weight_hh_l0", expected: [g * h, h], got: u0.shape)
        }
        let hidden = u0.shape[1]
        guard w0.rank == 2, w0.shape[1] >= 1 else {
            throw RecurrentError.parameterShape(name: "weight_ih_l0", expected: [g * hidden, max(w0.shape.last ?? 1, 1)],
                                                got: w0.shape)
        }
        let input = w0.shape[1]
        let dirs = bidirectional ? 2 : 1
        let dtype = w0.dtype
        var cells: [RecurrentCellWeights] = []
        for l in 0..<layers {
            let inSize = l == 0 ? input : dirs * hidden
            for d in 0..<dirs {
                let s = "_l\(l)" + (d == 1 ? "_reverse" : "")
                func get(_ base: String, _ shape: [Int]) throws -> Tensor {
                    let name = base + s
                    guard let t = named[name] else { throw RecurrentError.missingParameter(name) }
                    guard t.shape == shape else { throw RecurrentError.parameterShape(name: name, expected: shape, got: t.shape) }
                    guard t.dtype == dtype else { throw RecurrentError.dtypeMismatch(name: name, expected: dtype, got: t.dtype) }
                    return t
                }
                cells.append(RecurrentCellWeights(
                    weightIH: try get("weight_ih", [g * hidden, inSize]),
                    weightHH: try get("weight_hh", [g * hidden, hidden]),
                    biasIH: bias ? try get("bias_ih", [g * hidden]) : nil,
                    biasHH: bias ? try get("bias_hh", [g * hidden]) : nil))
            }
        }
        self.kind = kind
        self.inputSize = input
        self.hiddenSize = hidden
        self.layers = layers
        self.bidirectional = bidirectional
        self.hasBias = bias
        self.cells = cells
    }

    /// Fresh weights with PyTorch's default initialisation: every element uniform on
    /// `[-1/√hidden, 1/√hidden]`, drawn in PyTorch's parameter order. Leaves require gradients.
    public static func initialized(kind: RecurrentKind, inputSize: Int, hiddenSize: Int, layers: Int = 1,
                                   bidirectional: Bool = false, bias: Bool = true, dtype: DType = .float32,
                                   using rng: inout RandomGenerator) throws -> RecurrentWeights {
        guard inputSize >= 1, hiddenSize >= 1 else {
            throw RecurrentError.invalidConfiguration("input size \(inputSize) and hidden size \(hiddenSize) must be >= 1")
        }
        guard layers >= 1 else { throw RecurrentError.invalidConfiguration("layers must be >= 1, got \(layers)") }
        let g = kind.gateCount, k = 1 / Double(hiddenSize).squareRoot()
        let dirs = bidirectional ? 2 : 1
        var tensors: [Tensor] = []
        for l in 0..<layers {
            let inSize = l == 0 ? inputSize : dirs * hiddenSize
            for _ in 0..<dirs {
                var shapes = [[g * hiddenSize, inSize], [g * hiddenSize, hiddenSize]]
                if bias { shapes += [[g * hiddenSize], [g * hiddenSize]] }
                for s in shapes {
                    tensors.append(Tensor.uniform(s, low: -k, high: k, dtype: dtype, using: &rng).requiringGrad())
                }
            }
        }
        return try RecurrentWeights(kind: kind, layers: layers, bidirectional: bidirectional, bias: bias, ordered: tensors)
    }
}
