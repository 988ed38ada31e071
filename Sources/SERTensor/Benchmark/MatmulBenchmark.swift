import CBLAS

/// GEMM throughput of ``Tensor/matmul(_:transposeA:transposeB:)`` next to raw `cblas_sgemm`.
///
/// Each case multiplies float32 `A` `[batch, M, K]` by `B` `[batch, K, N]` (`[batch, N, K]` with
/// `transposeB`); a batch of 1 uses plain 2-D tensors. Throughput counts `2·M·N·K·batch` FLOP per call.
/// The baseline calls `cblas_sgemm` directly (once per batch element) into a preallocated output,
/// with OpenBLAS's own threads (one per core), so the ratio measures everything `Tensor.matmul` adds
/// (output allocation, shape logic, autograd bookkeeping: none here, as the inputs do not require
/// gradients) and, under `SWIFTSER_GEMM_THREADS=swiftser`, what the panel split (``GEMMThreading``)
/// gains or loses against OpenBLAS's threading.
package struct MatmulBenchmark: BenchSection {
    /// One GEMM shape.
    package struct Case: Sendable, Equatable {
        package var m: Int, n: Int, k: Int
        package var batch: Int
        package var transposeB: Bool

        package init(m: Int, n: Int, k: Int, batch: Int = 1, transposeB: Bool = false) {
            self.m = m; self.n = n; self.k = k; self.batch = batch; self.transposeB = transposeB
        }

        /// e.g. `"1024x1024x1024"`, `"16 x 256x256x256"`, `"1024x1024x1024 Bᵀ"` (M x N x K).
        package var label: String {
            (batch > 1 ? "\(batch) x " : "") + "\(m)x\(n)x\(k)" + (transposeB ? " B^T" : "")
        }

        /// Floating-point operations per call.
        package var flop: Double { 2 * Double(m) * Double(n) * Double(k) * Double(batch) }
    }

    /// Square sizes from 256 to 1024, a wide 2048x2048x512, a transposed operand and a batch.
    package static let defaultCases: [Case] = [
        Case(m: 256, n: 256, k: 256),
        Case(m: 512, n: 512, k: 512),
        Case(m: 1024, n: 1024, k: 1024),
        Case(m: 2048, n: 2048, k: 512),
        Case(m: 1024, n: 1024, k: 1024, transposeB: true),
        Case(m: 256, n: 256, k: 256, batch: 16),
    ]

    package var cases: [Case]
    package var seed: UInt64

    package init(cases: [Case] = MatmulBenchmark.defaultCases, seed: UInt64 = 1) {
        self.cases = cases
        self.seed = seed
    }

    package var name: String { "matmul" }
    package var summary: String { "Tensor.matmul vs raw cblas_sgemm, float32, cases M x N x K, GFLOP/s" }

    package func run(timer: BenchmarkTimer, progress: (String) -> Void) -> BenchSectionResult {
        var rng = RandomGenerator(seed: seed)
        var results = [BenchMeasurement]()
        for c in cases {
            progress(c.label)
            results.append(measure(c, timer: timer, rng: &rng))
        }
        return BenchSectionResult(section: name, summary: summary, measurements: results)
    }

    private func measure(_ c: Case, timer: BenchmarkTimer, rng: inout RandomGenerator) -> BenchMeasurement {
        let lead = c.batch > 1 ? [c.batch] : []
        let a = Tensor.uniform(lead + [c.m, c.k], low: -1, high: 1, using: &rng)
        let b = Tensor.uniform(lead + (c.transposeB ? [c.n, c.k] : [c.k, c.n]), low: -1, high: 1, using: &rng)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: c.batch * c.m * c.n)
        defer { out.deallocate() }
        let pa = a.storage.pointer(Float.self), pb = b.storage.pointer(Float.self)
        let ldb = c.transposeB ? c.k : c.n
        func raw() {
            let swiftserThreading = GEMMThreading.mode == .swiftser
            if swiftserThreading { openblas_set_num_threads(Int32(Parallel.workerCount)) }
            defer { if swiftserThreading { openblas_set_num_threads(1) } }
            for i in 0..<c.batch {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, c.transposeB ? CblasTrans : CblasNoTrans,
                            Int32(c.m), Int32(c.n), Int32(c.k), 1, pa + i * c.m * c.k, Int32(c.k),
                            pb + i * c.k * c.n, Int32(ldb), 0, out + i * c.m * c.n, Int32(c.n))
            }
        }
        // The same product both ways, compared element by element.
        let reference = Tensor.matmul(a, b, transposeB: c.transposeB)
        raw()
        var diff: Float = 0
        reference.withUnsafeBuffer(Float.self) { r in
            for i in 0..<r.count { diff = Swift.max(diff, Swift.abs(r[i] - out[i])) }
        }
        let (tensorTiming, rawTiming) = timer.measure({ benchmarkKeep(Tensor.matmul(a, b, transposeB: c.transposeB)) },
                                                      against: { raw(); benchmarkKeep(out) })
        return BenchMeasurement(name: c.label, subject: "Tensor.matmul", unit: "GFLOP/s", workPerCall: c.flop,
                                timing: tensorTiming, baselineName: "cblas_sgemm", baselineTiming: rawTiming,
                                maxAbsDifference: Double(diff))
    }
}
