import SERTensor

/// The SERFeatures benchmark sections, in the order `ser-cli bench` runs them
/// (registered in `Sources/ser-cli/BenchSections.swift`).
package enum FeatureBenchmarks {
    /// Log-mel extraction (section `features`); Praat-compatible pitch and pulses (section `pulses`);
    /// eGeMAPS v02 functionals (section `egemaps`).
    package static var sections: [any BenchSection] { [LogMelBenchmark(), PitchPulseBenchmark(), EGeMAPSBenchmark()] }
}
