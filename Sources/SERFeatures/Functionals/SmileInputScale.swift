import SERAudio

/// The sample scale openSMILE analyses: it reads 16-bit PCM as `Float(k) / 32767` (`smilePcm_convertSamples`,
/// used by its WAV reader and by the external audio source opensmile-python writes `int16` samples into),
/// whereas SwiftSER's ``AudioBuffer`` holds `k / 32768`. The functionals follow openSMILE's levels
/// (loudness, flux and energy scale with the gain; the ill-conditioned LPC formant roots follow its
/// single-precision rounding), so the extractor analyses `Float(s · 32768) / 32767`, which for samples of a
/// 16-bit file is exactly openSMILE's float value.
enum SmileInputScale {
    /// `audio` with every sample `s` replaced by `Float(s · 32768) / 32767` (same rate and length).
    static func apply(_ audio: AudioBuffer) -> AudioBuffer {
        var scaled = audio
        scaled.samples = audio.samples.map { ($0 * 32768) / 32767 }
        return scaled
    }
}
