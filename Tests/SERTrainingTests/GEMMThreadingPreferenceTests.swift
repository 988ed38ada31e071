import XCTest
import SERModels
import SERTensor
@testable import SERTraining

/// The measured threading rule (Docs/Performance.md): the panel split for STRFNet; for the wav2vec classifier and
/// the classical classifiers, the panel split under OpenBLAS's AVX-512 kernels and OpenBLAS's threads under the
/// others; applying it sets the process's mode.
final class GEMMThreadingPreferenceTests: XCTestCase {
    func testEachModelKindGetsItsMeasuredThreading() throws {
        XCTAssertEqual(TrainingConfiguration.demo().preferredGEMMThreading, .swiftser)
        XCTAssertEqual(TrainingConfiguration.paper(.spectrogramModulation).preferredGEMMThreading, .swiftser)
        let wav2vec = TrainingConfiguration(wav2vecClassifier: Wav2VecClassifierSettings(
            input: .logMel, classifier: Wav2VecClassifierConfiguration(segmentClassifiers: 2)))
        XCTAssertEqual(wav2vec.modelKind, .wav2vecClassifier)
        XCTAssertEqual(wav2vec.preferredGEMMThreading, LaneGEMM.openBLASHasAVX512Kernel ? .swiftser : .openblas)
        XCTAssertEqual(GEMMThreading.defaultMode, LaneGEMM.openBLASHasAVX512Kernel ? .swiftser : .openblas)
    }

    func testApplyingTheRuleSetsTheMode() throws {
        try XCTSkipIf(ProcessInfo.processInfo.environment["SWIFTSER_GEMM_THREADS"] != nil,
                      "SWIFTSER_GEMM_THREADS is set, which the rule must leave alone")
        let saved = GEMMThreading.mode
        defer { GEMMThreading.mode = saved }
        GEMMThreading.mode = .openblas
        TrainingConfiguration.demo().applyPreferredGEMMThreading()
        XCTAssertEqual(GEMMThreading.mode, .swiftser)
    }
}
