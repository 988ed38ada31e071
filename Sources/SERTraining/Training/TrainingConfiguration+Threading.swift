import Foundation
import SERTensor

extension TrainingConfiguration {
    /// The GEMM threading that trains this configuration faster on a few cores, as measured
    /// (Docs/Performance.md, 2 cores):
    /// - STRFNet: SwiftSER's panel split (`ser-cli demo` 212 s instead of 241 s; kernel time 3 % instead of 26 %);
    /// - the wav2vec classifier and the classical classifiers: ``GEMMThreading/defaultMode``. Under OpenBLAS's AVX2
    ///   kernel, its own threads ran the classifier's large LSTM and convolution products 5–40 % faster; under its
    ///   AVX-512 kernels the panel split is as fast without their spinning. The classical classifiers' training has
    ///   no large products.
    public var preferredGEMMThreading: GEMMThreading { modelKind == .strfnet ? .swiftser : GEMMThreading.defaultMode }

    /// Sets ``GEMMThreading/mode`` to ``preferredGEMMThreading`` unless `SWIFTSER_GEMM_THREADS` chooses one.
    /// Call before training starts, while no matrix product is running.
    public func applyPreferredGEMMThreading() {
        guard ProcessInfo.processInfo.environment["SWIFTSER_GEMM_THREADS"] == nil else { return }
        GEMMThreading.mode = preferredGEMMThreading
    }
}
