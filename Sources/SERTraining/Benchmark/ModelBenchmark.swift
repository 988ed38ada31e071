import SERModels
import SERTensor

/// Training-step time of the paper's two classifiers at the shapes of the PyTorch reference
/// (`shared/bench/torch_models.py`, models a and b), batch 64 × 3 s:
///
/// - `a_wav2vec_classifier`: ``Wav2VecClassifier`` (Fig. 1, `N_s = 2`) on `[64, 300, 512]` wav2vec
///   features: forward, the Eq. 3 loss, backward, Adam step;
/// - `b_strfnet`: ``STRFNet`` with the spectrogram + modulation configuration (Conv2d 64 ‖ 64 Gabor
///   STRFs 21×7, two residual stages of 32, BiGRU 256, attention pooling) on `[64, 1, 300, 30]` log-mel;
/// - `c_strfnet_small`: the demo preset's small STRFNet (``TrainingConfiguration/demo(classes:)``) on
///   `[32, 1, 300, 30]`, the model behind the EmoDB cross-validation and `make demo` wall times.
///
/// Reported as steps per second; the median seconds per step is compared with PyTorch's
/// `train_step.median_ms` by `scripts/bench_models_vs_torch.py` (alternating rounds, both OpenBLAS kernels).
package struct ModelBenchmark: BenchSection {
    package enum Case: String, CaseIterable, Sendable {
        case wav2vecClassifier = "a_wav2vec_classifier"
        case strfnet = "b_strfnet"
        /// The small STRFNet of the demo preset and `configs/emodb-small-*.json` (the model of the EmoDB
        /// cross-validation and `make demo` timings), batch 32 × 3 s; SwiftSER only (no PyTorch twin).
        case strfnetSmall = "c_strfnet_small"
    }

    package var cases: [Case]
    package var batch: Int
    package var seed: UInt64
    /// Also run `profileSteps` steps of each case with the ``AutogradProfiler`` on (after the timed
    /// steps, so the timing is not affected) and report per-op forward and backward costs.
    package var profileSteps: Int

    package init(cases: [Case] = Case.allCases, batch: Int = 64, seed: UInt64 = 1, profileSteps: Int = 0) {
        self.cases = cases
        self.batch = batch
        self.seed = seed
        self.profileSteps = profileSteps
    }

    package var name: String { "models" }
    package var summary: String { "training step (forward, backward, Adam) of the paper's classifiers, batch 64 x 3 s, steps/s" }

    package func run(timer: BenchmarkTimer, progress: (String) -> Void) -> BenchSectionResult {
        var rng = RandomGenerator(seed: seed)
        var results: [BenchMeasurement] = []
        var profile: [BenchProfileEntry] = []
        for c in cases {
            progress(c.rawValue)
            guard let step = try? makeStep(c, rng: &rng) else { continue }
            results.append(BenchMeasurement(name: c.rawValue, subject: "train step", unit: "steps/s", workPerCall: 1,
                                            timing: timer.measure(step), scale: 1))
            if profileSteps > 0 {
                progress("\(c.rawValue): profiling \(profileSteps) steps")
                profile += Self.profile(step, steps: profileSteps, caseName: c.rawValue)
            }
        }
        return BenchSectionResult(section: name, summary: summary, measurements: results,
                                  profile: profileSteps > 0 ? profile : nil)
    }

    /// Per-op costs of `steps` calls of `step` (the profiler is switched on only for these calls).
    static func profile(_ step: () -> Void, steps: Int, caseName: String) -> [BenchProfileEntry] {
        let wasEnabled = AutogradProfiler.isEnabled
        AutogradProfiler.isEnabled = true
        AutogradProfiler.reset()
        for _ in 0..<steps {
            AutogradProfiler.markForwardStart()
            step()
        }
        let entries = BenchProfileEntry.entries(caseName: caseName, calls: steps)
        AutogradProfiler.reset()
        AutogradProfiler.isEnabled = wasEnabled
        return entries
    }

    private func makeStep(_ c: Case, rng: inout RandomGenerator) throws -> () -> Void {
        let targets = (0..<batch).map { $0 % 4 }
        let weights = Tensor(shape: [4], data: [1.0, 1.6, 0.8, 1.3])   // the reference's stand-in class weights
        switch c {
        case .wav2vecClassifier:
            let model = try Wav2VecClassifier(Wav2VecClassifierConfiguration(segmentClassifiers: 2), rng: &rng)
            let x = Tensor.randn([batch, 300, 512], using: &rng)
            let adam = try Adam(parameters: model.namedParameters(), learningRate: 1e-4)
            return {
                adam.zeroGrad()
                guard let out = try? model(x) else { return }
                Wav2VecClassifier.loss(out, targets: targets, classWeights: weights).backward()
                adam.step()
            }
        case .strfnet, .strfnetSmall:
            let small = c == .strfnetSmall
            let model = try STRFNet(small ? TrainingConfiguration.demo().model : Table1Feature.spectrogramModulation.configuration(),
                                    rng: &rng)
            let rows = small ? batch / 2 : batch
            let x = Tensor.randn([rows, 1, 300, 30], using: &rng)
            let targets = (0..<rows).map { $0 % 4 }
            let adam = try Adam(parameters: model.namedParameters(), learningRate: 1e-4)
            return {
                adam.zeroGrad()
                guard let logits = try? model(x) else { return }
                Tensor.crossEntropy(logits: logits, targets: targets, classWeights: weights).backward()
                adam.step()
            }
        }
    }
}
