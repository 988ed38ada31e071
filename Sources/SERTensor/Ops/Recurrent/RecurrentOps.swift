/// The result of ``Tensor/lstm(_:weights:h0:c0:lengths:)``.
public struct LSTMOutput {
    /// `[batch, time, directions·hidden]`: the top layer's hidden states, forward then reverse
    /// features; zero at frames past a sequence's length.
    public let output: Tensor
    /// `[layers·directions, batch, hidden]`: each layer-direction's hidden state after its last frame
    /// (index `layer·directions + direction`, as in PyTorch).
    public let h: Tensor
    /// `[layers·directions, batch, hidden]`: the cell states, likewise.
    public let c: Tensor
}

/// The result of ``Tensor/gru(_:weights:h0:lengths:)``.
public struct GRUOutput {
    /// `[batch, time, directions·hidden]`, zero at frames past a sequence's length.
    public let output: Tensor
    /// `[layers·directions, batch, hidden]`: final hidden states.
    public let h: Tensor
}

/// Whole-sequence LSTM and GRU with PyTorch's semantics (`nn.LSTM` / `nn.GRU` with `batch_first=True`),
/// multi-layer, optionally bidirectional, with optional initial states and per-sequence lengths.
///
/// **Autograd.** The whole stack is one graph node whose output is a packed tensor
/// `[output | h_n | c_n]` (flat); ``LSTMOutput/output``, ``LSTMOutput/h`` and ``LSTMOutput/c`` are
/// cheap differentiable copies of its parts. A loss may therefore use any of the three: the engine adds
/// the gradient of each part used into the packed gradient (zero elsewhere), and the stack's hand-written
/// backward (``RecurrentStack``) receives `∂L/∂output`, `∂L/∂h_n` and `∂L/∂c_n` together. The node's
/// inputs are `x`, the weights in PyTorch's order, then `h0` and `c0` when given.
/// Dropout between layers is not applied here (a module can compose it from single-layer calls).
extension Tensor {
    /// Runs an LSTM over whole sequences.
    ///
    /// - Parameters:
    ///   - x: `[batch, time, inputSize]`.
    ///   - weights: an LSTM ``RecurrentWeights`` of `x`'s dtype.
    ///   - h0, c0: initial states `[layers·directions, batch, hidden]`; zeros when `nil`.
    ///   - lengths: valid frames per sequence (`1...time`), as with `pack_padded_sequence`; `nil` = all.
    public static func lstm(_ x: Tensor, weights: RecurrentWeights, h0: Tensor? = nil, c0: Tensor? = nil,
                            lengths: [Int]? = nil) throws -> LSTMOutput {
        guard weights.kind == .lstm else {
            throw RecurrentError.invalidConfiguration("Tensor.lstm needs LSTM weights, got \(weights.kind.rawValue)")
        }
        let (packed, geo) = try recurrent(x, weights: weights, h0: h0, c0: c0, lengths: lengths)
        return LSTMOutput(output: packed.recurrentPart(offset: 0, shape: [geo.batch, geo.time, geo.outputWidth]),
                          h: packed.recurrentPart(offset: geo.outputCount, shape: [geo.cellCount, geo.batch, geo.hidden]),
                          c: packed.recurrentPart(offset: geo.outputCount + geo.stateCount,
                                                  shape: [geo.cellCount, geo.batch, geo.hidden]))
    }

    /// Runs a GRU over whole sequences. Arguments as for ``lstm(_:weights:h0:c0:lengths:)``.
    public static func gru(_ x: Tensor, weights: RecurrentWeights, h0: Tensor? = nil,
                           lengths: [Int]? = nil) throws -> GRUOutput {
        guard weights.kind == .gru else {
            throw RecurrentError.invalidConfiguration("Tensor.gru needs GRU weights, got \(weights.kind.rawValue)")
        }
        let (packed, geo) = try recurrent(x, weights: weights, h0: h0, c0: nil, lengths: lengths)
        return GRUOutput(output: packed.recurrentPart(offset: 0, shape: [geo.batch, geo.time, geo.outputWidth]),
                         h: packed.recurrentPart(offset: geo.outputCount, shape: [geo.cellCount, geo.batch, geo.hidden]))
    }

    /// Validates the arguments, runs the stack and records its single graph node on the packed result.
    private static func recurrent(_ x: Tensor, weights: RecurrentWeights, h0: Tensor?, c0: Tensor?,
                                  lengths: [Int]?) throws -> (Tensor, RecurrentGeometry) {
        guard x.rank == 3, x.shape[0] >= 1, x.shape[1] >= 1, x.shape[2] == weights.inputSize else {
            throw RecurrentError.inputShape(name: "x", expected: "[batch >= 1, time >= 1, \(weights.inputSize)]", got: x.shape)
        }
        let dtype = x.dtype
        for (name, t) in zip(weights.parameterNames, weights.orderedParameters) where t.dtype != dtype {
            throw RecurrentError.dtypeMismatch(name: name, expected: dtype, got: t.dtype)
        }
        let geo = RecurrentGeometry(kind: weights.kind, batch: x.shape[0], time: x.shape[1], inputSize: weights.inputSize,
                                    hidden: weights.hiddenSize, layers: weights.layers, directions: weights.directions,
                                    lengths: try RecurrentGeometry.validatedLengths(lengths, batch: x.shape[0], time: x.shape[1]))
        let stateShape = [geo.cellCount, geo.batch, geo.hidden]
        for (name, s) in [("h0", h0), ("c0", c0)] {
            guard let s else { continue }
            guard s.shape == stateShape else {
                throw RecurrentError.inputShape(name: name, expected: "\(stateShape) ([layers·directions, batch, hidden])", got: s.shape)
            }
            guard s.dtype == dtype else { throw RecurrentError.dtypeMismatch(name: name, expected: dtype, got: s.dtype) }
        }

        // Zero-filled only when padded frames must read as 0; otherwise every element is written.
        let packed = geo.isFull ? Tensor.empty([geo.packedCount], dtype: dtype) : Tensor(zeros: [geo.packedCount], dtype: dtype)
        var inputs = [x] + weights.orderedParameters
        if let h0 { inputs.append(h0) }
        if let c0 { inputs.append(c0) }
        func run<T: TensorScalar>(_: T.Type) -> Tensor {
            let recording = GradMode.isEnabled && inputs.contains { $0.requiresGrad }
            let tape = RecurrentStack.forward(geo, x: x, weights: weights, h0: h0, c0: c0,
                                              packed: packed.storage.pointer(T.self), keepTape: recording)
            return record(packed, weights.kind.rawValue, inputs) { g in
                let r = RecurrentStack.backward(geo, tape: tape, x: x, weights: weights, gradPacked: g.to(T.dtype),
                                                needInput: x.requiresGrad)
                var grads: [Tensor?] = [r.dx] + r.parameters
                if h0 != nil { grads.append(r.dh0) }
                if c0 != nil { grads.append(r.dc0) }
                return grads
            }
        }
        switch dtype {
        case .float32: return (run(Float.self), geo)
        case .float64: return (run(Double.self), geo)
        }
    }

    /// A copy of `count(shape)` elements of this flat tensor from `offset`, reshaped; its gradient
    /// lands in the same range of a zero gradient for the whole tensor.
    fileprivate func recurrentPart(offset: Int, shape: [Int]) -> Tensor {
        let out = Tensor.empty(shape, dtype: dtype)
        out.storage.raw.copyMemory(from: storage.raw + offset * dtype.byteSize, byteCount: out.count * dtype.byteSize)
        let total = count
        return record(out, "recurrentPart", [self]) { g in
            let full = Tensor(zeros: [total], dtype: g.dtype)
            (full.storage.raw + offset * g.dtype.byteSize).copyMemory(from: g.storage.raw, byteCount: g.count * g.dtype.byteSize)
            return [full]
        }
    }
}
