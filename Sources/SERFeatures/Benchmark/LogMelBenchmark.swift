import SERTensor

/// Log-mel extraction speed, as seconds of compute per hour of audio (lower is better), at the settings and
/// workloads of `/work/shared/bench/features.py` so `scripts/bench_features.py` can set them side by side with
/// librosa and torchaudio timed in the same session:
///
/// - 16 kHz, 400-sample Hann window in a 512-point FFT, hop 160, 30 Slaney bands (Slaney norm), power 2,
///   centred with zero padding, natural log with floor 1e-10;
/// - `3s utt x 1000 calls`: one 3 s signal extracted 1000 times per timed call (per-call overhead);
/// - `60 min signal, 1 call`: one 60-minute signal;
/// - `1000x3s batched, 1 call`: a `[1000, 48000]` batch in one call.
///
/// Inputs are Gaussian noise (σ = 0.1) from a fixed seed. In each ``BenchMeasurement`` of this section,
/// `value` is overwritten with seconds per hour of audio (`median / audio seconds · 3600`) and `unit` says so;
/// `workPerCall` is the audio seconds per call.
package struct LogMelBenchmark: BenchSection {
    package enum Case: String, CaseIterable, Sendable {
        case utterances = "3s utt x 1000 calls"
        case hour = "60 min signal, 1 call"
        case batch = "1000x3s batched, 1 call"
    }

    package var cases: [Case]
    package var seed: UInt64
    /// Scales the workloads (calls, minutes, batch size) for quick runs and tests; 1 = features.py's sizes.
    package var scale: Double

    package init(cases: [Case] = Case.allCases, seed: UInt64 = 0, scale: Double = 1) {
        self.cases = cases
        self.seed = seed
        self.scale = scale
    }

    package var name: String { "features" }
    package var summary: String {
        "log-mel extraction, s of compute per hour of audio, lower is better (compare: scripts/bench_features.py)"
    }

    /// The benchmark's log-mel settings (features.py's).
    package static var config: LogMelConfig {
        var c = LogMelConfig()
        c.logFloor = 1e-10
        return c
    }

    package func run(timer: BenchmarkTimer, progress: (String) -> Void) -> BenchSectionResult {
        var rng = RandomGenerator(seed: seed)
        guard let extractor = try? LogMelExtractor(config: Self.config) else {
            preconditionFailure("LogMelBenchmark: the fixed default configuration was rejected")
        }
        let sr = 16000
        var results: [BenchMeasurement] = []
        for c in cases {
            progress(c.rawValue)
            let step: () -> Void
            let audioSeconds: Double
            switch c {
            case .utterances:
                let calls = max(1, Int(1000 * scale))
                let x = Tensor.randn([3 * sr], std: 0.1, using: &rng)
                audioSeconds = 3 * Double(calls)
                step = { for _ in 0..<calls { benchmarkKeep(try? extractor.extract(x)) } }
            case .hour:
                let samples = max(sr, Int(3600 * scale) * sr)
                let x = Tensor.randn([samples], std: 0.1, using: &rng)
                audioSeconds = Double(samples) / Double(sr)
                step = { benchmarkKeep(try? extractor.extract(x)) }
            case .batch:
                let items = max(1, Int(1000 * scale))
                let x = Tensor.randn([items, 3 * sr], std: 0.1, using: &rng)
                audioSeconds = 3 * Double(items)
                step = { benchmarkKeep(try? extractor.extract(batch: x)) }
            }
            let timing = timer.measure(step)
            var m = BenchMeasurement(name: c.rawValue, subject: "LogMelExtractor", unit: "s/h audio",
                                     workPerCall: audioSeconds, timing: timing, scale: 1)
            m.value = timing.medianSeconds / audioSeconds * 3600
            results.append(m)
        }
        return BenchSectionResult(section: name, summary: summary, measurements: results)
    }
}
