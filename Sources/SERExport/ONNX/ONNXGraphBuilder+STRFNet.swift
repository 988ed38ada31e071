import SERModels
import SERTensor

extension ONNXGraphBuilder {
    /// ``STRFNet`` in inference form on `[batch, channels, frames, bands]` → logits `[batch, classes]`
    /// (every frame real: no mask). The learnable Gabor STRF banks become fixed `Conv` weights
    /// (``GaborSTRF/kernels()`` evaluated once), batch norms use their running statistics, dropout is dropped.
    mutating func strfnet(_ x: String, _ net: STRFNet, prefix: String) throws -> String {
        let c = net.configuration
        var parts = [String]()
        if let conv = net.conv { parts.append(try conv2d(x, conv, prefix: "\(prefix).conv")) }
        for (i, (bank, channel)) in zip(net.strf, c.strfInputs).enumerated() {
            let one = node("Slice", [x, int64s([channel], name: "\(prefix).strf.\(i).start"),
                                     int64s([channel + 1], name: "\(prefix).strf.\(i).end"),
                                     int64s([1], name: "\(prefix).strf.\(i).axis")])
            let kernels = withNoGrad { bank.kernels() }
            parts.append(fixedConv2d(one, kernels: kernels, name: "\(prefix).strf.\(i).kernels"))
        }
        var h = parts.count == 1 ? parts[0] : node("Concat", parts, [ONNXAttribute.int("axis", 1)])
        h = leakyRelu(try batchNorm(h, net.frontNorm, prefix: "\(prefix).front_bn"), slope: c.negativeSlope)
        for (i, layer) in net.residual.layers.enumerated() {
            guard let block = layer as? ResidualBlock2d else {
                throw ONNXExportError.unsupported(file: prefix, what: "residual layer \(type(of: layer))", why: "STRFNet's residual stack holds ResidualBlock2d only")
            }
            h = try residualBlock(h, block, prefix: "\(prefix).res.\(i)")
        }
        // [B, C, T, F'] → [B, T, C, F'] → [B, T, C·F']
        h = node("Transpose", [h], [ONNXAttribute.ints("perm", [0, 2, 1, 3])])
        h = node("Reshape", [h, int64s([0, 0, -1], name: "\(prefix).frame_shape")])
        h = leakyRelu(linear(h, net.projection, prefix: "\(prefix).proj"), slope: c.negativeSlope)
        h = try gru(h, net.gru, prefix: "\(prefix).gru")
        h = try attentionPooling(h, net.attention, prefix: "\(prefix).attention")
        return try mlp(h, net.mlp, prefix: "\(prefix).mlp")
    }

    /// ``ResidualBlock2d``: `LeakyRelu(BN(conv2(LeakyRelu(BN(conv1 x)))) + shortcut(x))`.
    mutating func residualBlock(_ x: String, _ block: ResidualBlock2d, prefix: String) throws -> String {
        var h = try batchNorm(try conv2d(x, block.conv1, prefix: "\(prefix).conv1"), block.bn1, prefix: "\(prefix).bn1")
        h = leakyRelu(h, slope: block.negativeSlope)
        h = try batchNorm(try conv2d(h, block.conv2, prefix: "\(prefix).conv2"), block.bn2, prefix: "\(prefix).bn2")
        var skip = x
        if let shortcut = block.shortcut {
            guard shortcut.layers.count == 2, let conv = shortcut.layers[0] as? Conv2d, let bn = shortcut.layers[1] as? BatchNormLayer else {
                throw ONNXExportError.unsupported(file: prefix, what: "residual shortcut", why: "expected conv 1×1 then batch norm")
            }
            skip = try batchNorm(try conv2d(x, conv, prefix: "\(prefix).shortcut.0"), bn, prefix: "\(prefix).shortcut.1")
        }
        return leakyRelu(node("Add", [h, skip]), slope: block.negativeSlope)
    }
}
