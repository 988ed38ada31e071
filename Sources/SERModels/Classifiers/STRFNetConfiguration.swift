import SERTensor

/// The architecture of an ``STRFNet`` (Codable, saved beside its weights).
///
/// The input is a stack of time–frequency features `[batch, channels, time, freq]` (e.g. the log-mel
/// spectrogram and/or the pitch-pulse log-mel, 30 bands at 100 frames/s). The front end is a plain
/// `Conv2d(channels, convChannels, 3×3)` over all input channels and/or a learnable Gabor STRF bank
/// (``GaborSTRF``, `2·strfKernels` channels) on each input channel listed in `strfInputs`; their
/// outputs are concatenated, batch-normalised and passed through LeakyReLU.
public struct STRFNetConfiguration: Codable, Equatable, Sendable {
    /// Bumped when the meaning of a field changes.
    public var formatVersion = 1
    /// Names of the input channels, in order (e.g. `["spectrogram"]`, `["pitchpulse", "spectrogram"]`).
    public var inputChannels: [String]
    /// Frequency bins per channel.
    public var frequencyBins = 30
    /// Output channels of the plain convolution front end; 0 for none.
    public var convChannels = 64
    /// Input-channel indices that get their own STRF bank; empty for none.
    public var strfInputs: [Int] = []
    /// Kernels per STRF bank (each gives 2 channels).
    public var strfKernels = 32
    /// STRF time support in frames (200 ms at 100 frames/s → 21 after forcing odd).
    public var strfTimeSupport = 21
    /// STRF frequency support in bins.
    public var strfFrequencySupport = 7
    /// Output channels of each residual stage; each stage halves the frequency axis (stride (1, 2)).
    public var residualChannels: [Int] = [32, 32]
    /// Width of the per-frame embedding fed to the GRU.
    public var embeddingSize = 256
    /// GRU hidden units per direction.
    public var gruHidden = 256
    /// Bidirectional GRU (the public STRFNet code's choice; the paper says single-layer GRU).
    public var gruBidirectional = true
    /// Hidden width of the attention-pooling scorer.
    public var attentionHidden = 256
    /// Hidden widths of the output MLP.
    public var mlpHidden: [Int] = [256]
    /// Number of emotion classes.
    public var classes = 4
    /// Dropout before the output MLP.
    public var dropout = 0.0
    public var negativeSlope = 0.01
    /// Early fusion: utterance functionals concatenated to the pooled embedding before the output MLP (nil: none;
    /// JSON key absent). The network then also takes a `[batch, count]` utterance input (``STRFNet/utteranceInput(_:)``).
    public var utteranceFunctionals: UtteranceFunctionalsInput?

    public init(inputChannels: [String], convChannels: Int = 64, strfInputs: [Int] = [], classes: Int = 4) {
        self.inputChannels = inputChannels
        self.convChannels = convChannels
        self.strfInputs = strfInputs
        self.classes = classes
    }

    /// Channels after the front end.
    public var frontEndChannels: Int { convChannels + strfInputs.count * 2 * strfKernels }

    /// Frequency bins after the residual stages (each stride-2 conv with padding 1: `(f − 1)/2 + 1`).
    public var outputFrequencyBins: Int {
        residualChannels.reduce(frequencyBins) { f, _ in (f - 1) / 2 + 1 }
    }

    /// Checks that the configuration describes a buildable network.
    public func validate() throws {
        func fail(_ m: String) -> ModelConfigurationError { ModelConfigurationError(model: "STRFNet", problem: m) }
        if inputChannels.isEmpty { throw fail("at least one input channel is needed") }
        if convChannels < 0 { throw fail("convChannels must be >= 0") }
        if convChannels == 0 && strfInputs.isEmpty { throw fail("the front end needs a convolution or an STRF bank") }
        if let bad = strfInputs.first(where: { $0 < 0 || $0 >= inputChannels.count }) {
            throw fail("strfInputs index \(bad) is not an input channel (0..<\(inputChannels.count))")
        }
        if frequencyBins < 1 || classes < 2 || embeddingSize < 1 || gruHidden < 1 || residualChannels.isEmpty {
            throw fail("sizes must be positive, with at least 2 classes and one residual stage")
        }
        if let u = utteranceFunctionals, u.count < 1 || u.featureSet.isEmpty {
            throw fail("utteranceFunctionals needs a feature set and a positive count, has '\(u.featureSet)' and \(u.count)")
        }
        if formatVersion != 1 { throw fail("unsupported format version \(formatVersion)") }
    }
}

/// The utterance functionals an early-fused ``STRFNet`` reads besides its time–frequency input: `count` values of
/// the feature set `featureSet` (e.g. `egemaps-v02`, 88) per utterance, standardised with the statistics the network
/// keeps as buffers (``STRFNet/utteranceInput(_:)``).
public struct UtteranceFunctionalsInput: Codable, Equatable, Sendable {
    public var featureSet: String
    public var count: Int

    public init(featureSet: String, count: Int) {
        self.featureSet = featureSet
        self.count = count
    }
}

/// The feature combinations of the paper's Table 1, each as a named STRFNet configuration.
public enum Table1Feature: String, Codable, CaseIterable, Sendable {
    case pitchPulse = "pitch-pulse"
    case spectrogram
    case modulation
    case pitchPulseSpectrogram = "pitch-pulse+spectrogram"
    case pitchPulseModulation = "pitch-pulse+modulation"
    case spectrogramModulation = "spectrogram+modulation"
    case allThree = "all-three"

    /// The input feature channels this row needs, in order.
    public var inputChannels: [String] {
        switch self {
        case .pitchPulse, .pitchPulseModulation: return ["pitchpulse"]
        case .spectrogram, .modulation, .spectrogramModulation: return ["spectrogram"]
        case .pitchPulseSpectrogram, .allThree: return ["pitchpulse", "spectrogram"]
        }
    }

    /// The STRFNet configuration of this row: a plain convolution for the short-time features, an
    /// STRF bank for the modulation features ("modulation" alone uses only the STRF bank).
    public func configuration(classes: Int = 4) -> STRFNetConfiguration {
        switch self {
        case .pitchPulse, .spectrogram, .pitchPulseSpectrogram:
            return STRFNetConfiguration(inputChannels: inputChannels, convChannels: 64, strfInputs: [], classes: classes)
        case .modulation:
            return STRFNetConfiguration(inputChannels: inputChannels, convChannels: 0, strfInputs: [0], classes: classes)
        case .pitchPulseModulation, .spectrogramModulation:
            return STRFNetConfiguration(inputChannels: inputChannels, convChannels: 64, strfInputs: [0], classes: classes)
        case .allThree:
            // Convolution over both short-time features, modulation of the spectrogram (channel 1).
            return STRFNetConfiguration(inputChannels: inputChannels, convChannels: 64, strfInputs: [1], classes: classes)
        }
    }
}

/// A model configuration that cannot be built.
public struct ModelConfigurationError: Error, CustomStringConvertible, Equatable {
    public var model: String
    public var problem: String
    public var description: String { "invalid \(model) configuration: \(problem)" }
}
