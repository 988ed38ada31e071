import SERTensor

/// Per-utterance normalisation of stacked log-mel features `[batch, channels, frames, bands]`
/// (natural-log units), with statistics over each utterance's real frames (mask `[batch, frames]`,
/// 1 = real); padded frames stay exactly 0.
///
/// - ``none``: the log-mel as computed.
/// - ``utterance``: zero mean and unit variance per channel and band over time. Removes the overall
///   level, but also the utterance's long-term spectral shape (spectral tilt), which carries emotion.
/// - ``level``: subtracts one mean per channel, taken over all real frames and all bands. A gain of
///   g dB shifts every power log-mel value by g·ln(10)/10, so this removes recording level and the
///   random training gain exactly (above the log floor) while keeping spectral shape and dynamics.
public enum FeatureNormalization: String, Codable, CaseIterable, Sendable {
    case none
    case utterance
    case level

    /// Normalised features; differentiable (the statistics are part of the graph).
    public func apply(_ features: Tensor, mask: Tensor) -> Tensor {
        guard self != .none else { return features }
        precondition(features.rank == 4 && mask.rank == 2, "FeatureNormalization: expects [B, C, T, F] and [B, T]")
        let b = features.shape[0], frames = mask.shape[1], bands = features.shape[3]
        let w = mask.reshaped([b, 1, frames, 1])
        switch self {
        case .none:
            return features
        case .utterance:
            let n = Tensor.maximum(w.sum(axes: [2], keepDims: true), Tensor(scalar: 1))
            let mean = (features * w).sum(axes: [2], keepDims: true) / n
            let centred = (features - mean) * w
            let std = ((centred * centred).sum(axes: [2], keepDims: true) / n).sqrt() + 1e-5
            return centred / std
        case .level:
            let n = Tensor.maximum(w.sum(axes: [2, 3], keepDims: true) * Double(bands), Tensor(scalar: 1))
            let mean = (features * w).sum(axes: [2, 3], keepDims: true) / n
            return (features - mean) * w
        }
    }
}
