/// The architecture of a wav2vec 1.0 model (fairseq `Wav2VecModel` with the CNN aggregator), as data.
///
/// Field by field this is fairseq's argument set that matters for computing features (names in brackets);
/// ``large`` is the released `wav2vec_large.pt`. Saved as JSON next to the weights (``formatVersion`` guards
/// the layout). See `Docs`/the reference for the semantics of each option; in short:
/// - encoder block i: `Conv1d(cᵢ₋₁ → cᵢ, kᵢ, stride sᵢ, no bias)` → Dropout(0) → GroupNorm(1 group) → ReLU,
///   with `c₋₁ = 1`; then `z = log(|x| + 1)` when ``logCompression``.
/// - aggregator block i: left pad `kᵢ − 1` (replicate, or zeros) → `Conv1d(kᵢ, stride sᵢ, bias)` → Dropout(``dropout``)
///   → GroupNorm → ReLU; with skip connections `x ← (block(x) + r(x))·√residualScale`, `r` the identity or a
///   bias-free 1×1 convolution when the channel count changes.
public struct Wav2VecConfig: Codable, Equatable, Sendable {
    /// The JSON layout version this code writes and reads.
    public static let currentFormatVersion = 1

    /// One convolution: output channels, kernel size and stride (fairseq's `(dim, k, stride)` tuples).
    public struct ConvLayer: Codable, Equatable, Sendable, CustomStringConvertible {
        public var channels: Int
        public var kernelSize: Int
        public var stride: Int

        public init(_ channels: Int, _ kernelSize: Int, _ stride: Int) {
            self.channels = channels
            self.kernelSize = kernelSize
            self.stride = stride
        }

        public var description: String { "(\(channels), \(kernelSize), \(stride))" }
    }

    /// Layout version of the saved JSON (``currentFormatVersion`` when written by this code).
    public var formatVersion: Int = Wav2VecConfig.currentFormatVersion
    /// Always "wav2vec" (identifies the model family in saved files).
    public var modelType: String = "wav2vec"
    /// Encoder convolutions [`conv_feature_layers`].
    public var featureExtractorLayers: [ConvLayer]
    /// Context-network convolutions [`conv_aggregator_layers`].
    public var aggregatorLayers: [ConvLayer]
    /// `z = log(|x| + 1)` after the encoder [`log_compression`].
    public var logCompression: Bool = true
    /// Residual connections in the encoder, where a block keeps its channel count [`skip_connections_feat`].
    public var featureExtractorSkipConnections: Bool = false
    /// Residual connections in the aggregator [`skip_connections_agg`].
    public var aggregatorSkipConnections: Bool = true
    /// Residual sums are multiplied by `√residualScale` [`residual_scale`].
    public var residualScale: Double = 0.5
    /// Zero instead of replication padding in the aggregator [`agg_zero_pad`].
    public var aggregatorZeroPadding: Bool = false
    /// Aggregator convolutions have a bias [not `no_conv_bias`]. (Encoder convolutions never do.)
    public var aggregatorConvBias: Bool = true
    /// Group norms have a per-channel scale and shift [not `non_affine_group_norm`].
    public var groupNormAffine: Bool = true
    /// Dropout inside aggregator blocks, training only [`dropout`].
    public var dropout: Double = 0
    /// Dropout on z before the aggregator, training only [`dropout_features`].
    public var featureDropout: Double = 0
    /// Dropout on c, training only [`dropout_agg`].
    public var aggregatorOutputDropout: Double = 0

    public init(featureExtractorLayers: [ConvLayer], aggregatorLayers: [ConvLayer]) {
        self.featureExtractorLayers = featureExtractorLayers
        self.aggregatorLayers = aggregatorLayers
    }

    /// wav2vec large as released (`wav2vec_large.pt`): 7 encoder layers (the last two 1×1), 12 aggregator
    /// layers with kernels 2…13, 512 channels; 29.4M parameters without the prediction head.
    public static var large: Wav2VecConfig {
        Wav2VecConfig(
            featureExtractorLayers: [.init(512, 10, 5), .init(512, 8, 4), .init(512, 4, 2), .init(512, 4, 2),
                                     .init(512, 4, 2), .init(512, 1, 1), .init(512, 1, 1)],
            aggregatorLayers: (2...13).map { .init(512, $0, 1) })
    }

    /// fairseq's 2019 base architecture defaults (the paper's smaller model): 5 encoder layers, 9 aggregator
    /// layers of kernel 3.
    public static var base: Wav2VecConfig {
        Wav2VecConfig(
            featureExtractorLayers: [.init(512, 10, 5), .init(512, 8, 4), .init(512, 4, 2), .init(512, 4, 2), .init(512, 4, 2)],
            aggregatorLayers: Array(repeating: .init(512, 3, 1), count: 9))
    }

    /// Channels of z (the last encoder layer's).
    public var featureChannels: Int { featureExtractorLayers.last?.channels ?? 0 }
    /// Channels of c (the last aggregator layer's, or of z when there is none).
    public var contextChannels: Int { aggregatorLayers.last?.channels ?? featureChannels }

    /// Checks that the architecture can be built.
    /// - Throws: ``Wav2VecError/invalidConfig(_:)`` naming the offending field.
    public func validate() throws {
        func fail(_ s: String) -> Wav2VecError { .invalidConfig(s) }
        guard formatVersion >= 1 && formatVersion <= Wav2VecConfig.currentFormatVersion else {
            throw fail("format version \(formatVersion) (this build reads 1...\(Wav2VecConfig.currentFormatVersion))")
        }
        guard modelType == "wav2vec" else { throw fail("model type '\(modelType)' is not 'wav2vec'") }
        guard !featureExtractorLayers.isEmpty else { throw fail("no feature extractor layers") }
        guard featureExtractorLayers.count <= 64, aggregatorLayers.count <= 64 else { throw fail("more than 64 layers") }
        for (name, layers) in [("feature extractor", featureExtractorLayers), ("aggregator", aggregatorLayers)] {
            for (i, l) in layers.enumerated() {
                guard l.channels >= 1 && l.channels <= 65536, l.kernelSize >= 1 && l.kernelSize <= 4096,
                      l.stride >= 1 && l.stride <= 4096 else {
                    throw fail("\(name) layer \(i) \(l): channels, kernel and stride must be positive (and reasonable)")
                }
            }
        }
        if aggregatorSkipConnections, let i = aggregatorLayers.firstIndex(where: { $0.stride != 1 }) {
            throw fail("aggregator layer \(i) has stride \(aggregatorLayers[i].stride); skip connections need stride 1 (as in fairseq)")
        }
        guard residualScale.isFinite && residualScale >= 0 else { throw fail("residual scale \(residualScale)") }
        for (name, p) in [("dropout", dropout), ("feature dropout", featureDropout), ("aggregator output dropout", aggregatorOutputDropout)] {
            guard p >= 0 && p < 1 else { throw fail("\(name) \(p) outside [0, 1)") }
        }
    }
}

/// Errors building or running a wav2vec model.
public enum Wav2VecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The configuration cannot be built (see ``Wav2VecConfig/validate()``).
    case invalidConfig(String)
    /// An input shorter than the encoder's receptive field gives no frame.
    case inputTooShort(samples: Int, minimum: Int)
    /// A saved model file (safetensors + JSON config) that cannot be used.
    case invalidModelFile(file: String, reason: String)

    public var description: String {
        switch self {
        case .invalidConfig(let s): return "invalid wav2vec configuration: \(s)"
        case .inputTooShort(let n, let m):
            return "input of \(n) samples is shorter than the encoder's receptive field of \(m) samples (no frame)"
        case .invalidModelFile(let f, let r): return "\(f): not a usable wav2vec model: \(r)"
        }
    }
}
