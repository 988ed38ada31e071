import Foundation
import SERAudio
import SERTensor

/// Speed of the eGeMAPS v02 extraction (``EGeMAPSExtractor``: all 25 low-level descriptors and the 88
/// functionals) on the speech-like 3 s, 16 kHz test signal of ``PitchPulseBenchmark``.
///
/// Reported as seconds of compute per hour of audio (lower is better). openSMILE itself is timed on EmoDB by
/// `scripts/egemaps_parity.py`, which runs opensmile-python and `ser-cli features --kind egemaps` on the same
/// files in one session.
package struct EGeMAPSBenchmark: BenchSection {
    package var seed: UInt64

    package init(seed: UInt64 = 1) { self.seed = seed }

    package var name: String { "egemaps" }
    package var summary: String {
        "eGeMAPS v02 functionals (all 25 LLDs + 88 functionals), 3 s of speech-like audio at 16 kHz, s of compute per hour of audio, lower is better (compare openSMILE: scripts/egemaps_parity.py)"
    }

    package func run(timer: BenchmarkTimer, progress: (String) -> Void) -> BenchSectionResult {
        let sampleRate = 16000
        let x = PitchPulseBenchmark.speechLikeSignal(seconds: 3, sampleRate: Double(sampleRate), seed: seed)
        let caseName = "functionals_3s_16k"
        progress(caseName)
        let extractor = EGeMAPSExtractor()
        let audio = try? AudioBuffer(samples: x.map(Float.init), sampleRate: sampleRate)
        let timing = timer.measure { benchmarkKeep(audio.flatMap { try? extractor.functionals($0) }) }
        let audioSeconds = Double(x.count) / Double(sampleRate)
        var m = BenchMeasurement(name: caseName, subject: "EGeMAPSExtractor.functionals", unit: "s/h audio",
                                 workPerCall: audioSeconds, timing: timing, scale: 1)
        m.value = timing.medianSeconds / audioSeconds * 3600
        return BenchSectionResult(section: name, summary: summary, measurements: [m])
    }
}
