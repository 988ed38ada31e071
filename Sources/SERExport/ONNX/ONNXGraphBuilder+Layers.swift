import SERModels
import SERTensor

/// SERModels layers in inference form as ONNX nodes. Each function takes the name of its input value and
/// returns the name of its output; `prefix` is the dotted name of the layer in the model file
/// (`members.0.res.0.conv1`), used to name the initializers.
extension ONNXGraphBuilder {
    /// ``Conv2d`` (zero padding): `Conv` on `[batch, in, H, W]` → `[batch, out, H', W']`.
    mutating func conv2d(_ x: String, _ layer: Conv2d, prefix: String) throws -> String {
        guard layer.paddingMode == .zeros else {
            throw ONNXExportError.unsupported(file: prefix, what: "Conv2d with \(layer.paddingMode) padding", why: "only zero padding is exported")
        }
        let p = layer.padding.sides
        var inputs = [x, constant(layer.weight, name: "\(prefix).weight")]
        if let b = layer.bias { inputs.append(constant(b, name: "\(prefix).bias")) }
        return node("Conv", inputs, [
            ONNXAttribute.ints("kernel_shape", [layer.kernelSize.height, layer.kernelSize.width]),
            ONNXAttribute.ints("strides", [layer.stride.height, layer.stride.width]),
            ONNXAttribute.ints("dilations", [layer.dilation.height, layer.dilation.width]),
            ONNXAttribute.ints("pads", [p.top, p.left, p.bottom, p.right]),
        ])
    }

    /// A fixed-weight convolution `[batch, 1, H, W]` → `[batch, K, H, W]` with "same" zero padding (odd kernels),
    /// no bias: the inference form of a learnable STRF bank (``GaborSTRF/kernels()`` evaluated once).
    mutating func fixedConv2d(_ x: String, kernels: Tensor, name: String) -> String {
        let kh = kernels.shape[2], kw = kernels.shape[3]
        return node("Conv", [x, constant(kernels, name: name)], [
            ONNXAttribute.ints("kernel_shape", [kh, kw]),
            ONNXAttribute.ints("pads", [kh / 2, kw / 2, kh / 2, kw / 2]),
        ])
    }

    /// ``BatchNorm2d`` / ``BatchNorm1d`` in evaluation mode: `BatchNormalization` with the running statistics.
    mutating func batchNorm(_ x: String, _ layer: BatchNormLayer, prefix: String) throws -> String {
        guard let mean = layer.runningMean, let variance = layer.runningVar else {
            throw ONNXExportError.unsupported(file: prefix, what: "batch norm without running statistics",
                                              why: "its evaluation mode uses each batch's own statistics")
        }
        let c = layer.numFeatures
        let scale = constant(layer.weight ?? Tensor.ones([c]), name: "\(prefix).weight")
        let bias = constant(layer.bias ?? Tensor.zeros([c]), name: "\(prefix).bias")
        return node("BatchNormalization",
                    [x, scale, bias, constant(mean, name: "\(prefix).running_mean"), constant(variance, name: "\(prefix).running_var")],
                    [ONNXAttribute.float("epsilon", layer.eps)])
    }

    /// `LeakyRelu` with PyTorch's slope.
    mutating func leakyRelu(_ x: String, slope: Double) -> String {
        node("LeakyRelu", [x], [ONNXAttribute.float("alpha", slope)])
    }

    /// ``Linear`` on `[..., in]` → `[..., out]`: `MatMul` with the transposed weight, then `Add` of the bias.
    mutating func linear(_ x: String, _ layer: Linear, prefix: String) -> String {
        let y = node("MatMul", [x, constant(layer.weight.transposed(0, 1), name: "\(prefix).weight_t")])
        guard let b = layer.bias else { return y }
        return node("Add", [y, constant(b, name: "\(prefix).bias")])
    }

    /// An activation module of ``MLP`` or ``Sequential``; nil for a layer that is not an activation.
    mutating func activation(_ x: String, _ layer: any UnaryLayer) -> String? {
        switch layer {
        case let l as LeakyReLU: return leakyRelu(x, slope: l.negativeSlope)
        case is ReLU: return node("Relu", [x])
        case is Tanh: return node("Tanh", [x])
        case is Sigmoid: return node("Sigmoid", [x])
        case is Identity, is Dropout: return x                      // dropout is the identity in inference
        default: return nil
        }
    }

    /// ``MLP`` (Linear → activation → [Dropout], …, Linear) in inference form.
    mutating func mlp(_ x: String, _ layer: MLP, prefix: String) throws -> String {
        var h = x
        for (i, l) in layer.layers.enumerated() {
            if let lin = l as? Linear {
                h = linear(h, lin, prefix: "\(prefix).\(i)")
            } else if let a = activation(h, l) {
                h = a
            } else {
                throw ONNXExportError.unsupported(file: prefix, what: "MLP layer \(type(of: l))", why: "no ONNX form is written for it")
            }
        }
        return h
    }

    /// ``SelfAttentionPooling`` without a mask: `[batch, time, d]` → `[batch, d]`,
    /// `Σ_t softmax_t(w₂·tanh(W₁x_t + b₁)) x_t`.
    mutating func attentionPooling(_ x: String, _ layer: SelfAttentionPooling, prefix: String) throws -> String {
        var score = x
        for (i, l) in layer.attention.layers.enumerated() {
            if let lin = l as? Linear {
                score = linear(score, lin, prefix: "\(prefix).attention.\(i)")
            } else if let a = activation(score, l) {
                score = a
            } else {
                throw ONNXExportError.unsupported(file: prefix, what: "attention layer \(type(of: l))", why: "no ONNX form is written for it")
            }
        }
        let alpha = node("Softmax", [score], [ONNXAttribute.int("axis", 1)])   // [B, T, 1] over time
        let weighted = node("Mul", [alpha, x])
        return node("ReduceSum", [weighted, int64s([1], name: "\(prefix).time_axis")], [ONNXAttribute.int("keepdims", 0)])
    }

    /// ``GRU`` (batch first, PyTorch gate order r, z, n) as ONNX `GRU` ops, one per layer (gate order z, r, h,
    /// `linear_before_reset = 1`, which is PyTorch's `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`):
    /// `[batch, time, in]` → `[batch, time, directions·hidden]`, directions concatenated as PyTorch does.
    mutating func gru(_ x: String, _ layer: GRU, prefix: String) throws -> String {
        let params = Dictionary(uniqueKeysWithValues: layer.namedParameters().map { ($0.name, $0.tensor) })
        let h = layer.hiddenSize, dirs = layer.bidirectional ? 2 : 1
        /// PyTorch rows (r, z, n) → ONNX rows (z, r, n).
        func reorder(_ t: Tensor) -> Tensor {
            Tensor.concat([t.narrowed(axis: 0, start: h, length: h), t.narrowed(axis: 0, start: 0, length: h),
                           t.narrowed(axis: 0, start: 2 * h, length: h)], axis: 0)
        }
        func param(_ name: String) throws -> Tensor {
            guard let t = params[name] else {
                throw ONNXExportError.unsupported(file: prefix, what: "GRU without '\(name)'", why: "the weights are incomplete")
            }
            return t
        }
        var seq = node("Transpose", [x], [ONNXAttribute.ints("perm", [1, 0, 2])])   // [T, B, in]
        for l in 0..<layer.layers {
            let suffixes = dirs == 2 ? ["_l\(l)", "_l\(l)_reverse"] : ["_l\(l)"]
            var w = [Tensor](), r = [Tensor](), b = [Tensor]()
            for s in suffixes {
                w.append(reorder(try param("weight_ih" + s)).unsqueezed(0))
                r.append(reorder(try param("weight_hh" + s)).unsqueezed(0))
                if layer.hasBias {
                    b.append(Tensor.concat([reorder(try param("bias_ih" + s)), reorder(try param("bias_hh" + s))], axis: 0).unsqueezed(0))
                } else {
                    b.append(Tensor.zeros([1, 6 * h]))
                }
            }
            let outputs = node("GRU", [seq, constant(Tensor.concat(w, axis: 0), name: "\(prefix).l\(l).W"),
                                       constant(Tensor.concat(r, axis: 0), name: "\(prefix).l\(l).R"),
                                       constant(Tensor.concat(b, axis: 0), name: "\(prefix).l\(l).B")],
                               [ONNXAttribute.int("hidden_size", h), ONNXAttribute.int("linear_before_reset", 1),
                                ONNXAttribute.string("direction", dirs == 2 ? "bidirectional" : "forward")],
                               outputs: [fresh("gru_y")])
            // Y [T, dirs, B, H] → [T, B, dirs, H] → [T, B, dirs·H]
            let y = node("Transpose", [outputs[0]], [ONNXAttribute.ints("perm", [0, 2, 1, 3])])
            seq = node("Reshape", [y, int64s([0, 0, -1], name: "\(prefix).l\(l).shape")])
        }
        return node("Transpose", [seq], [ONNXAttribute.ints("perm", [1, 0, 2])])       // [B, T, dirs·H]
    }
}

extension ONNXGraphBuilder {
    /// ``Conv1d`` with zero padding: `Conv` on `[batch, in, time]` → `[batch, out, time']`.
    mutating func conv1d(_ x: String, _ layer: Conv1d, prefix: String) throws -> String {
        guard case .zeros(let left, let right) = layer.padding else {
            throw ONNXExportError.unsupported(file: prefix, what: "Conv1d with \(layer.padding) padding", why: "only zero padding is exported")
        }
        var inputs = [x, constant(layer.weight, name: "\(prefix).weight")]
        if let b = layer.bias { inputs.append(constant(b, name: "\(prefix).bias")) }
        return node("Conv", inputs, [
            ONNXAttribute.ints("kernel_shape", [layer.kernelSize]), ONNXAttribute.ints("strides", [layer.stride]),
            ONNXAttribute.ints("dilations", [layer.dilation]), ONNXAttribute.ints("pads", [left, right]),
        ])
    }

    /// ``LSTM`` (batch first, PyTorch gate order i, f, g, o) as ONNX `LSTM` ops, one per layer (gate order
    /// i, o, f, c): `[batch, time, in]` → `[batch, time, directions·hidden]`, directions concatenated.
    mutating func lstm(_ x: String, _ layer: LSTM, prefix: String) throws -> String {
        let params = Dictionary(uniqueKeysWithValues: layer.namedParameters().map { ($0.name, $0.tensor) })
        let h = layer.hiddenSize, dirs = layer.bidirectional ? 2 : 1
        /// PyTorch rows (i, f, g, o) → ONNX rows (i, o, f, c).
        func reorder(_ t: Tensor) -> Tensor {
            Tensor.concat([0, 3, 1, 2].map { t.narrowed(axis: 0, start: $0 * h, length: h) }, axis: 0)
        }
        func param(_ name: String) throws -> Tensor {
            guard let t = params[name] else {
                throw ONNXExportError.unsupported(file: prefix, what: "LSTM without '\(name)'", why: "the weights are incomplete")
            }
            return t
        }
        var seq = node("Transpose", [x], [ONNXAttribute.ints("perm", [1, 0, 2])])   // [T, B, in]
        for l in 0..<layer.layers {
            let suffixes = dirs == 2 ? ["_l\(l)", "_l\(l)_reverse"] : ["_l\(l)"]
            var w = [Tensor](), r = [Tensor](), b = [Tensor]()
            for s in suffixes {
                w.append(reorder(try param("weight_ih" + s)).unsqueezed(0))
                r.append(reorder(try param("weight_hh" + s)).unsqueezed(0))
                b.append(layer.hasBias
                    ? Tensor.concat([reorder(try param("bias_ih" + s)), reorder(try param("bias_hh" + s))], axis: 0).unsqueezed(0)
                    : Tensor.zeros([1, 8 * h]))
            }
            let y = node("LSTM", [seq, constant(Tensor.concat(w, axis: 0), name: "\(prefix).l\(l).W"),
                                  constant(Tensor.concat(r, axis: 0), name: "\(prefix).l\(l).R"),
                                  constant(Tensor.concat(b, axis: 0), name: "\(prefix).l\(l).B")],
                         [ONNXAttribute.int("hidden_size", h),
                          ONNXAttribute.string("direction", dirs == 2 ? "bidirectional" : "forward")])
            // Y [T, dirs, B, H] → [T, B, dirs, H] → [T, B, dirs·H]
            let t = node("Transpose", [y], [ONNXAttribute.ints("perm", [0, 2, 1, 3])])
            seq = node("Reshape", [t, int64s([0, 0, -1], name: "\(prefix).l\(l).shape")])
        }
        return node("Transpose", [seq], [ONNXAttribute.ints("perm", [1, 0, 2])])       // [B, T, dirs·H]
    }
}
