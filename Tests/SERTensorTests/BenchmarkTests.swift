import Foundation
import XCTest
@testable import SERTensor

/// The benchmark machinery: timing statistics, section selection, result encoding, and that each
/// section's SwiftSER path and baseline compute the same values. No assertions on speed.
final class BenchmarkTests: XCTestCase {
    private let quick = BenchmarkTimer(warmups: 1, iterations: 3)

    func testTimingSummaryMedianOfOddAndEvenCounts() {
        let odd = BenchTiming(samples: [5, 1, 3], warmups: 0)
        XCTAssertEqual(odd.medianSeconds, 3)
        XCTAssertEqual(odd.minSeconds, 1)
        XCTAssertEqual(odd.maxSeconds, 5)
        XCTAssertEqual(odd.iterations, 3)
        let even = BenchTiming(samples: [4, 1, 2, 10], warmups: 2)
        XCTAssertEqual(even.medianSeconds, 3)
        XCTAssertEqual(even.warmups, 2)
    }

    func testTimerCallsWarmupsPlusIterations() {
        var calls = 0
        let timing = BenchmarkTimer(warmups: 2, iterations: 5).measure { calls += 1 }
        XCTAssertEqual(calls, 7)
        XCTAssertEqual(timing.iterations, 5)
        XCTAssertLessThanOrEqual(timing.minSeconds, timing.medianSeconds)
        XCTAssertLessThanOrEqual(timing.medianSeconds, timing.maxSeconds)

        var order = [Character]()
        let pair = BenchmarkTimer(warmups: 1, iterations: 2).measure({ order.append("s") }, against: { order.append("b") })
        XCTAssertEqual(String(order), "sbsbsb")
        XCTAssertEqual(pair.subject.iterations, 2)
        XCTAssertEqual(pair.baseline.iterations, 2)
    }

    func testMonotonicClockAdvances() {
        let t0 = BenchmarkTimer.now()
        var x = 0.0
        for i in 0..<100_000 { x += Double(i).squareRoot() }
        benchmarkKeep(x)
        XCTAssertGreaterThan(BenchmarkTimer.now(), t0)
    }

    func testMeasurementThroughputAndRatio() {
        let m = BenchMeasurement(name: "x", subject: "s", unit: "GFLOP/s", workPerCall: 2e9,
                                 timing: BenchTiming(samples: [0.5], warmups: 0), baselineName: "b",
                                 baselineTiming: BenchTiming(samples: [0.25], warmups: 0))
        XCTAssertEqual(m.value, 4, accuracy: 1e-12)
        XCTAssertEqual(m.baselineValue ?? 0, 8, accuracy: 1e-12)
        XCTAssertEqual(m.ratio ?? 0, 0.5, accuracy: 1e-12)
    }

    func testRegistrySelectsByNameInRegistryOrderAndRejectsUnknown() throws {
        let registry = BenchRegistry(TensorBenchmarks.sections)
        XCTAssertEqual(registry.names, ["matmul", "elementwise", "reduction", "layers"])
        XCTAssertEqual(try registry.select([]).map(\.name), registry.names)
        XCTAssertEqual(try registry.select(["reduction", "matmul"]).map(\.name), ["matmul", "reduction"])
        XCTAssertThrowsError(try registry.select(["gemm"])) { error in
            XCTAssertEqual(error as? BenchError, .unknownSection("gemm", available: registry.names))
            XCTAssertTrue("\(error)".contains("matmul, elementwise, reduction"), "\(error)")
        }
    }

    func testMatmulSectionAgreesWithRawSgemm() {
        let cases = [MatmulBenchmark.Case(m: 33, n: 17, k: 9),
                     MatmulBenchmark.Case(m: 20, n: 12, k: 31, transposeB: true),
                     MatmulBenchmark.Case(m: 8, n: 5, k: 7, batch: 3)]
        let result = MatmulBenchmark(cases: cases).run(timer: quick, progress: { _ in })
        XCTAssertEqual(result.section, "matmul")
        XCTAssertEqual(result.measurements.map(\.name), ["33x17x9", "20x12x31 B^T", "3 x 8x5x7"])
        for (m, c) in zip(result.measurements, cases) {
            XCTAssertEqual(m.workPerCall, 2 * Double(c.m * c.n * c.k * c.batch))
            XCTAssertEqual(m.baselineName, "cblas_sgemm")
            // Both paths call the same GEMM on the same operands: the outputs must be identical.
            XCTAssertEqual(m.maxAbsDifference, 0, "\(m.name)")
            XCTAssertNotNil(m.ratio)
        }
    }

    func testElementwiseSectionAgreesWithPlainLoops() {
        // Large enough that both paths split across threads.
        let result = ElementwiseBenchmark(count: 100_003).run(timer: quick, progress: { _ in })
        XCTAssertEqual(result.measurements.map(\.name), ["add 100003", "mul 100003", "exp 100003"])
        XCTAssertEqual(result.measurements.map(\.workPerCall), [1_200_036, 1_200_036, 800_024])
        for m in result.measurements { XCTAssertEqual(m.maxAbsDifference, 0, m.name) }
    }

    func testReductionSectionAgreesWithPlainLoops() {
        let rows = 37, cols = 1001
        let result = ReductionBenchmark(rows: rows, columns: cols).run(timer: quick, progress: { _ in })
        XCTAssertEqual(result.measurements.count, 2)
        // Sums of uniform(-1, 1) values in different orders: float32 rounding only.
        let all = result.measurements[0], row = result.measurements[1]
        print("reduction benchmark: |sum all - loop| = \(all.maxAbsDifference ?? -1), row sums \(row.maxAbsDifference ?? -1)")
        XCTAssertLessThan(all.maxAbsDifference ?? 1, 1e-3)
        XCTAssertEqual(row.maxAbsDifference, 0)
        XCTAssertEqual(all.workPerCall, Double(rows * cols * 4))
    }

    func testEnvironmentNamesTheOpenBLASCore() {
        let env = BenchEnvironment.current()
        print("OpenBLAS core \(env.openBLASCore); config \(env.openBLASConfig); \(env.variableSummary)")
        XCTAssertFalse(env.openBLASCore.isEmpty)
        XCTAssertNotEqual(env.openBLASCore, "unknown")
        XCTAssertTrue(env.openBLASConfig.contains("OpenBLAS"), env.openBLASConfig)
        XCTAssertGreaterThanOrEqual(env.openBLASThreads, 1)
        XCTAssertEqual(Set(env.variables.keys), Set(BenchEnvironment.openBLASVariables))
        XCTAssertEqual(env.variables["OPENBLAS_CORETYPE"] ?? nil, ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"])
    }

    func testReportRoundTripsThroughJSON() throws {
        let registry = BenchRegistry([ReductionBenchmark(rows: 4, columns: 9)])
        let run = try registry.run(label: "test", timer: quick)
        let report = BenchReport(runs: [run, run], notes: ["a note"])
        let data = try JSONEncoder().encode(report)
        let decoded = try JSONDecoder().decode(BenchReport.self, from: data)
        XCTAssertEqual(decoded, report)
        // Unset variables are encoded as explicit nulls, so the JSON names every variable it checked.
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("OPENBLAS_NUM_THREADS"), text)
    }
}
