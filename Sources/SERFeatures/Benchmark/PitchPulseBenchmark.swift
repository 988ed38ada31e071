import Foundation
import SERTensor

/// Speed of the Praat-compatible pitch and pulse extraction on a speech-like test signal: a 3 s, 16 kHz
/// utterance stand-in (harmonic voiced stretches with a moving f0 between 100 and 250 Hz, separated by
/// noise bursts and pauses).
///
/// Reported as seconds of compute per hour of audio (lower is better), like the `features` section: in each
/// ``BenchMeasurement`` `value` is overwritten with `median / audio seconds · 3600` and `workPerCall` is the
/// audio seconds per call. Praat itself is timed on real speech by `scripts/praat_parity.py`, which runs
/// Praat and `ser-cli features --kind pulses` on the same files in one session.
package struct PitchPulseBenchmark: BenchSection {
    package enum Case: String, CaseIterable, Sendable {
        /// `PraatPitch.compute` (To Pitch (ac), defaults).
        case pitch = "pitch_3s_16k"
        /// Pitch then `PraatPulses.compute` (To PointProcess (cc)), as `ser-cli features --kind pulses`.
        case pulses = "pitch+pulses_3s_16k"
    }

    package var cases: [Case]
    package var seed: UInt64

    package init(cases: [Case] = Case.allCases, seed: UInt64 = 1) {
        self.cases = cases
        self.seed = seed
    }

    package var name: String { "pulses" }
    package var summary: String {
        "Praat-compatible pitch and cc pulses, 3 s of speech-like audio at 16 kHz, s of compute per hour of audio, lower is better (compare Praat: scripts/praat_parity.py)"
    }

    package func run(timer: BenchmarkTimer, progress: (String) -> Void) -> BenchSectionResult {
        let sampleRate = 16000.0
        let x = Self.speechLikeSignal(seconds: 3, sampleRate: sampleRate, seed: seed)
        var results: [BenchMeasurement] = []
        for c in cases {
            progress(c.rawValue)
            let timing: BenchTiming
            switch c {
            case .pitch:
                timing = timer.measure { benchmarkKeep(try? PraatPitch.compute(samples: x, sampleRate: sampleRate)) }
            case .pulses:
                timing = timer.measure {
                    guard let track = try? PraatPitch.compute(samples: x, sampleRate: sampleRate) else { return }
                    benchmarkKeep(try? PraatPulses.compute(samples: x, sampleRate: sampleRate, pitch: track))
                }
            }
            let audioSeconds = Double(x.count) / sampleRate
            var m = BenchMeasurement(name: c.rawValue, subject: c == .pitch ? "PraatPitch" : "PraatPitch+PraatPulses",
                                     unit: "s/h audio", workPerCall: audioSeconds, timing: timing, scale: 1)
            m.value = timing.medianSeconds / audioSeconds * 3600
            results.append(m)
        }
        return BenchSectionResult(section: name, summary: summary, measurements: results)
    }

    /// The test signal: 16-bit-quantised samples in [-1, 1).
    static func speechLikeSignal(seconds: Double, sampleRate: Double, seed: UInt64) -> [Double] {
        var rng = RandomGenerator(seed: seed)
        let n = Int(seconds * sampleRate)
        var x = [Double](repeating: 0, count: n)
        var phase = 0.0
        var i = 0
        var segment = 0
        while i < n {
            let voicedLength = Int((0.25 + 0.25 * rng.nextUniform()) * sampleRate)
            let f0Start = 100 + 150 * rng.nextUniform(), f0End = 100 + 150 * rng.nextUniform()
            for j in 0..<voicedLength where i + j < n {
                let u = Double(j) / Double(voicedLength)
                phase += 2 * Double.pi * (f0Start + (f0End - f0Start) * u) / sampleRate
                var v = 0.0
                for k in 1...10 { v += sin(Double(k) * phase) / Double(k) }
                x[i + j] = 0.3 * sin(Double.pi * u) * v
            }
            i += voicedLength
            let gapLength = Int((segment % 2 == 0 ? 0.08 : 0.15) * sampleRate)
            for j in 0..<gapLength where i + j < n { x[i + j] = segment % 2 == 0 ? 0.03 * rng.nextNormal() : 0 }
            i += gapLength
            segment += 1
        }
        return x.map { (($0 * 32768).rounded() / 32768).clamped(to: -1...(32767.0 / 32768)) }
    }
}

private extension Double {
    func clamped(to r: ClosedRange<Double>) -> Double { Swift.min(Swift.max(self, r.lowerBound), r.upperBound) }
}
