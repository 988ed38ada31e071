/// One measured case: a SwiftSER code path, optionally next to a baseline doing the same work.
///
/// Throughput is `work / timing.medianSeconds` in `unit` (e.g. FLOP → GFLOP/s, bytes → GB/s, both
/// with decimal prefixes: 1 GB = 10⁹ bytes).
public struct BenchMeasurement: Codable, Sendable, Equatable {
    /// Short case name, e.g. `"512x512x512"` or `"add 16M"`.
    public var name: String
    /// What the SwiftSER path is, e.g. `"Tensor.matmul"`.
    public var subject: String
    /// Throughput unit, e.g. `"GFLOP/s"` or `"GB/s"`.
    public var unit: String
    /// Work per call in the unit's base quantity (FLOP or bytes).
    public var workPerCall: Double
    /// Timing of the SwiftSER path.
    public var timing: BenchTiming
    /// Throughput of the SwiftSER path in `unit`.
    public var value: Double
    /// What the baseline is, e.g. `"cblas_sgemm"`; nil without a baseline.
    public var baselineName: String?
    /// Timing of the baseline.
    public var baselineTiming: BenchTiming?
    /// Throughput of the baseline in `unit`.
    public var baselineValue: Double?
    /// `value / baselineValue`: 1 means as fast as the baseline, 0.9 means 10% slower.
    public var ratio: Double?
    /// Largest absolute difference between the two paths' outputs (checks they did the same work).
    public var maxAbsDifference: Double?

    /// Builds a measurement; `scale` converts work per second to `unit` (1e-9 for G-prefixed units).
    public init(name: String, subject: String, unit: String, workPerCall: Double, timing: BenchTiming,
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
public struct BenchSectionResult: Codable, Sendable, Equatable {
    /// The section's registry name (what `--only` selects).
    public var section: String
    /// One-line description of what the section measures.
    public var summary: String
    public var measurements: [BenchMeasurement]

    public init(section: String, summary: String, measurements: [BenchMeasurement]) {
        self.section = section
        self.summary = summary
        self.measurements = measurements
    }
}

/// One complete benchmark run in one process: its environment and the results of each section.
public struct BenchRun: Codable, Sendable, Equatable {
    /// Why this run exists, e.g. `"environment as set"`.
    public var label: String
    public var environment: BenchEnvironment
    public var timer: BenchmarkTimer
    public var sections: [BenchSectionResult]

    public init(label: String, environment: BenchEnvironment, timer: BenchmarkTimer, sections: [BenchSectionResult]) {
        self.label = label
        self.environment = environment
        self.timer = timer
        self.sections = sections
    }
}

/// Everything `ser-cli bench` measured: one run per environment (as set, and with the OpenBLAS
/// kernel-selection variables unset).
public struct BenchReport: Codable, Sendable, Equatable {
    /// Format version of this JSON document.
    public var formatVersion: Int = 1
    public var runs: [BenchRun]
    /// Free-form remarks, e.g. why a second run was skipped.
    public var notes: [String]

    public init(runs: [BenchRun], notes: [String] = []) {
        self.runs = runs
        self.notes = notes
    }
}
