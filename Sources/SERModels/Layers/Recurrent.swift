import SERTensor

/// A recurrent layer stack (`nn.LSTM` / `nn.GRU` with `batch_first=True`) as a module.
///
/// Parameters carry PyTorch's names (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, and
/// `_reverse` for the backward direction), so PyTorch state dicts load directly. Default
/// initialisation matches PyTorch: every element uniform on `[−1/√hidden, 1/√hidden]`.
/// Between layers, `dropout` is applied in training (PyTorch's `dropout` argument); with dropout the
/// stack runs one layer at a time, otherwise as one fused op.
public class RecurrentLayer: Module {
    public let kind: RecurrentKind
    public let inputSize: Int
    public let hiddenSize: Int
    public let layers: Int
    public let bidirectional: Bool
    public let hasBias: Bool
    /// Dropout probability between layers (training only).
    public let dropout: Double
    /// The generator of the inter-layer dropout masks.
    public var generator: RandomGenerator
    private let orderedNames: [String]

    init(kind: RecurrentKind, inputSize: Int, hiddenSize: Int, layers: Int, bidirectional: Bool, bias: Bool,
         dropout: Double, rng: inout RandomGenerator) {
        precondition(dropout >= 0 && dropout < 1, "\(kind.rawValue.uppercased()): dropout \(dropout) outside [0, 1)")
        self.kind = kind
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.bidirectional = bidirectional
        self.hasBias = bias
        self.dropout = dropout
        generator = rng.split()
        orderedNames = RecurrentWeights.parameterNames(layers: layers, bidirectional: bidirectional, bias: bias)
        let weights: RecurrentWeights
        do {
            weights = try RecurrentWeights.initialized(kind: kind, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers,
                                                       bidirectional: bidirectional, bias: bias, using: &rng)
        } catch {
            preconditionFailure("\(kind.rawValue.uppercased()): \(error)")
        }
        super.init()
        for (name, t) in zip(orderedNames, weights.orderedParameters) { registerParameter(name, t) }
    }

    /// The current parameters as the op's weight bundle (all layers, or one layer).
    func weights(layer: Int? = nil) throws -> RecurrentWeights {
        let params = Dictionary(uniqueKeysWithValues: namedParameters().map { ($0.name, $0.tensor) })
        if let layer {
            let suffixes = bidirectional ? ["_l\(layer)", "_l\(layer)_reverse"] : ["_l\(layer)"]
            var ordered: [Tensor] = []
            for s in suffixes {
                for base in hasBias ? ["weight_ih", "weight_hh", "bias_ih", "bias_hh"] : ["weight_ih", "weight_hh"] {
                    ordered.append(params[base + s]!)
                }
            }
            return try RecurrentWeights(kind: kind, layers: 1, bidirectional: bidirectional, bias: hasBias, ordered: ordered)
        }
        return try RecurrentWeights(kind: kind, layers: layers, bidirectional: bidirectional, bias: hasBias,
                                    ordered: orderedNames.map { params[$0]! })
    }

    /// Runs the stack; returns the top layer's output and the final states (`c` only for LSTM).
    func run(_ x: Tensor, lengths: [Int]?, h0: Tensor?, c0: Tensor?) throws -> (output: Tensor, h: Tensor, c: Tensor?) {
        let dirs = bidirectional ? 2 : 1
        if !(isTraining && dropout > 0 && layers > 1) {
            let w = try weights()
            if kind == .lstm {
                let r = try Tensor.lstm(x, weights: w, h0: h0, c0: c0, lengths: lengths)
                return (r.output, r.h, r.c)
            }
            let r = try Tensor.gru(x, weights: w, h0: h0, lengths: lengths)
            return (r.output, r.h, nil)
        }
        var input = x
        var hs: [Tensor] = [], cs: [Tensor] = []
        for l in 0..<layers {
            let w = try weights(layer: l)
            let h0l = h0?.narrowed(axis: 0, start: l * dirs, length: dirs)
            let c0l = c0?.narrowed(axis: 0, start: l * dirs, length: dirs)
            var out: Tensor
            if kind == .lstm {
                let r = try Tensor.lstm(input, weights: w, h0: h0l, c0: c0l, lengths: lengths)
                out = r.output; hs.append(r.h); cs.append(r.c)
            } else {
                let r = try Tensor.gru(input, weights: w, h0: h0l, lengths: lengths)
                out = r.output; hs.append(r.h)
            }
            if l < layers - 1 { out = out.dropout(p: dropout, training: true, using: &generator) }
            input = out
        }
        return (input, Tensor.concat(hs, axis: 0), kind == .lstm ? Tensor.concat(cs, axis: 0) : nil)
    }
}

/// `nn.LSTM(inputSize, hiddenSize, num_layers, bias, batch_first=True, dropout, bidirectional)`.
///
/// Input `[batch, time, inputSize]`; output `[batch, time, directions·hidden]` (zero past each
/// sequence's length), final `h`, `c` `[layers·directions, batch, hidden]`.
public final class LSTM: RecurrentLayer {
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false, bias: Bool = true,
                dropout: Double = 0, rng: inout RandomGenerator) {
        super.init(kind: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional,
                   bias: bias, dropout: dropout, rng: &rng)
    }

    /// - Throws: ``RecurrentError`` for inputs of the wrong shape, bad lengths or states.
    public func callAsFunction(_ x: Tensor, lengths: [Int]? = nil, h0: Tensor? = nil, c0: Tensor? = nil) throws -> LSTMOutputs {
        let r = try run(x, lengths: lengths, h0: h0, c0: c0)
        return LSTMOutputs(output: r.output, h: r.h, c: r.c ?? r.h)
    }
}

/// `nn.GRU(inputSize, hiddenSize, num_layers, bias, batch_first=True, dropout, bidirectional)`.
public final class GRU: RecurrentLayer {
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false, bias: Bool = true,
                dropout: Double = 0, rng: inout RandomGenerator) {
        super.init(kind: .gru, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional,
                   bias: bias, dropout: dropout, rng: &rng)
    }

    /// - Throws: ``RecurrentError`` for inputs of the wrong shape, bad lengths or states.
    public func callAsFunction(_ x: Tensor, lengths: [Int]? = nil, h0: Tensor? = nil) throws -> (output: Tensor, h: Tensor) {
        let r = try run(x, lengths: lengths, h0: h0, c0: nil)
        return (r.output, r.h)
    }
}

/// What ``LSTM`` returns: the output sequence and the final hidden and cell states.
public struct LSTMOutputs {
    public let output: Tensor
    public let h: Tensor
    public let c: Tensor
}
