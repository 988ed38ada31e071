/// Frame counts and receptive fields of a ``Wav2VecConfig`` (all convolutions are "valid", so lengths shrink
/// exactly by the formulas below; the aggregator's causal padding keeps its length when its strides are 1).
extension Wav2VecConfig {
    /// Input samples one encoder frame depends on (465 for wav2vec large and base: 29.06 ms at 16 kHz).
    /// Built layer by layer: `r ← r + (k − 1)·j`, `j ← j·s`, from `r = 1, j = 1`.
    public var encoderReceptiveField: Int {
        var r = 1, j = 1
        for l in featureExtractorLayers { r += (l.kernelSize - 1) * j; j *= l.stride }
        return r
    }

    /// Samples between consecutive encoder frames: the product of the strides (160 = 10 ms at 16 kHz).
    public var encoderHop: Int { featureExtractorLayers.reduce(1) { $0 * $1.stride } }

    /// Encoder frames for an input of `samples` samples, applying `T ← ⌊(T − k)/s⌋ + 1` per layer (0 when the
    /// input is shorter than ``encoderReceptiveField``). Equals `⌊(N − R)/H⌋ + 1` for `N ≥ R`
    /// (R = receptive field, H = hop): N = 10000 → 60, 16000 → 98, 48000 → 298 for wav2vec large.
    public func frameCount(samples: Int) -> Int {
        var t = samples
        for l in featureExtractorLayers {
            guard t >= l.kernelSize else { return 0 }
            t = (t - l.kernelSize) / l.stride + 1
        }
        return t
    }

    /// Aggregator output frames for `frames` encoder frames: each layer pads `k − 1` on the left, so
    /// `T ← ⌊(T − 1)/s⌋ + 1` (unchanged for stride 1).
    public func contextFrameCount(frames: Int) -> Int {
        var t = frames
        for l in aggregatorLayers where t > 0 { t = (t - 1) / l.stride + 1 }
        return t
    }

    /// Encoder frames one context vector c_t depends on: 1 + Σ(k − 1)·(product of earlier aggregator strides);
    /// 79 for wav2vec large, 19 for base. They are z_{t−78} … z_t (frames before 0 replicate z_0).
    public var contextReceptiveFieldFrames: Int {
        var r = 1, j = 1
        for l in aggregatorLayers { r += (l.kernelSize - 1) * j; j *= l.stride }
        return r
    }

    /// Input samples one context vector depends on: `R + (F − 1)·H` = 12,945 (809 ms) for large, 3,345 for base.
    public var contextReceptiveField: Int { encoderReceptiveField + (contextReceptiveFieldFrames - 1) * encoderHop }

    /// fairseq's automatic prediction offset `⌈R/H⌉` (3 for large): the first predicted frame whose samples
    /// do not overlap those of the context frame.
    public var predictionOffset: Int {
        let r = encoderReceptiveField, h = encoderHop
        return (r + h - 1) / h
    }
}

extension Wav2VecConfig {
    /// The state-dict names and shapes of a ``Wav2VecModel`` with this configuration, computed without building
    /// it (so that a checkpoint can be checked before any memory is allocated for the model).
    public var parameterShapes: [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        var cin = 1
        for (i, l) in featureExtractorLayers.enumerated() {
            let p = "feature_extractor.conv_layers.\(i)."
            shapes[p + "0.weight"] = [l.channels, cin, l.kernelSize]
            if groupNormAffine { shapes[p + "2.weight"] = [l.channels]; shapes[p + "2.bias"] = [l.channels] }
            cin = l.channels
        }
        for (i, l) in aggregatorLayers.enumerated() {
            let p = "feature_aggregator.conv_layers.\(i)."
            if aggregatorSkipConnections && cin != l.channels {
                shapes["feature_aggregator.residual_proj.\(i).weight"] = [l.channels, cin, 1]
            }
            shapes[p + "1.weight"] = [l.channels, cin, l.kernelSize]
            if aggregatorConvBias { shapes[p + "1.bias"] = [l.channels] }
            if groupNormAffine { shapes[p + "3.weight"] = [l.channels]; shapes[p + "3.bias"] = [l.channels] }
            cin = l.channels
        }
        return shapes
    }

    /// Every difference between `shapes` (a state dict's) and ``parameterShapes``, as a ``StateDictError``
    /// naming `file`; nil when they match exactly.
    public func mismatches(_ shapes: [String: [Int]], file: String?) -> StateDictError? {
        let own = parameterShapes
        var missing: [String] = [], unexpected: [String] = [], misShaped: [StateDictError.ShapeMismatch] = []
        for (name, shape) in own {
            guard let s = shapes[name] else { missing.append(name); continue }
            if s != shape { misShaped.append(.init(name: name, expected: shape, found: s)) }
        }
        for name in shapes.keys where own[name] == nil { unexpected.append(name) }
        if missing.isEmpty && unexpected.isEmpty && misShaped.isEmpty { return nil }
        return StateDictError(module: "Wav2VecModel", missing: missing.sorted(), unexpected: unexpected.sorted(),
                              misShaped: misShaped.sorted { $0.name < $1.name }, file: file)
    }
}
