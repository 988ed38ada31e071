import SERTensor

/// The SERFeatures benchmark sections, in the order `ser-cli bench` runs them
/// (registered in `Sources/ser-cli/BenchSections.swift`).
public enum FeatureBenchmarks {
    /// Log-mel extraction (section `features`).
    public static var sections: [any BenchSection] { [LogMelBenchmark()] }
}
