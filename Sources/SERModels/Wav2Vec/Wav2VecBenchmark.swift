import SERTensor

/// wav2vec 1.0 large inference (encoder + context network, random weights) on a batch of 16 kHz audio, as the
/// PyTorch reference `../shared/bench/torch_models.py --models c` times it (64 × 3 s, float32, no gradients).
///
/// Throughput is forward GFLOP/s (2 × multiply-adds of the convolutions, from the actual shapes: 28.9 GFLOP per
/// 3 s utterance). There is no in-process baseline; as a check, the inference kernels and the differentiable
/// ops are run on one 0.5 s utterance and their largest absolute difference is reported.
package struct Wav2VecBenchmark: BenchSection {
    package var batch: Int
    package var seconds: Double
    package var seed: UInt64

    package init(batch: Int = 64, seconds: Double = 3, seed: UInt64 = 5) {
        self.batch = batch
        self.seconds = seconds
        self.seed = seed
    }

    package var name: String { "wav2vec" }
    package var summary: String {
        "wav2vec 1.0 large inference (random weights) on \(batch) x \(Self.format(seconds)) s of 16 kHz audio, forward GFLOP/s"
    }

    /// Multiply-adds of one forward pass over `samples` samples.
    package static func multiplyAdds(_ config: Wav2VecConfig, samples: Int) -> Int {
        var t = samples, cin = 1, total = 0
        for l in config.featureExtractorLayers {
            t = (t - l.kernelSize) / l.stride + 1
            total += l.channels * cin * l.kernelSize * t
            cin = l.channels
        }
        for l in config.aggregatorLayers {
            let tout = (t - 1) / l.stride + 1
            total += l.channels * cin * l.kernelSize * tout
            if config.aggregatorSkipConnections && cin != l.channels { total += l.channels * cin * tout }
            t = tout
            cin = l.channels
        }
        return total
    }

    package func run(timer: BenchmarkTimer, progress: (String) -> Void) -> BenchSectionResult {
        let config = Wav2VecConfig.large
        var rng = RandomGenerator(seed: seed)
        // Building the large model cannot fail (its configuration is valid); fall back to an empty result if it did.
        guard let model = try? Wav2VecModel(config, rng: &rng) else {
            return BenchSectionResult(section: name, summary: summary, measurements: [])
        }
        model.eval()
        let samples = Int(seconds * Double(Wav2VecModel.sampleRate))
        var results: [BenchMeasurement] = []

        // Check: kernels against the differentiable ops on one short utterance.
        progress("check")
        let short = Tensor.randn([1, 8000], std: 0.1, using: &rng)
        let fast = withNoGrad { try? model.features(short).c }
        let slow = try? model.features(short).c  // parameters require gradients here: the differentiable ops run
        var difference: Double? = nil
        if let fast, let slow {
            difference = zip(fast.scalars, slow.scalars).reduce(0) { Swift.max($0, Double(Swift.abs($1.0 - $1.1))) }
        }

        for b in [batch, 1] where b >= 1 {
            progress("\(b) x \(Self.format(seconds)) s")
            let x = Tensor.randn([b, samples], std: 0.1, using: &rng)
            let timing = timer.measure { benchmarkKeep(withNoGrad { try? model.features(x) }) }
            let flop = 2 * Double(Self.multiplyAdds(config, samples: samples) * b)
            results.append(BenchMeasurement(name: "large \(b)x\(Self.format(seconds))s", subject: "Wav2VecModel.features",
                                            unit: "GFLOP/s", workPerCall: flop, timing: timing,
                                            maxAbsDifference: b == batch ? difference : nil))
        }
        return BenchSectionResult(section: name, summary: summary, measurements: results)
    }

    private static func format(_ s: Double) -> String {
        s == s.rounded() ? String(Int(s)) : String(s)
    }
}
