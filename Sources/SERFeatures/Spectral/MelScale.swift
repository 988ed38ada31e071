import Foundation

/// Mel frequency scales, as defined by librosa (`htk=True/False`) and torchaudio (`mel_scale="htk"/"slaney"`).
public enum MelScale: String, Codable, CaseIterable, Sendable {
    /// HTK: `mel = 2595 · log10(1 + f / 700)`.
    case htk
    /// Slaney (Auditory Toolbox): linear `f / (200/3)` below 1 kHz, logarithmic above with
    /// 27 steps per factor 6.4 (librosa's default).
    case slaney

    private static let slaneyStep = 200.0 / 3
    private static let slaneyMinLogHz = 1000.0
    private static let slaneyMinLogMel = 1000.0 / (200.0 / 3)
    private static let slaneyLogStep = log(6.4) / 27

    /// Frequency in Hz to mels.
    public func mel(fromHz f: Double) -> Double {
        switch self {
        case .htk:
            return 2595 * log10(1 + f / 700)
        case .slaney:
            if f >= Self.slaneyMinLogHz { return Self.slaneyMinLogMel + log(f / Self.slaneyMinLogHz) / Self.slaneyLogStep }
            return f / Self.slaneyStep
        }
    }

    /// Mels to frequency in Hz (inverse of ``mel(fromHz:)``).
    public func hz(fromMel m: Double) -> Double {
        switch self {
        case .htk:
            return 700 * (pow(10, m / 2595) - 1)
        case .slaney:
            if m >= Self.slaneyMinLogMel { return Self.slaneyMinLogHz * exp(Self.slaneyLogStep * (m - Self.slaneyMinLogMel)) }
            return Self.slaneyStep * m
        }
    }

    /// `count` frequencies (Hz) equally spaced in mels from `low` to `high` Hz inclusive
    /// (librosa `mel_frequencies`; `numpy.linspace` spacing).
    public func frequencies(count: Int, low: Double, high: Double) -> [Double] {
        let lo = mel(fromHz: low), hi = mel(fromHz: high)
        guard count > 1 else { return count == 1 ? [hz(fromMel: lo)] : [] }
        let step = (hi - lo) / Double(count - 1)
        return (0..<count).map { i in hz(fromMel: i == count - 1 ? hi : lo + Double(i) * step) }
    }
}
