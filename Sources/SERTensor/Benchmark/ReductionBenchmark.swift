/// Memory throughput of sums: over a whole tensor and over the last axis of a matrix.
///
/// Throughput is bytes read per second (4 per element; the output is negligible), in GB/s. The
/// baseline is a bare loop with eight SIMD partial sums per chunk, split across cores with
/// ``Parallel/forRanges(_:costPerItem:_:)`` (whole-tensor sum: one partial per chunk, added at the end).
package struct ReductionBenchmark: BenchSection {
    /// Rows and columns of the matrix (default 4096 x 4096 = 16M elements).
    package var rows: Int
    package var columns: Int
    package var seed: UInt64

    package init(rows: Int = 4096, columns: Int = 4096, seed: UInt64 = 3) {
        self.rows = rows
        self.columns = columns
        self.seed = seed
    }

    package var name: String { "reduction" }
    package var summary: String { "float32 sums over a \(rows)x\(columns) tensor, GB/s read" }

    package func run(timer: BenchmarkTimer, progress: (String) -> Void) -> BenchSectionResult {
        var rng = RandomGenerator(seed: seed)
        let x = Tensor.uniform([rows, columns], low: -1, high: 1, using: &rng)
        let px = x.storage.pointer(Float.self)
        let n = x.count, cols = columns
        let bytes = Double(n * 4)
        var results = [BenchMeasurement]()

        // Whole-tensor sum.
        progress("sum all")
        let chunks = Swift.max(1, Swift.min(Parallel.workerCount, rows))
        let partial = UnsafeMutablePointer<Float>.allocate(capacity: chunks)
        defer { partial.deallocate() }
        func rawSumAll() -> Float {
            partial.update(repeating: 0, count: chunks)
            Parallel.forRanges(chunks, costPerItem: n / chunks) { r in
                for c in r {
                    let lo = n * c / chunks, hi = n * (c + 1) / chunks
                    partial[c] = ReductionBenchmark.simdSum(px + lo, hi - lo)
                }
            }
            var s: Float = 0
            for c in 0..<chunks { s += partial[c] }
            return s
        }
        let allDiff = Swift.abs(Double(x.sum().item) - Double(rawSumAll()))
        let (allTensor, allRaw) = timer.measure({ benchmarkKeep(x.sum()) }, against: { benchmarkKeep(rawSumAll()) })
        results.append(BenchMeasurement(name: "sum all \(rows)x\(columns)", subject: "Tensor.sum()", unit: "GB/s",
                                        workPerCall: bytes, timing: allTensor, baselineName: "preallocated loop",
                                        baselineTiming: allRaw, maxAbsDifference: allDiff))

        // Row sums.
        progress("sum axis 1")
        let rowOut = UnsafeMutablePointer<Float>.allocate(capacity: rows)
        defer { rowOut.deallocate() }
        func rawRowSums() {
            Parallel.forRanges(rows, costPerItem: cols) { r in
                for i in r { rowOut[i] = ReductionBenchmark.simdSum(px + i * cols, cols) }
            }
        }
        let reference = x.sum(axis: 1)
        rawRowSums()
        var rowDiff: Float = 0
        reference.withUnsafeBuffer(Float.self) { r in
            for i in 0..<rows { rowDiff = Swift.max(rowDiff, Swift.abs(r[i] - rowOut[i])) }
        }
        let (rowTensor, rowRaw) = timer.measure({ benchmarkKeep(x.sum(axis: 1)) },
                                                against: { rawRowSums(); benchmarkKeep(rowOut) })
        results.append(BenchMeasurement(name: "sum axis 1 \(rows)x\(columns)", subject: "Tensor.sum(axis:)",
                                        unit: "GB/s", workPerCall: bytes, timing: rowTensor,
                                        baselineName: "preallocated loop", baselineTiming: rowRaw,
                                        maxAbsDifference: Double(rowDiff)))
        return BenchSectionResult(section: name, summary: summary, measurements: results)
    }

    /// Sum of `n` floats with eight SIMD partial sums (the same order ``Tensor/sum(axes:keepDims:)`` uses).
    @inline(__always)
    static func simdSum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= n {
            acc += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var s = acc.sum()
        while i < n { s += p[i]; i += 1 }
        return s
    }
}
