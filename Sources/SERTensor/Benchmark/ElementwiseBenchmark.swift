import RealModule

/// Memory throughput of large elementwise ops (`+`, `*`, `exp`) on float32 tensors.
///
/// Throughput is bytes read plus bytes written per second (add and mul: 12 bytes per element, exp:
/// 8), in GB/s (10⁹ bytes). The baseline is a bare loop over unsafe pointers into a preallocated
/// output, split across cores with ``Parallel/forRanges(_:costPerItem:_:)`` exactly like the op: the
/// ratio shows what the tensor API costs on top (mostly allocating and first-touching the output).
package struct ElementwiseBenchmark: BenchSection {
    /// The operations measured.
    package enum Op: String, CaseIterable, Sendable {
        case add, mul, exp

        /// Bytes moved per element (inputs read + output written).
        var bytesPerElement: Int { self == .exp ? 8 : 12 }
    }

    /// Elements per tensor (default 16M = 2²⁴, 64 MiB: far larger than any cache).
    package var count: Int
    package var ops: [Op]
    package var seed: UInt64

    package init(count: Int = 1 << 24, ops: [Op] = Op.allCases, seed: UInt64 = 2) {
        self.count = count
        self.ops = ops
        self.seed = seed
    }

    package var name: String { "elementwise" }
    package var summary: String { "elementwise float32 ops on \(ElementwiseBenchmark.countLabel(count)) elements, GB/s (read + written)" }

    /// `16M` for 2²⁴, `1000` for 1000.
    static func countLabel(_ n: Int) -> String {
        n >= 1 << 20 && n % (1 << 20) == 0 ? "\(n >> 20)M" : "\(n)"
    }

    package func run(timer: BenchmarkTimer, progress: (String) -> Void) -> BenchSectionResult {
        var rng = RandomGenerator(seed: seed)
        let a = Tensor.uniform([count], low: -1, high: 1, using: &rng)
        let b = Tensor.uniform([count], low: -1, high: 1, using: &rng)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { out.deallocate() }
        let pa = a.storage.pointer(Float.self), pb = b.storage.pointer(Float.self)
        let n = count
        var results = [BenchMeasurement]()
        for op in ops {
            let label = "\(op.rawValue) \(ElementwiseBenchmark.countLabel(count))"
            progress(label)
            let tensorOp: () -> Tensor
            let raw: () -> Void
            switch op {
            case .add:
                tensorOp = { a + b }
                raw = { Parallel.forRanges(n) { r in for i in r { out[i] = pa[i] + pb[i] } } }
            case .mul:
                tensorOp = { a * b }
                raw = { Parallel.forRanges(n) { r in for i in r { out[i] = pa[i] * pb[i] } } }
            case .exp:
                tensorOp = { a.exp() }
                raw = { Parallel.forRanges(n) { r in for i in r { out[i] = Float.exp(pa[i]) } } }
            }
            let reference = tensorOp()
            raw()
            var diff: Float = 0
            reference.withUnsafeBuffer(Float.self) { r in
                for i in 0..<n { diff = Swift.max(diff, Swift.abs(r[i] - out[i])) }
            }
            let (tensorTiming, rawTiming) = timer.measure({ benchmarkKeep(tensorOp()) },
                                                          against: { raw(); benchmarkKeep(out) })
            results.append(BenchMeasurement(name: label, subject: "Tensor op", unit: "GB/s",
                                            workPerCall: Double(n * op.bytesPerElement), timing: tensorTiming,
                                            baselineName: "preallocated loop", baselineTiming: rawTiming,
                                            maxAbsDifference: Double(diff)))
        }
        return BenchSectionResult(section: name, summary: summary, measurements: results)
    }
}
