import SERModels
import SERTensor

extension ONNXGraphBuilder {
    /// ``GroupNorm`` with one group on `[batch, channels, time]`: each item standardised over channels and time
    /// (`ReduceMean`, biased variance, `eps` inside the square root), then the per-channel affine.
    mutating func groupNorm(_ x: String, _ layer: GroupNorm, prefix: String) throws -> String {
        guard layer.numGroups == 1 else {
            throw ONNXExportError.unsupported(file: prefix, what: "GroupNorm with \(layer.numGroups) groups", why: "only one group (wav2vec's) is exported")
        }
        let mean = node("ReduceMean", [x], [ONNXAttribute.ints("axes", [1, 2]), ONNXAttribute.int("keepdims", 1)])
        let centred = node("Sub", [x, mean])
        let variance = node("ReduceMean", [node("Mul", [centred, centred])], [ONNXAttribute.ints("axes", [1, 2]), ONNXAttribute.int("keepdims", 1)])
        var y = node("Div", [centred, node("Sqrt", [node("Add", [variance, scalar(Float(layer.eps), name: "\(prefix).eps")])])])
        let c = layer.numChannels
        if let w = layer.weight { y = node("Mul", [y, constant(w.reshaped([c, 1]), name: "\(prefix).weight")]) }
        if let b = layer.bias { y = node("Add", [y, constant(b.reshaped([c, 1]), name: "\(prefix).bias")]) }
        return y
    }

    /// wav2vec 1.0 (``Wav2VecModel``) in inference form: `audio` `[batch, samples]` → `z` and `c`
    /// `[batch, channels, frames]` (encoder: `Conv` → group norm → `Relu` per layer, then `Log(|x| + 1)`; context
    /// network: causal padding (`Pad`, edge or zeros), `Conv`, group norm, `Relu`, and the scaled residual).
    mutating func wav2vec(_ audio: String, _ model: Wav2VecModel, prefix: String) throws -> (z: String, c: String) {
        let config = model.config
        guard !config.featureExtractorSkipConnections else {
            throw ONNXExportError.unsupported(file: prefix, what: "wav2vec with encoder skip connections", why: "not written yet (no released wav2vec 1.0 uses them)")
        }
        var x = node("Unsqueeze", [audio, int64s([1], name: "\(prefix).channel_axis")])     // [B, 1, S]
        for (i, (conv, norm)) in zip(model.featureExtractor.convs, model.featureExtractor.norms).enumerated() {
            let p = "\(prefix).feature_extractor.conv_layers.\(i)"
            x = node("Relu", [try groupNorm(try conv1d(x, conv, prefix: "\(p).0"), norm, prefix: "\(p).2")])
        }
        if config.logCompression {
            x = node("Log", [node("Add", [node("Abs", [x]), scalar(1, name: "\(prefix).log_compression_one")])])
        }
        let z = x
        let aggregator = model.featureAggregator
        let scale = scalar(Float(config.residualScale.squareRoot()), name: "\(prefix).residual_scale")
        for (i, layer) in config.aggregatorLayers.enumerated() {
            let p = "\(prefix).feature_aggregator.conv_layers.\(i)"
            let residual = x
            var h = x
            if layer.kernelSize > 1 {
                h = node("Pad", [h, int64s([0, 0, layer.kernelSize - 1, 0, 0, 0], name: "\(p).causal_pads")],
                         [ONNXAttribute.string("mode", config.aggregatorZeroPadding ? "constant" : "edge")])
            }
            h = node("Relu", [try groupNorm(try conv1d(h, aggregator.convs[i], prefix: "\(p).1"), aggregator.norms[i], prefix: "\(p).3")])
            if config.aggregatorSkipConnections {
                let r = try aggregator.projections[i].map { try conv1d(residual, $0, prefix: "\(prefix).feature_aggregator.residual_proj.\(i)") } ?? residual
                h = node("Mul", [node("Add", [h, r]), scale])
            }
            x = h
        }
        return (z, x)
    }
}
