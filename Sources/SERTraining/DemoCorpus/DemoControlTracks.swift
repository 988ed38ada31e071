/// The synthesiser's control parameters for one utterance, one value per 5 ms frame
/// (like a Klatt synthesiser's parameter tracks).
///
/// The planner writes step targets segment by segment; ``smoothed()`` then gives formants their
/// coarticulatory transitions (a 55 ms triangular window), amplitudes short ramps (15 ms) and F0 a
/// gentle smoothing (45 ms). The renderer interpolates linearly between frames.
struct DemoControlTracks {
    /// Frame length in seconds.
    static let frameSeconds = 0.005

    /// F1...F4 in Hz, `formants[i][frame]`.
    var formants: [[Double]] = [[], [], [], []]
    /// B1...B4 in Hz.
    var bandwidths: [[Double]] = [[], [], [], []]
    /// Voicing amplitude (linear, 1 = a stressed vowel).
    var voicing: [Double] = []
    /// Aspiration amplitude through the vocal tract (/h/ and the aspiration of voiceless stops), linear.
    var aspiration: [Double] = []
    /// Burst and frication amplitude through the noise band-pass, linear.
    var frication: [Double] = []
    /// Centre and bandwidth of the noise band-pass in Hz.
    var noiseCentre: [Double] = []
    var noiseBandwidth: [Double] = []
    /// F0 in Hz (defined everywhere; it matters only where `voicing` > 0).
    var f0: [Double] = []
    /// True inside speech (words, including stop closures); false in pauses and leading/trailing silence.
    var speech: [Bool] = []

    var count: Int { voicing.count }

    /// Appends `frames` frames holding the same targets.
    mutating func append(frames: Int, formants f: DemoFormants, bandwidths b: DemoFormants, voicing av: Double,
                         aspiration ah: Double = 0, frication af: Double = 0, noiseCentre fc: Double = 3000,
                         noiseBandwidth fb: Double = 2000, speech isSpeech: Bool = true) {
        guard frames > 0 else { return }
        let values = [f.f1, f.f2, f.f3, f.f4], widths = [b.f1, b.f2, b.f3, b.f4]
        for i in 0..<4 {
            formants[i].append(contentsOf: repeatElement(values[i], count: frames))
            bandwidths[i].append(contentsOf: repeatElement(widths[i], count: frames))
        }
        voicing.append(contentsOf: repeatElement(av, count: frames))
        aspiration.append(contentsOf: repeatElement(ah, count: frames))
        frication.append(contentsOf: repeatElement(af, count: frames))
        noiseCentre.append(contentsOf: repeatElement(fc, count: frames))
        noiseBandwidth.append(contentsOf: repeatElement(fb, count: frames))
        speech.append(contentsOf: repeatElement(isSpeech, count: frames))
    }

    /// Keeps the first `n` frames.
    mutating func truncate(to n: Int) {
        guard n < count else { return }
        for i in 0..<4 {
            formants[i].removeLast(formants[i].count - n)
            bandwidths[i].removeLast(bandwidths[i].count - n)
        }
        for keyPath in [\DemoControlTracks.voicing, \.aspiration, \.frication, \.noiseCentre, \.noiseBandwidth] {
            self[keyPath: keyPath].removeLast(self[keyPath: keyPath].count - n)
        }
        if f0.count > n { f0.removeLast(f0.count - n) }
        speech.removeLast(speech.count - n)
    }

    /// The tracks with transitions: formants and bandwidths over ±5 frames, amplitudes ±1, F0 ±4
    /// (triangular windows, edges clamped). Noise filter settings stay stepwise.
    func smoothed() -> DemoControlTracks {
        var out = self
        for i in 0..<4 {
            out.formants[i] = DemoControlTracks.triangular(formants[i], halfWidth: 5)
            out.bandwidths[i] = DemoControlTracks.triangular(bandwidths[i], halfWidth: 5)
        }
        out.voicing = DemoControlTracks.triangular(voicing, halfWidth: 1)
        out.aspiration = DemoControlTracks.triangular(aspiration, halfWidth: 1)
        out.frication = DemoControlTracks.triangular(frication, halfWidth: 1)
        out.f0 = DemoControlTracks.triangular(f0, halfWidth: 4)
        return out
    }

    /// `x` convolved with a triangular window of weights `h + 1 − |i|`, `|i| ≤ h`, normalised; samples
    /// beyond the ends repeat the end values.
    static func triangular(_ x: [Double], halfWidth h: Int) -> [Double] {
        guard h > 0, x.count > 1 else { return x }
        let n = x.count
        var out = [Double](repeating: 0, count: n)
        let norm = Double((h + 1) * (h + 1))
        for t in 0..<n {
            var acc = 0.0
            for i in -h...h {
                acc += Double(h + 1 - abs(i)) * x[min(max(t + i, 0), n - 1)]
            }
            out[t] = acc / norm
        }
        return out
    }
}
