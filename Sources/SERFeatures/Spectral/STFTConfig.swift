/// Settings of a short-time Fourier transform power spectrogram (librosa `stft` conventions).
///
/// Frame `t` covers samples `t·hop − (center ? fftSize/2 : 0) ..< … + fftSize`; the window of
/// ``windowLength`` samples sits in the middle of the `fftSize` frame (zeros around it). With ``center``
/// the signal is extended by `fftSize / 2` samples at both ends according to ``padding``, giving
/// `1 + samples / hop` frames; without it there are `1 + (samples − fftSize) / hop` frames (integer division).
/// Output rows are `fftSize / 2 + 1` bins of `|X|^power`, bin `k` at `k · sampleRate / fftSize` Hz.
public struct STFTConfig: Codable, Equatable, Hashable, Sendable {
    /// Window shape (periodic).
    public var window: WindowFunction
    /// Window length in samples, `1...fftSize`.
    public var windowLength: Int
    /// Hop between frame starts in samples, ≥ 1.
    public var hopLength: Int
    /// FFT length in samples: even, ≥ 2.
    public var fftSize: Int
    /// Centre frames on `t · hop` by padding both ends with `fftSize / 2` samples.
    public var center: Bool
    /// How the centring pad is filled.
    public var padding: PaddingMode
    /// Exponent applied to the magnitude: 1 (magnitude) or 2 (power).
    public var power: Int

    /// Defaults: the paper's settings at 16 kHz (25 ms Hann window, 10 ms hop, 512-point FFT), centred with
    /// zero padding (librosa 0.11 default), power spectrogram.
    public init(window: WindowFunction = .hann, windowLength: Int = 400, hopLength: Int = 160, fftSize: Int = 512,
                center: Bool = true, padding: PaddingMode = .constant, power: Int = 2) {
        self.window = window
        self.windowLength = windowLength
        self.hopLength = hopLength
        self.fftSize = fftSize
        self.center = center
        self.padding = padding
        self.power = power
    }

    /// Number of bins per frame, `fftSize / 2 + 1`.
    public var binCount: Int { fftSize / 2 + 1 }

    /// Throws ``SpectralError/invalidSetting(name:value:requirement:)`` for the first bad setting.
    public func validate() throws {
        if fftSize < 2 || fftSize % 2 != 0 {
            throw SpectralError.invalidSetting(name: "fftSize", value: "\(fftSize)", requirement: "must be even and at least 2")
        }
        if windowLength < 1 || windowLength > fftSize {
            throw SpectralError.invalidSetting(name: "windowLength", value: "\(windowLength)",
                                               requirement: "must be in 1...fftSize (\(fftSize))")
        }
        if hopLength < 1 {
            throw SpectralError.invalidSetting(name: "hopLength", value: "\(hopLength)", requirement: "must be at least 1")
        }
        if power != 1 && power != 2 {
            throw SpectralError.invalidSetting(name: "power", value: "\(power)", requirement: "must be 1 or 2")
        }
    }

    /// Frames for a signal of `samples` samples: 0 for an empty signal, or a non-centred one shorter than `fftSize`.
    public func frameCount(samples: Int) -> Int {
        if samples <= 0 { return 0 }
        if center { return samples / hopLength + 1 }
        return samples < fftSize ? 0 : (samples - fftSize) / hopLength + 1
    }

    /// Index of the first sample read by frame `t` (negative in the leading pad).
    @inline(__always)
    func frameStart(_ t: Int) -> Int { t * hopLength - (center ? fftSize / 2 : 0) }
}
