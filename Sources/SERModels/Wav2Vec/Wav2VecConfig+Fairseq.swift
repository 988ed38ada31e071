/// Building a ``Wav2VecConfig`` from the arguments stored in a fairseq checkpoint.
extension Wav2VecConfig {
    /// The configuration described by fairseq's stored arguments: the 2019 `args` Namespace's attributes or
    /// the model section of a newer `cfg` dict (`cfg["model"]`).
    ///
    /// `conv_feature_layers` and `conv_aggregator_layers` are required (they are Python expressions, read by
    /// ``PythonLayerList``); absent flags take fairseq's defaults (skip_connections_agg True, residual_scale 0.5,
    /// log_compression True, the rest False or 0). Architectures other than the CNN wav2vec 1.0 (a GRU aggregator,
    /// vq-wav2vec quantizers, GELU activations, wav2vec 2.0) are rejected.
    ///
    /// - Throws: ``TorchCheckpointError`` naming `file` and the offending argument.
    public init(fairseqArguments args: PickleDict, file: String) throws {
        func invalid(_ name: String, _ reason: String) -> TorchCheckpointError {
            .invalidValue(file: file, what: "fairseq argument '\(name)'", reason: reason)
        }
        func string(_ name: String) throws -> String? {
            guard let v = args[name], !v.isNone else { return nil }
            guard let s = v.stringValue else { throw invalid(name, "a \(v.typeName), expected str") }
            return s
        }
        func bool(_ name: String, _ fallback: Bool) throws -> Bool {
            guard let v = args[name], !v.isNone else { return fallback }
            guard let b = v.boolValue else { throw invalid(name, "a \(v.typeName), expected bool") }
            return b
        }
        func number(_ name: String, _ fallback: Double) throws -> Double {
            guard let v = args[name], !v.isNone else { return fallback }
            guard let d = v.doubleValue, d.isFinite else { throw invalid(name, "a \(v.typeName), expected a number") }
            return d
        }
        func layers(_ name: String) throws -> [ConvLayer] {
            guard let s = try string(name) else {
                throw TorchCheckpointError.missing(file: file, what: "fairseq argument '\(name)' (the layer list)")
            }
            do {
                return try PythonLayerList.layers(s)
            } catch let e as PythonLayerList.SyntaxError {
                throw invalid(name, "cannot read \"\(s)\": \(e)")
            }
        }

        let arch = try string("arch") ?? string("_name")
        if let arch, arch != "wav2vec" {
            throw TorchCheckpointError.unsupported(file: file, reason: "architecture '\(arch)' (only wav2vec 1.0 is read)")
        }
        if let agg = try string("aggregator"), agg != "cnn" {
            throw TorchCheckpointError.unsupported(file: file, reason: "aggregator '\(agg)' (only the CNN aggregator is read)")
        }
        if let vq = try string("vq_type"), vq != "none" {
            throw TorchCheckpointError.unsupported(file: file, reason: "vq_type '\(vq)': vq-wav2vec quantizers are not supported")
        }
        if let act = try string("activation"), act != "relu" {
            throw TorchCheckpointError.unsupported(file: file, reason: "activation '\(act)' (only relu is supported)")
        }
        self.init(featureExtractorLayers: try layers("conv_feature_layers"),
                  aggregatorLayers: try layers("conv_aggregator_layers"))
        logCompression = try bool("log_compression", true)
        featureExtractorSkipConnections = try bool("skip_connections_feat", false)
        aggregatorSkipConnections = try bool("skip_connections_agg", true)
        residualScale = try number("residual_scale", 0.5)
        aggregatorZeroPadding = try bool("agg_zero_pad", false)
        aggregatorConvBias = !(try bool("no_conv_bias", false))
        groupNormAffine = !(try bool("non_affine_group_norm", false))
        dropout = try number("dropout", 0)
        featureDropout = try number("dropout_features", 0)
        aggregatorOutputDropout = try number("dropout_agg", 0)
        do {
            try validate()
        } catch let e as Wav2VecError {
            throw TorchCheckpointError.invalidValue(file: file, what: "fairseq arguments", reason: e.description)
        }
    }
}
