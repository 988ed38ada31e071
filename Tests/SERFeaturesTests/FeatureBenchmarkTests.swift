import XCTest
@testable import SERFeatures

final class FeatureBenchmarkTests: XCTestCase {
    func testLogMelSectionReportsSecondsPerHour() {
        let section = LogMelBenchmark(scale: 0.002)  // 2 calls, 7 s, 2 items: a smoke run, no timing claims
        XCTAssertEqual(section.name, "features")
        XCTAssertEqual(FeatureBenchmarks.sections.map(\.name), ["features", "pulses", "egemaps"])
        var lines = [String]()
        let result = section.run(timer: BenchmarkTimer(warmups: 0, iterations: 1), progress: { lines.append($0) })
        XCTAssertEqual(lines, LogMelBenchmark.Case.allCases.map(\.rawValue))
        XCTAssertEqual(result.measurements.map(\.name), LogMelBenchmark.Case.allCases.map(\.rawValue))
        XCTAssertEqual(result.measurements.map(\.workPerCall), [6, 7, 6])
        for m in result.measurements {
            XCTAssertEqual(m.unit, "s/h audio")
            XCTAssertEqual(m.value, m.timing.medianSeconds / m.workPerCall * 3600, accuracy: 1e-12)
        }
        XCTAssertEqual(LogMelBenchmark.config.logFloor, 1e-10)
    }
}
