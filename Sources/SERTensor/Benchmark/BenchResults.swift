/// One measured case: a SwiftSER code path, optionally next to a baseline doing the same work.
///
/// Throughput is `work / timing.medianSeconds` in `unit` (e.g. FLOP → GFLOP/s, bytes → GB/s, both
/// with decimal prefixes: 1 GB = 10⁹ bytes).
package struct BenchMeasurement: Codable, Sendable, Equatable {
    /// Short case name, e.g. `"512x512x512"` or `"add 16M"`.
    package var name: String
    /// What the SwiftSER path is, e.g. `"Tensor.matmul"`.
    package var subject: String
    /// Throughput unit, e.g. `"GFLOP/s"` or `"GB/s"`.
    package var unit: String
    /// Work per call in the unit's base quantity (FLOP or bytes).
    package var workPerCall: Double
    /// Timing of the SwiftSER path.
    package var timing: BenchTiming
    /// Throughput of the SwiftSER path in `unit`.
    package var value: Double
    /// What the baseline is, e.g. `"cblas_sgemm"`; nil without a baseline.
    package var baselineName: String?
    /// Timing of the baseline.
    package var baselineTiming: BenchTiming?
    /// Throughput of the baseline in `unit`.
    package var baselineValue: Double?
    /// `value / baselineValue`: 1 means as fast as the baseline, 0.9 means 10% slower.
    package var ratio: Double?
    /// Largest absolute difference between the two paths' outputs (checks they did the same work).
    package var maxAbsDifference: Double?

    /// Builds a measurement; `scale` converts work per second to `unit` (1e-9 for G-prefixed units).
    package init(name: String, subject: String, unit: String, workPerCall: Double, timing: BenchTiming,
                baselineName: String? = nil, baselineTiming: BenchTiming? = nil,
                maxAbsDifference: Double? = nil, scale: Double = 1e-9) {
        self.name = name
        self.subject = subject
        self.unit = unit
        self.workPerCall = workPerCall
        self.timing = timing
        self.value = workPerCall / timing.medianSeconds * scale
        self.baselineName = baselineName
        self.baselineTiming = baselineTiming
        if let bt = baselineTiming {
            let bv = workPerCall / bt.medianSeconds * scale
            baselineValue = bv
            ratio = value / bv
        }
        self.maxAbsDifference = maxAbsDifference
    }
}

/// The results of one ``BenchSection``.
package struct BenchSectionResult: Codable, Sendable, Equatable {
    /// The section's registry name (what `--only` selects).
    package var section: String
    /// One-line description of what the section measures.
    package var summary: String
    package var measurements: [BenchMeasurement]
    /// Per-op costs of the section's cases (``AutogradProfiler``), when it was asked to profile.
    package var profile: [BenchProfileEntry]?

    package init(section: String, summary: String, measurements: [BenchMeasurement], profile: [BenchProfileEntry]? = nil) {
        self.section = section
        self.summary = summary
        self.measurements = measurements
        self.profile = profile
    }
}

/// One op's share of a benchmarked case: forward or backward, milliseconds and calls per call of the case.
package struct BenchProfileEntry: Codable, Sendable, Equatable {
    /// The measured case (a ``BenchMeasurement/name``).
    package var caseName: String
    /// `"forward"` or `"backward"`.
    package var phase: String
    /// Op name as recorded on the autograd tape (e.g. `"conv2d"`).
    package var op: String
    /// Milliseconds per call of the case.
    package var milliseconds: Double
    /// Op calls per call of the case.
    package var calls: Double

    package init(caseName: String, phase: String, op: String, milliseconds: Double, calls: Double) {
        self.caseName = caseName
        self.phase = phase
        self.op = op
        self.milliseconds = milliseconds
        self.calls = calls
    }

    /// The profiler's accumulated entries for `calls` calls of `caseName`, as per-call figures.
    package static func entries(caseName: String, calls: Int) -> [BenchProfileEntry] {
        AutogradProfiler.report().map {
            BenchProfileEntry(caseName: caseName, phase: $0.phase.rawValue, op: $0.name,
                              milliseconds: $0.seconds * 1e3 / Double(calls), calls: Double($0.calls) / Double(calls))
        }
    }
}

/// One complete benchmark run in one process: its environment and the results of each section.
package struct BenchRun: Codable, Sendable, Equatable {
    /// Why this run exists, e.g. `"environment as set"`.
    package var label: String
    package var environment: BenchEnvironment
    package var timer: BenchmarkTimer
    package var sections: [BenchSectionResult]

    package init(label: String, environment: BenchEnvironment, timer: BenchmarkTimer, sections: [BenchSectionResult]) {
        self.label = label
        self.environment = environment
        self.timer = timer
        self.sections = sections
    }
}

/// Everything `ser-cli bench` measured: one run per environment (as set, and with the OpenBLAS
/// kernel-selection variables unset).
package struct BenchReport: Codable, Sendable, Equatable {
    /// Format version of this JSON document.
    package var formatVersion: Int = 1
    package var runs: [BenchRun]
    /// Free-form remarks, e.g. why a second run was skipped.
    package var notes: [String]

    package init(runs: [BenchRun], notes: [String] = []) {
        self.runs = runs
        self.notes = notes
    }
}
