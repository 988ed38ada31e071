/// Settings of the log-mel spectrogram: `log(melFilterbank · |STFT|^power + logFloor)` (natural log).
///
/// The defaults are the paper's features at 16 kHz (section 2.1): 25 ms Hann window (400 samples) in a
/// 512-point FFT, 10 ms hop (160 samples), power spectrogram, 30 mel bands from 0 Hz to Nyquist on librosa's
/// default Slaney scale with Slaney area normalisation, frames centred with zero padding (librosa 0.11's
/// `pad_mode="constant"` default). The log floor is 1e-6 (about −13.8 in log units; at full scale a 400-sample
/// frame of a sine reaches ~10⁴, so the floor sits ~100 dB below): it keeps digital silence finite without
/// touching speech. `/work/shared/bench/features.py` uses 1e-10; set ``logFloor`` to compare with it.
public struct LogMelConfig: Codable, Equatable, Hashable, Sendable {
    /// Sampling rate of the input in Hz.
    public var sampleRate: Double = 16000
    /// Analysis window shape.
    public var window: WindowFunction = .hann
    /// Window length in samples.
    public var windowLength: Int = 400
    /// Hop in samples.
    public var hopLength: Int = 160
    /// FFT length in samples (even, ≥ ``windowLength``).
    public var fftSize: Int = 512
    /// Centre frames on `t · hop`.
    public var center: Bool = true
    /// Padding used by centring.
    public var padding: PaddingMode = .constant
    /// 1 (magnitude) or 2 (power) before the mel projection.
    public var power: Int = 2
    /// Number of mel bands.
    public var bandCount: Int = 30
    /// Lower edge of the mel range in Hz.
    public var minFrequency: Double = 0
    /// Upper edge of the mel range in Hz (`nil`: Nyquist).
    public var maxFrequency: Double? = nil
    /// Mel scale.
    public var melScale: MelScale = .slaney
    /// Mel filter normalisation.
    public var normalization: FilterbankNormalization = .slaney
    /// Added before the logarithm; must be > 0.
    public var logFloor: Double = 1e-6

    public init() {}

    /// The paper's timing (25 ms window, 10 ms hop, 30 bands) at another sampling rate: window and hop rounded to
    /// whole samples, FFT the next power of two at or above the window.
    public static func paper(sampleRate: Double) -> LogMelConfig {
        var c = LogMelConfig()
        c.sampleRate = sampleRate
        c.windowLength = Int((0.025 * sampleRate).rounded())
        c.hopLength = max(1, Int((0.010 * sampleRate).rounded()))
        var n = 2
        while n < c.windowLength { n *= 2 }
        c.fftSize = n
        return c
    }

    /// The STFT part.
    public var stft: STFTConfig {
        STFTConfig(window: window, windowLength: windowLength, hopLength: hopLength, fftSize: fftSize,
                   center: center, padding: padding, power: power)
    }

    /// The filterbank part.
    public var filterbank: MelFilterbankConfig {
        MelFilterbankConfig(sampleRate: sampleRate, fftSize: fftSize, bandCount: bandCount, minFrequency: minFrequency,
                            maxFrequency: maxFrequency, scale: melScale, normalization: normalization)
    }

    /// Throws ``SpectralError/invalidSetting(name:value:requirement:)`` for the first bad setting.
    public func validate() throws {
        try stft.validate()
        try filterbank.validate()
        guard logFloor.isFinite, logFloor > 0 else {
            throw SpectralError.invalidSetting(name: "logFloor", value: "\(logFloor)", requirement: "must be positive")
        }
    }
}
