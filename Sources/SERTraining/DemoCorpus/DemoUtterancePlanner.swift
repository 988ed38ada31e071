import Foundation
import SERTensor

/// Plans one utterance as control tracks: words of (C)V(C) syllables from ``DemoPhones``, phrase
/// breaks, durations, amplitudes and the F0 contour.
///
/// Structure: leading silence (80–200 ms); words of 1–3 syllables, one of them stressed, carrying a
/// pitch accent with the emotion's probability; between words a pause (a phrase break) with the
/// emotion's probability; trailing silence (120–250 ms). Words are added until the utterance's target
/// duration (1.7–3.5 s) is reached; the result is clamped to 1.5–4 s.
///
/// F0 contour, in semitones above the speaker's base F0 shifted by the emotion's `pitchShift`
/// (`R` is the utterance's pitch range): each phrase starts at `+0.3 R` and declines by the
/// declination; a non-final phrase ends in a continuation rise (`+0.3 R` over its last 15%); the
/// utterance ends in a fall (`−0.5 R` over the last 35%) or a rise (`+0.7 R` over the last 20%).
/// Stressed syllables add a raised-cosine bump: `R · U[0.6, 1]` with downstep (×0.88 per accent,
/// at least ×0.6) when accented, `0.2 R` otherwise, centred on the vowel shifted by the emotion's
/// accent timing. A slow random wander (AR(1), about 0.25 semitones) makes it less mechanical.
struct DemoUtterancePlanner {
    let speaker: DemoSpeaker
    let params: DemoUtteranceParameters
    var rng: RandomGenerator

    private(set) var tracks = DemoControlTracks()
    /// Pitch accents: centre (frame), half-width (frames), height (semitones).
    private var accents: [(centre: Double, halfWidth: Double, height: Double)] = []
    private var accentCount = 0
    /// Phrases as frame ranges.
    private var phrases: [Range<Int>] = []

    /// Bounds of an utterance's length in seconds.
    static let durationRange: ClosedRange<Double> = 1.5...4.0

    init(speaker: DemoSpeaker, params: DemoUtteranceParameters, rng: RandomGenerator) {
        self.speaker = speaker
        self.params = params
        self.rng = rng
    }

    private func frames(_ seconds: Double) -> Int {
        max(1, Int((seconds / DemoControlTracks.frameSeconds).rounded()))
    }

    private mutating func draw(_ range: ClosedRange<Double>) -> Double {
        rng.uniform(range.lowerBound, range.upperBound)
    }

    /// Consonants compress and stretch less than vowels when the tempo changes.
    private var consonantTempo: Double { 0.4 + 0.6 * params.tempo }

    private var silenceFormants: DemoFormants { DemoPhones.schwa.scaled(speaker.formantScale) }

    /// Vowel bandwidths; a lax (high open quotient) glottis damps F1 more.
    private var vowelBandwidths: DemoFormants {
        var b = DemoPhones.vowelBandwidths
        b.f1 += 80 * (params.openQuotient - 0.5)
        return b
    }

    /// Plans the utterance and returns its smoothed control tracks (with F0).
    mutating func plan() -> DemoControlTracks {
        let fs = DemoControlTracks.frameSeconds
        let lead = rng.uniform(0.08, 0.2), trail = rng.uniform(0.12, 0.25)
        let finalRise = rng.nextUniform() < params.finalRiseProbability
        let budget = params.targetDuration - lead - trail
        let hardBudget = DemoUtterancePlanner.durationRange.upperBound - lead - trail - 0.1
        let expectedWord = 0.3 * params.tempo

        silence(lead)
        let speechStart = tracks.count
        var phraseStart = tracks.count
        while true {
            let elapsed = Double(tracks.count - speechStart) * fs
            let isLast = elapsed + expectedWord >= budget || elapsed + 3 * expectedWord >= hardBudget
            let pauseAfter = !isLast && rng.nextUniform() < params.pauseProbability
            word(lengthening: isLast ? 1.5 : (pauseAfter ? 1.3 : 1), final: isLast)
            if isLast { break }
            if pauseAfter {
                phrases.append(phraseStart..<tracks.count)
                silence(params.pauseDuration * rng.uniform(0.7, 1.3))
                phraseStart = tracks.count
            }
        }
        phrases.append(phraseStart..<tracks.count)
        silence(trail)

        let minFrames = Int((DemoUtterancePlanner.durationRange.lowerBound / fs).rounded(.up))
        let maxFrames = Int((DemoUtterancePlanner.durationRange.upperBound / fs).rounded(.down))
        if tracks.count < minFrames { silence(Double(minFrames - tracks.count) * fs) }
        if tracks.count > maxFrames {
            tracks.truncate(to: maxFrames)
            // Fade out over the last 40 ms so the cut is not a click.
            for k in 0..<8 {
                let t = maxFrames - 1 - k, g = Double(k) / 8
                tracks.voicing[t] *= g; tracks.aspiration[t] *= g; tracks.frication[t] *= g
            }
        }
        tracks.f0 = pitchContour(finalRise: finalRise)
        return tracks.smoothed()
    }

    // MARK: Segments

    private mutating func silence(_ seconds: Double) {
        tracks.append(frames: frames(seconds), formants: silenceFormants, bandwidths: DemoPhones.vowelBandwidths,
                      voicing: 0, speech: false)
    }

    /// A word of 1–3 syllables; `lengthening` stretches its last vowel (phrase-final lengthening).
    private mutating func word(lengthening: Double, final: Bool) {
        let u = rng.nextUniform()
        let syllables = u < 0.35 ? 1 : (u < 0.75 ? 2 : 3)
        let stress = syllables == 1 || rng.nextUniform() < 0.6 ? 0 : rng.nextInt(below: syllables)
        let accented = rng.nextUniform() < params.accentProbability
        for i in 0..<syllables {
            let last = i == syllables - 1
            let onset = rng.nextUniform() < (i == 0 ? 0.85 : 0.7) ? rng.nextInt(below: DemoPhones.consonants.count) : nil
            let vowel = DemoPhones.vowels[rng.nextInt(below: DemoPhones.vowels.count)]
            let coda = rng.nextUniform() < (last ? 0.4 : 0.2)
                ? DemoPhones.codaIndices[rng.nextInt(below: DemoPhones.codaIndices.count)] : nil
            syllable(onset: onset, vowel: vowel, coda: coda, stressed: i == stress, accented: accented && i == stress,
                     lengthening: last ? lengthening : 1, final: final && last)
        }
    }

    private mutating func syllable(onset: Int?, vowel: DemoPhones.Vowel, coda: Int?, stressed: Bool, accented: Bool,
                                   lengthening: Double, final: Bool) {
        let reduction = min(params.vowelReduction + (stressed ? 0 : 0.25), 0.9)
        var target = vowel.formants.mixed(with: DemoPhones.schwa, reduction)
        target.f1 *= params.vowelOpenness
        target = target.scaled(speaker.formantScale)

        if let onset { consonant(DemoPhones.consonants[onset], vowel: target, onset: true) }
        let range = stressed ? DemoPhones.stressedVowel : DemoPhones.unstressedVowel
        let vowelFrames = frames(draw(range) * params.tempo * lengthening)
        var amplitude = stressed ? 1 : 0.7
        if accented { amplitude *= pow(10, params.accentEmphasis / 20) }
        if final { amplitude *= 0.75 }
        let start = tracks.count
        tracks.append(frames: vowelFrames, formants: target, bandwidths: vowelBandwidths, voicing: amplitude)
        if stressed {
            let width = max(0.9 * Double(vowelFrames), 8)
            if accented {
                let centre = Double(start) + Double(vowelFrames) * (0.5 + params.accentTiming)
                let downstep = max(0.6, pow(0.88, Double(accentCount)))
                accentCount += 1
                accents.append((centre, width, params.pitchRange * rng.uniform(0.6, 1) * downstep))
            } else {
                accents.append((Double(start) + 0.5 * Double(vowelFrames), width, 0.2 * params.pitchRange))
            }
        }
        if let coda { consonant(DemoPhones.consonants[coda], vowel: target, onset: false) }
    }

    /// A consonant next to a vowel with formants `vowel` (scaled); `onset` when the vowel follows.
    private mutating func consonant(_ c: DemoPhones.Consonant, vowel: DemoFormants, onset: Bool) {
        let scale = speaker.formantScale
        let loci = c.loci.scaled(scale)
        let centre = min(c.noiseCentre * scale, 7000), width = c.noiseBandwidth * scale
        let length = frames(draw(c.duration) * consonantTempo)
        let vb = vowelBandwidths
        switch c.manner {
        case .stop:
            // Closure: silence, or a voice bar (voicing through a low F1) for voiced stops.
            var closure = loci
            closure.f1 = 200 * scale
            tracks.append(frames: length, formants: closure, bandwidths: DemoPhones.nasalBandwidths,
                          voicing: c.voiced ? 0.1 : 0)
            tracks.append(frames: frames(DemoPhones.burst), formants: loci, bandwidths: vb, voicing: c.voiced ? 0.1 : 0,
                          frication: c.noiseLevel, noiseCentre: centre, noiseBandwidth: width)
            if !c.voiced {
                let vot = draw(DemoPhones.aspiration) * consonantTempo * (onset ? 1 : 0.5)
                tracks.append(frames: frames(vot), formants: vowel, bandwidths: vb, voicing: 0, aspiration: 0.2)
            }
        case .fricative:
            tracks.append(frames: length, formants: loci, bandwidths: vb, voicing: c.voiced ? 0.3 : 0,
                          frication: c.noiseLevel, noiseCentre: centre, noiseBandwidth: width)
        case .aspirate:
            tracks.append(frames: length, formants: vowel, bandwidths: vb, voicing: 0, aspiration: c.noiseLevel)
        case .nasal:
            tracks.append(frames: length, formants: loci, bandwidths: DemoPhones.nasalBandwidths, voicing: 0.45)
        case .approximant:
            tracks.append(frames: length, formants: loci, bandwidths: vb, voicing: 0.6)
        }
    }

    // MARK: F0

    /// The F0 track in Hz, one value per frame.
    private mutating func pitchContour(finalRise: Bool) -> [Double] {
        let n = tracks.count
        let range = params.pitchRange
        var semitones = [Double](repeating: .nan, count: n)
        func ramp(_ x: Double, from a: Double) -> Double {
            x < a ? 0 : 0.5 * (1 - cos(Double.pi * min((x - a) / (1 - a), 1)))
        }
        for (index, phrase) in phrases.enumerated() {
            let lo = min(phrase.lowerBound, n), hi = min(phrase.upperBound, n)
            guard hi > lo else { continue }
            let isFinal = index == phrases.count - 1
            let length = Double(phrase.count)
            for t in lo..<hi {
                let x = Double(t - phrase.lowerBound) / length
                var v = 0.3 * range - params.declination * x
                if isFinal {
                    v += finalRise ? 0.7 * range * ramp(x, from: 0.8) : -0.5 * range * ramp(x, from: 0.65)
                } else {
                    v += 0.3 * range * ramp(x, from: 0.85)
                }
                semitones[t] = v
            }
        }
        for a in accents {
            let lo = max(0, Int((a.centre - a.halfWidth).rounded(.up)))
            let hi = min(n - 1, Int((a.centre + a.halfWidth).rounded(.down)))
            guard hi >= lo else { continue }
            for t in lo...hi where !semitones[t].isNaN {
                semitones[t] += a.height * 0.5 * (1 + cos(Double.pi * (Double(t) - a.centre) / a.halfWidth))
            }
        }
        // Hold the contour through pauses and silences.
        var last = semitones.first { !$0.isNaN } ?? 0
        var wander = 0.0
        var f0 = [Double](repeating: 0, count: n)
        for t in 0..<n {
            if semitones[t].isNaN { semitones[t] = last } else { last = semitones[t] }
            wander = 0.95 * wander + 0.08 * rng.nextNormal()
            let st = params.pitchShift + semitones[t] + wander
            f0[t] = min(max(speaker.baseF0 * pow(2, st / 12), 55), 480)
        }
        return f0
    }
}
