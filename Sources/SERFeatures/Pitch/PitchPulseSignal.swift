/// The pitch-pulse signal of the paper's Eq. 2: `PitchPulse[n] = sum_k x[N_k] delta[n - N_k]`, the
/// waveform's value at each pulse sample `N_k` and zero elsewhere.
///
/// Time to sample (reference section 4): sample `n` (0-based) sits at `(n + 0.5) / fs`, so a pulse at
/// `t` seconds falls on the nearest sample `N = floor(t * fs - 0.5 + 0.5)` computed in Praat's form
/// `floor((t - 0.5 / fs) * fs + 0.5)` (ties go to the later sample). `round(t * fs)` would be biased by
/// half a sample.
public enum PitchPulseSignal {
    /// 0-based index of the sample nearest to time `t` (s) at `sampleRate` Hz (may be out of range).
    @inline(__always)
    public static func sampleIndex(time t: Double, sampleRate: Double) -> Int {
        let axis = PraatTimeAxis.sound(sampleCount: 0, sampleRate: sampleRate)
        return axis.nearestIndex(t) - 1
    }

    /// The pitch-pulse signal: same length as `samples`, `samples[N_k]` at each pulse sample, 0 elsewhere.
    /// Pulses falling outside the signal are ignored; two pulses on one sample give that sample's value once.
    public static func make(samples: [Float], sampleRate: Double, pulseTimes: [Double]) -> [Float] {
        var out = [Float](repeating: 0, count: samples.count)
        guard sampleRate.isFinite, sampleRate > 0 else { return out }
        for t in pulseTimes where t.isFinite {
            let n = sampleIndex(time: t, sampleRate: sampleRate)
            if n >= 0 && n < samples.count { out[n] = samples[n] }
        }
        return out
    }

    /// Double-precision variant.
    public static func make(samples: [Double], sampleRate: Double, pulseTimes: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: samples.count)
        guard sampleRate.isFinite, sampleRate > 0 else { return out }
        for t in pulseTimes where t.isFinite {
            let n = sampleIndex(time: t, sampleRate: sampleRate)
            if n >= 0 && n < samples.count { out[n] = samples[n] }
        }
        return out
    }
}
