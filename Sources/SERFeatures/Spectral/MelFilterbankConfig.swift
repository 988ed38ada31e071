/// Area normalisation of the triangular mel filters.
public enum FilterbankNormalization: String, Codable, CaseIterable, Sendable {
    /// Peak 1 (librosa `norm=None`, torchaudio `norm=None`).
    case none
    /// Each triangle scaled by `2 / (upper − lower edge in Hz)`, so all bands have equal area
    /// (librosa `norm="slaney"`, its default; torchaudio `norm="slaney"`).
    case slaney
}

/// Settings of a triangular mel filterbank over the bins of a real FFT (librosa `filters.mel`,
/// torchaudio `functional.melscale_fbanks`).
public struct MelFilterbankConfig: Codable, Equatable, Hashable, Sendable {
    /// Sampling rate in Hz.
    public var sampleRate: Double
    /// FFT length; the filterbank covers its `fftSize / 2 + 1` bins.
    public var fftSize: Int
    /// Number of mel bands.
    public var bandCount: Int
    /// Lower edge of the first band in Hz.
    public var minFrequency: Double
    /// Upper edge of the last band in Hz; `nil` means the Nyquist frequency.
    public var maxFrequency: Double?
    /// Mel scale placing the band edges.
    public var scale: MelScale
    /// Filter normalisation.
    public var normalization: FilterbankNormalization

    /// Defaults: the paper's 30 bands at 16 kHz over a 512-point FFT, librosa's Slaney scale and normalisation.
    public init(sampleRate: Double = 16000, fftSize: Int = 512, bandCount: Int = 30, minFrequency: Double = 0,
                maxFrequency: Double? = nil, scale: MelScale = .slaney, normalization: FilterbankNormalization = .slaney) {
        self.sampleRate = sampleRate
        self.fftSize = fftSize
        self.bandCount = bandCount
        self.minFrequency = minFrequency
        self.maxFrequency = maxFrequency
        self.scale = scale
        self.normalization = normalization
    }

    /// ``maxFrequency`` or the Nyquist frequency.
    public var upperFrequency: Double { maxFrequency ?? sampleRate / 2 }

    /// Number of FFT bins, `fftSize / 2 + 1`.
    public var binCount: Int { fftSize / 2 + 1 }

    /// Throws ``SpectralError/invalidSetting(name:value:requirement:)`` for the first bad setting.
    public func validate() throws {
        guard sampleRate.isFinite, sampleRate > 0 else {
            throw SpectralError.invalidSetting(name: "sampleRate", value: "\(sampleRate)", requirement: "must be positive")
        }
        guard fftSize >= 2, fftSize % 2 == 0 else {
            throw SpectralError.invalidSetting(name: "fftSize", value: "\(fftSize)", requirement: "must be even and at least 2")
        }
        guard bandCount >= 1 else {
            throw SpectralError.invalidSetting(name: "bandCount", value: "\(bandCount)", requirement: "must be at least 1")
        }
        guard minFrequency.isFinite, minFrequency >= 0 else {
            throw SpectralError.invalidSetting(name: "minFrequency", value: "\(minFrequency)", requirement: "must be ≥ 0 Hz")
        }
        let upper = upperFrequency
        guard upper.isFinite, upper > minFrequency, upper <= sampleRate / 2 else {
            throw SpectralError.invalidSetting(name: "maxFrequency", value: "\(upper)",
                                               requirement: "must be above minFrequency (\(minFrequency)) and at most Nyquist (\(sampleRate / 2))")
        }
    }
}
