import SERModels
import SERTensor

/// Time of one wav2vec 1.0 pretraining update of ``Wav2VecPretrainingModel`` at the shapes of the ``Wav2VecPretrainingConfiguration``
/// presets, as ``Wav2VecPretrainer`` takes it: forward through the encoder and context network, the preset's objective
/// (InfoNCE for `tiny` and `small`) with negatives drawn from the same utterance, backward, gradient-norm clipping
/// (the preset's `gradientClipNorm`), Adam step, zero the gradients.
///
/// Input: a batch of `batchSize` × `cropSeconds` of synthetic 16 kHz audio (Gaussian noise, σ = 0.1), float32, training
/// mode. Reported as updates per second (the median seconds per update is `timing.medianSeconds`); the PyTorch
/// reference is `scripts/bench/torch_wav2vec_pretrain.py --preset tiny|small`.
package struct Wav2VecPretrainingBenchmark: BenchSection {
    /// Preset names (``Wav2VecPretrainingConfiguration/preset(_:)``).
    package var presets: [String]
    package var seed: UInt64

    package init(presets: [String] = ["tiny", "small"], seed: UInt64 = 7) {
        self.presets = presets
        self.seed = seed
    }

    package var name: String { "pretrain" }
    package var summary: String {
        "wav2vec 1.0 pretraining update (forward, InfoNCE, backward, clip, Adam) of the \(presets.joined(separator: "/")) presets, updates/s"
    }

    package func run(timer: BenchmarkTimer, progress: (String) -> Void) -> BenchSectionResult {
        var results: [BenchMeasurement] = []
        for preset in presets {
            guard let c = Wav2VecPretrainingConfiguration.preset(preset) else { continue }
            let label = "\(preset) \(c.batchSize)x\(Self.format(c.cropSeconds))s"
            progress(label)
            var rng = RandomGenerator(seed: seed)
            guard let update = try? makeUpdate(c, rng: &rng) else { continue }
            results.append(BenchMeasurement(name: label, subject: "pretraining update", unit: "updates/s", workPerCall: 1,
                                            timing: timer.measure(update), scale: 1))
        }
        return BenchSectionResult(section: name, summary: summary, measurements: results)
    }

    /// One update of a freshly initialised model of configuration `c` on a fixed random batch; negatives are redrawn
    /// every call, as in training.
    private func makeUpdate(_ c: Wav2VecPretrainingConfiguration, rng: inout RandomGenerator) throws -> () -> Void {
        let model = try Wav2VecPretrainingModel(c.model, objective: c.objective, rng: &rng)
        model.convert(to: .float32)
        model.setTraining(true)
        let adam = try Adam(parameters: model.namedParameters(), learningRate: c.learningRate, beta1: c.adamBeta1,
                            beta2: c.adamBeta2, eps: c.adamEpsilon, weightDecay: c.weightDecay)
        let wav = Tensor.randn([c.batchSize, c.cropSamples], std: 0.1, using: &rng)
        var negativesRNG = RandomGenerator(seed: seed &+ 1)
        let clip = c.gradientClipNorm
        return {
            guard let result = try? model.loss(wav, using: &negativesRNG) else { return }
            result.loss.backward()
            if clip > 0 { _ = adam.clipGradNorm(maxNorm: clip) }
            adam.step()
            adam.zeroGrad()
        }
    }

    private static func format(_ s: Double) -> String {
        s == s.rounded() ? String(Int(s)) : String(s)
    }
}
