import Foundation
import SERAudio
import SERTensor

/// eGeMAPS v02 (Eyben et al. 2016) low-level descriptors and functionals, following openSMILE 3's
/// algorithms and configuration (`config/egemaps/v02/eGeMAPSv02.conf` as shipped in opensmile-python 2.6).
///
/// Audio is analysed at its own sample rate (openSMILE resamples nothing except the LPC spectrum for
/// formants, which it resamples to 11 kHz in the frequency domain). Samples are expected in [−1, 1]
/// (integer PCM as `k / 2^(bits−1)`); they are analysed on openSMILE's scale, `k / 32767` for 16-bit PCM
/// (see `SmileInputScale`).
///
/// ```swift
/// let audio = try AudioFile.read(url).buffer
/// let extractor = EGeMAPSExtractor()
/// let lld = try extractor.lowLevelDescriptors(audio)   // [frames, 25]
/// let functionals = try extractor.functionals(audio)   // 88 values, EGeMAPS.functionalNames order
/// ```
public struct EGeMAPSExtractor: Sendable {
    /// Frame step of every contour (s).
    public static let framePeriod = 0.01
    /// Lowest sample rate accepted (Hz).
    public static let minimumSampleRate = 8000

    public init() {}

    /// The 25 low-level descriptors, `[frames, 25]` at a 10 ms hop, columns in
    /// ``EGeMAPS/lowLevelDescriptorNames`` order. Row `t` describes the frame starting at `t · 10 ms`
    /// (20 ms frames for the spectral descriptors, 60 ms for the F0-based ones); rows stop where the
    /// shorter (60 ms) grid ends, as openSMILE's joined output does, including its last, zero-padded frames
    /// (see Docs/Functionals.md). Input shorter than 50 ms gives `[0, 25]`.
    /// - Throws: ``EGeMAPSError`` for non-finite samples or a sample rate below 8 kHz.
    public func lowLevelDescriptors(_ audio: AudioBuffer) throws -> Tensor {
        let contours = try analyse(audio)
        let table = EGeMAPSDescriptorTable(contours)
        return Tensor(shape: [table.rowCount, EGeMAPS.lowLevelDescriptorNames.count], data: table.values.map(Float.init))
    }

    /// The 88 functionals of one utterance, in ``EGeMAPS/functionalNames`` order; finite for any input
    /// (silence, or input shorter than one frame, gives openSMILE's zeros and its −120 dB floor for the
    /// equivalent sound level).
    /// - Throws: ``EGeMAPSError`` for non-finite samples or a sample rate below 8 kHz.
    public func functionals(_ audio: AudioBuffer) throws -> [Float] {
        let contours = try analyse(audio)
        return EGeMAPSFunctionals(contours).values.map { Float($0) }
    }

    /// All unsmoothed contours of `audio`.
    func analyse(_ audio: AudioBuffer) throws -> EGeMAPSContours {
        guard audio.sampleRate >= Self.minimumSampleRate else {
            throw EGeMAPSError.sampleRateTooLow(rate: audio.sampleRate, minimum: Self.minimumSampleRate)
        }
        if let bad = audio.samples.firstIndex(where: { !$0.isFinite }) {
            throw EGeMAPSError.nonFiniteSample(index: bad)
        }
        let input = SmileInputScale.apply(audio)
        var contours = EGeMAPSContours()
        SpectralDescriptors.compute(input, into: &contours)
        VoiceDescriptors.compute(input, into: &contours)
        return contours
    }
}
