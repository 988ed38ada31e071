import SERTensor

/// One input channel of the engineered-feature models (paper Table 1).
public enum FeatureChannel: String, Codable, CaseIterable, Sendable {
    /// Log-mel spectrogram of the waveform.
    case spectrogram
    /// Log-mel spectrogram of the pitch-pulse signal (paper Eq. 2): the waveform's value at each
    /// Praat pulse, zero elsewhere.
    case pitchpulse
}

/// Turns batches of waveforms (and their pitch-pulse signals) into the stacked log-mel inputs of
/// ``FeatureChannel``s: `[batch, channels, frames, bands]` plus a frame mask `[batch, frames]`
/// (1 for frames computed from real samples, 0 for padding).
///
/// The learned modulation features (STRFs) are part of the model, not of this stack.
public struct FeatureStack: Sendable {
    public let channels: [FeatureChannel]
    public let extractor: LogMelExtractor
    /// How each utterance's features are normalised (statistics over its real frames only).
    public let normalization: FeatureNormalization

    public init(channels: [FeatureChannel], logMel: LogMelConfig = .paper(sampleRate: 16000),
                normalization: FeatureNormalization = .none) throws {
        precondition(!channels.isEmpty, "FeatureStack: at least one channel")
        self.channels = channels
        self.normalization = normalization
        extractor = try LogMelExtractor(config: logMel)
    }

    /// Whether any channel needs the pitch-pulse signal.
    public var needsPitchPulses: Bool { channels.contains(.pitchpulse) }

    /// Features for a batch.
    /// - Parameters:
    ///   - audio: `[batch, samples]` waveforms (zero-padded).
    ///   - pitchPulses: `[batch, samples]` pitch-pulse signals aligned with `audio` (needed when a
    ///     channel is ``FeatureChannel/pitchpulse``).
    ///   - lengths: real samples per item (nil: all).
    ///   - warpAlphas: per-item frequency-warping factors (paper Eq. 1); nil for none.
    public func callAsFunction(audio: Tensor, pitchPulses: Tensor? = nil, lengths: [Int]? = nil,
                               warpAlphas: [Double]? = nil) throws -> (features: Tensor, mask: Tensor) {
        var parts: [Tensor] = []
        var mask: Tensor?
        for channel in channels {
            let signal: Tensor
            switch channel {
            case .spectrogram: signal = audio
            case .pitchpulse:
                guard let pitchPulses else { throw FeatureStackError.missingPitchPulses }
                signal = pitchPulses
            }
            let batch = try extractor.extract(batch: signal, lengths: lengths, warpAlphas: warpAlphas)
            parts.append(batch.features.unsqueezed(1))
            mask = batch.mask
        }
        var features = parts.count == 1 ? parts[0] : Tensor.concat(parts, axis: 1)
        let m = mask ?? Tensor.ones([audio.shape[0], features.shape[2]])
        features = normalization.apply(features, mask: m)
        return (features, m)
    }
}

/// A feature stack used without the inputs it needs.
public enum FeatureStackError: Error, CustomStringConvertible, Equatable {
    case missingPitchPulses
    public var description: String {
        switch self {
        case .missingPitchPulses: return "the pitch-pulse channel needs pitch-pulse signals, but none were given"
        }
    }
}
