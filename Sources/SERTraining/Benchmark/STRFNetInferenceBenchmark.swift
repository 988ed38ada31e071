import SERModels
import SERTensor

/// STRFNet inference (evaluation mode, no gradients) on `[64, 1, 300, 30]` log-mel, batch 64 × 3 s, with each
/// convolution's batch norm and LeakyReLU folded into it (``Tensor/conv2dInference(_:weight:bias:stride:padding:dilation:paddingMode:epilogue:)``)
/// and, in the same run, with the layers one by one (``BatchNormFolding`` off):
///
/// - `small`: the demo preset's small STRFNet (the presets' networks; what `predict` and `evaluate` run);
/// - `paper spectrogram`: the paper's STRFNet on the spectrogram row of Table 1 (Conv2d 64, two residual stages of 32).
///
/// Reported as batches per second against the layer-by-layer baseline of the same run; the check column is the largest
/// absolute difference of the logits between the two.
package struct STRFNetInferenceBenchmark: BenchSection {
    package var batch: Int
    package var seed: UInt64

    package init(batch: Int = 64, seed: UInt64 = 3) {
        self.batch = batch
        self.seed = seed
    }

    package var name: String { "strfnet-inference" }
    package var summary: String {
        "STRFNet inference, batch \(batch) x 3 s, batch norm folded into the convolutions and layer by layer, batches/s"
    }

    package func run(timer: BenchmarkTimer, progress: (String) -> Void) -> BenchSectionResult {
        var rng = RandomGenerator(seed: seed)
        var results: [BenchMeasurement] = []
        let models: [(String, STRFNetConfiguration)] = [("small", TrainingConfiguration.demo().model),
                                                        ("paper spectrogram", Table1Feature.spectrogram.configuration())]
        for (label, configuration) in models {
            guard let model = try? STRFNet(configuration, rng: &rng) else { continue }
            model.eval()
            let x = Tensor.randn([batch, 1, 300, configuration.frequencyBins], using: &rng)
            let saved = BatchNormFolding.isEnabled
            defer { BatchNormFolding.isEnabled = saved }
            func timed(folded: Bool) -> (BenchTiming, [Float]?) {
                BatchNormFolding.isEnabled = folded
                progress("\(label), \(folded ? "folded" : "layer by layer")")
                let logits = withNoGrad { try? model(x) }?.scalars
                return (timer.measure { benchmarkKeep(withNoGrad { try? model(x) }) }, logits)
            }
            let (layers, reference) = timed(folded: false)
            let (folded, logits) = timed(folded: true)
            var difference: Double?
            if let reference, let logits, reference.count == logits.count {
                difference = zip(reference, logits).reduce(0) { Swift.max($0, Double(Swift.abs($1.0 - $1.1))) }
            }
            results.append(BenchMeasurement(name: label, subject: "STRFNet forward, batch norm folded", unit: "batches/s",
                                            workPerCall: 1, timing: folded, baselineName: "layer by layer",
                                            baselineTiming: layers, maxAbsDifference: difference, scale: 1))
        }
        return BenchSectionResult(section: name, summary: summary, measurements: results)
    }
}
