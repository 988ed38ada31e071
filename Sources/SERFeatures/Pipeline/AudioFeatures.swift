import SERAudio
import SERTensor

/// Feature extraction from an ``AudioBuffer``: the samples come with their rate, and audio at another rate
/// than the features' is resampled first (libsamplerate, best sinc), never read as if it were at that rate.
/// (`extract(_ samples: [Float])` and the batch calls take samples already at ``LogMelConfig/sampleRate``.)
extension LogMelConfig {
    /// ``sampleRate`` as a whole number of Hz.
    /// - Throws: ``SpectralError/invalidSetting(name:value:requirement:)`` when it is not one.
    public func integerSampleRate() throws -> Int {
        let rate = Int(sampleRate.rounded())
        guard Double(rate) == sampleRate, rate > 0 else {
            throw SpectralError.invalidSetting(name: "sampleRate", value: "\(sampleRate)", requirement: "a whole positive number of Hz to resample audio to")
        }
        return rate
    }

    /// `audio` at ``sampleRate``: unchanged when it already is, else resampled.
    /// - Throws: ``SpectralError`` for a non-integer rate, ``AudioError`` when resampling fails.
    public func resampled(_ audio: AudioBuffer) throws -> AudioBuffer {
        let rate = try integerSampleRate()
        return audio.sampleRate == rate ? audio : try audio.resampled(to: rate)
    }
}

extension LogMelExtractor {
    /// `[frames, bands]` log-mel of `audio`, resampled to the configuration's rate first when needed.
    /// - Throws: ``SpectralError`` (non-integer rate, no frame), ``AudioError`` (resampling).
    public func extract(_ audio: AudioBuffer, warpAlpha: Double = 0) throws -> Tensor {
        try extract(try config.resampled(audio).samples, warpAlpha: warpAlpha)
    }
}

extension FeatureStack {
    /// The stacked features `[channels, frames, bands]` of one recording (no padding, no augmentation), resampled
    /// to the log-mel rate first when needed; the pitch-pulse signal, when a channel needs it, is computed here.
    /// - Throws: ``SpectralError``, ``AudioError`` (resampling), ``PitchError`` (pitch pulses).
    public func features(of audio: AudioBuffer) throws -> Tensor {
        let buffer = try extractor.config.resampled(audio)
        let samples = buffer.samples
        let pulses = needsPitchPulses ? try PitchPulseExtraction.signal(samples: samples, sampleRate: Double(buffer.sampleRate)) : nil
        let (x, _) = try self(audio: Tensor(shape: [1, samples.count], data: samples),
                              pitchPulses: pulses.map { Tensor(shape: [1, $0.count], data: $0) })
        return x.squeezed(0)
    }
}
