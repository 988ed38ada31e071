import Foundation
import SERTensor

/// Bilinear (all-pass) frequency warping, the paper's Eq. 1:
///
///     ω_t = ω + 2·atan( α·sin ω / (1 − α·cos ω) ),   −1 < α < 1,
///
/// with `ω = π · f / (sampleRate / 2)` the normalised angular frequency in `[0, π]`. The map fixes 0 and π, is
/// strictly increasing for |α| < 1 (its derivative is `(1 − α²) / (1 − 2α·cos ω + α²) > 0`), raises every
/// frequency in (0, π) when α > 0 and lowers it when α < 0. α = 0 is the identity, returned exactly.
///
/// The log-mel extractor applies it to the mel filterbank (Lee & Rose's approach, the paper's approximation
/// of warping the signal): every band-edge frequency — the `bands + 2` mel points whose neighbours bound each
/// triangle, so each band's lower edge, centre and upper edge — is warped, and the triangles and their Slaney
/// area normalisation are rebuilt on the warped points.
public enum FrequencyWarp {
    /// The training-time range of α in the paper (drawn uniformly per utterance).
    public static let paperRange: ClosedRange<Double> = -0.15...0.15

    /// Warped normalised angular frequency `ω_t` of `omega` (radians, `0...π`).
    public static func warp(omega: Double, alpha: Double) -> Double {
        if alpha == 0 { return omega }
        return omega + 2 * atan(alpha * sin(omega) / (1 - alpha * cos(omega)))
    }

    /// Warped frequency in Hz of `hz` at `sampleRate` (fixes 0 and the Nyquist frequency).
    public static func warp(hz: Double, sampleRate: Double, alpha: Double) -> Double {
        if alpha == 0 { return hz }
        let nyquist = sampleRate / 2
        return warp(omega: Double.pi * hz / nyquist, alpha: alpha) * nyquist / Double.pi
    }

    /// Throws unless `alpha` is finite and inside (−1, 1).
    public static func validate(alpha: Double) throws {
        guard alpha.isFinite, alpha > -1, alpha < 1 else {
            throw SpectralError.invalidSetting(name: "warp alpha", value: "\(alpha)", requirement: "must be inside (-1, 1)")
        }
    }

    /// α drawn uniformly from `range` (default: the paper's ±0.15), for one utterance. The training layer calls
    /// this once per utterance with its seeded generator, so a run is reproducible.
    public static func randomAlpha(using rng: inout RandomGenerator, range: ClosedRange<Double> = paperRange) -> Double {
        rng.uniform(range.lowerBound, range.upperBound)
    }
}
