/// The SERTensor benchmark sections, in the order `ser-cli bench` runs them.
///
/// Upper layers add their own sections next to these in the CLI's registry
/// (`Sources/ser-cli/BenchSections.swift`).
package enum TensorBenchmarks {
    /// Matmul, elementwise and reduction sections with their default sizes.
    package static var sections: [any BenchSection] {
        [MatmulBenchmark(), ElementwiseBenchmark(), ReductionBenchmark(), LayerBenchmark()]
    }
}
