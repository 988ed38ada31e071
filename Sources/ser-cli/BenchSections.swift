import SERFeatures
import SERModels
import SERTensor
import SERTraining

extension BenchCommand {
    /// Every benchmark section `ser-cli bench` knows, in the order it runs them. Layers add their own
    /// sections here (e.g. feature extraction, model steps) as they arrive; `--only NAME` selects.
    /// `profileSteps > 0` makes the model sections also report per-op costs (`--profile`).
    static func registry(profileSteps: Int = 0) -> BenchRegistry {
        BenchRegistry(TensorBenchmarks.sections + FeatureBenchmarks.sections
                      + [ModelBenchmark(profileSteps: profileSteps), STRFNetInferenceBenchmark(), Wav2VecBenchmark(),
                         Wav2VecPretrainingBenchmark()])
    }
}
