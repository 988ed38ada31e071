import SERFeatures
import SERModels
import SERTensor
import SERTraining

extension BenchCommand {
    /// Every benchmark section `ser-cli bench` knows, in the order it runs them. Layers add their own
    /// sections here (e.g. feature extraction, model steps) as they arrive; `--only NAME` selects.
    static var registry: BenchRegistry {
        BenchRegistry(TensorBenchmarks.sections + FeatureBenchmarks.sections + [ModelBenchmark(), Wav2VecBenchmark(), Wav2VecPretrainingBenchmark()])
    }
}
