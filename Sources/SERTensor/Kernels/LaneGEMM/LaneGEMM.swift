import CBLAS
import Dispatch
import Foundation

/// SwiftSER's own float32 GEMM: `C = alpha·op(A)·op(B) + beta·C`, row major, with packed panels and a
/// 12 × 32 register tile of `SIMD16<Float>` (``LaneGEMMMicrokernel``).
///
/// It exists for one situation: a build compiled for AVX-512 (`make demo` / `make bench` build with
/// `-target-cpu native`) running with an OpenBLAS whose kernel is held to AVX2, as `OPENBLAS_CORETYPE=Haswell`
/// does on machines where an older OpenBLAS's AVX-512 kernels are unsafe. There OpenBLAS's Haswell SGEMM
/// reaches about half of what the CPU's 512-bit FMAs can do (Docs/Performance.md measures both).
/// ``FloatGEMMKernel`` decides when products come here.
///
/// Blocking follows the usual three loops around the tile: `columnBlock` columns of `op(B)` at a time,
/// `stepBlock` steps of the inner dimension packed once and reused across all rows, `rowBlock` rows of
/// `op(A)` packed per step block (alpha folded into the packing). Every element of `C` sums its products
/// in increasing step order, so the result is the same however the call is split across workers.
public enum LaneGEMM {
    /// Steps of the inner dimension per packed block (KC): a 32-column strip of `op(B)` is 32 KiB.
    static let stepBlock = 256
    /// Rows of `op(A)` per packed block (MC, 12 slivers): 144 KiB, held in L2.
    static let rowBlock = 144
    /// Columns of `op(B)` per packed block (NC, 64 strips): 2 MiB.
    static let columnBlock = 2048

    /// Whether the Swift code of this module was compiled for AVX-512 (`-target-cpu` of a CPU with it),
    /// so that `SIMD16<Float>` is one `zmm` register. Without it the tile would spill and OpenBLAS is faster.
    public static let compiledForAVX512 = SWIFTSER_COMPILED_FOR_AVX512F != 0

    /// Whether OpenBLAS's loaded kernel already uses AVX-512 (`openblas_get_corename()`).
    public static let openBLASHasAVX512Kernel: Bool = {
        guard let name = openblas_get_corename() else { return false }
        let core = String(cString: name).lowercased()
        return ["skylakex", "cooperlake", "sapphirerapids"].contains { core.contains($0) }
    }()

    /// `C = alpha·op(A)·op(B) + beta·C` (row major; `op(A)` is `m × k`, `op(B)` is `k × n`). With
    /// `splitting`, large products are split into one panel of `C` per ``Parallel`` worker (rows when
    /// `m ≥ n`, columns otherwise); callers already on several workers pass `false`. With `beta == 0`, `C`
    /// is not read.
    public static func multiply(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                                a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, splitting: Bool) {
        run(transA: transA, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
            right: .raw(b, ldb: ldb, transposed: transB), beta: beta, c: c, ldc: ldc, splitting: splitting)
    }

    /// The same product with `op(B)` packed beforehand (`k = packed.k`, `n = packed.n`): the same bits as
    /// ``multiply(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:splitting:)``, without packing `op(B)` again.
    public static func multiply(transA: Bool, m: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                                packed: LaneGEMMPackedOperand, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
                                splitting: Bool) {
        run(transA: transA, m: m, n: packed.n, k: packed.k, alpha: alpha, a: a, lda: lda, right: .packed(packed),
            beta: beta, c: c, ldc: ldc, splitting: splitting)
    }

    /// Where a panel's strips of `op(B)` come from.
    private enum RightOperand {
        /// Packed by each panel into its workspace.
        case raw(UnsafePointer<Float>, ldb: Int, transposed: Bool)
        /// Packed once, for many products.
        case packed(LaneGEMMPackedOperand)
    }

    private static func run(transA: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                            right: RightOperand, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
                            splitting: Bool) {
        guard m > 0, n > 0 else { return }
        _ = GEMMThreading.mode          // first use: OpenBLAS set to one thread (GEMMThreading.applyOpenBLASThreadCount)
        let workers = Parallel.workerCount
        let splitRows = m >= n
        let unit = splitRows ? LaneGEMMMicrokernel.rows : LaneGEMMMicrokernel.columns
        let units = ((splitRows ? m : n) + unit - 1) / unit
        guard splitting, workers > 1, m * n * k >= GEMMThreading.minimumSplitWork, units >= workers else {
            panel(transA: transA, rows: 0..<m, columns: 0..<n, k: k, alpha: alpha, a: a, lda: lda, right: right,
                  beta: beta, c: c, ldc: ldc)
            return
        }
        // Row bands of whole 12-row slivers; column bands of whole 32-column strips (a packed operand's strips
        // are found by column).
        GEMMThreading.forEachPanel(m: m, n: n, rowUnit: LaneGEMMMicrokernel.rows, columnUnit: LaneGEMMMicrokernel.columns) {
            rows, columns in
            panel(transA: transA, rows: rows, columns: columns, k: k, alpha: alpha, a: a, lda: lda, right: right,
                  beta: beta, c: c, ldc: ldc)
        }
    }

    /// One panel of `C` on the calling thread. `columns` starts at a multiple of 32 (whole strips).
    private static func panel(transA: Bool, rows: Range<Int>, columns: Range<Int>, k: Int, alpha: Float,
                              a: UnsafePointer<Float>, lda: Int, right: RightOperand,
                              beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard k > 0 else {
            for i in rows {
                for j in columns { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
            }
            return
        }
        let mr = LaneGEMMMicrokernel.rows, nr = LaneGEMMMicrokernel.columns
        var packedBCount = stepBlock * columnBlock
        if case .packed = right { packedBCount = 1 }
        // Packing buffers (and the edge tile after packed A) from SERTensor's buffer pool: a call reuses an
        // earlier call's pages instead of mapping and faulting in fresh ones.
        StoragePool.withWorkspace(Float.self, count: rowBlock * stepBlock + mr * nr) { packedA in
        StoragePool.withWorkspace(Float.self, count: packedBCount) { packedB in
            let tile = packedA + rowBlock * stepBlock
            for jc in stride(from: columns.lowerBound, to: columns.upperBound, by: columnBlock) {
                let nc = min(columnBlock, columns.upperBound - jc)
                for pc in stride(from: 0, to: k, by: stepBlock) {
                    let kc = min(stepBlock, k - pc)
                    let strips: UnsafePointer<Float>
                    switch right {
                    case .raw(let b, let ldb, let transposed):
                        LaneGEMMPacking.packB(b, ldb: ldb, transposed: transposed, p0: pc, kc: kc, j0: jc, nc: nc,
                                              into: packedB)
                        strips = UnsafePointer(packedB)
                    case .packed(let operand):
                        strips = operand.strips(step: pc, column: jc)
                    }
                    let store: LaneGEMMMicrokernel.Store =
                        pc > 0 || beta == 1 ? .accumulate : (beta == 0 ? .overwrite : .scale(beta))
                    for ic in stride(from: rows.lowerBound, to: rows.upperBound, by: rowBlock) {
                        let mc = min(rowBlock, rows.upperBound - ic)
                        LaneGEMMPacking.packA(a, lda: lda, transposed: transA, i0: ic, mc: mc, p0: pc, kc: kc,
                                              alpha: alpha, into: packedA)
                        for jr in stride(from: 0, to: nc, by: nr) {
                            let strip = strips + jr * kc, width = min(nr, nc - jr)
                            for ir in stride(from: 0, to: mc, by: mr) {
                                let sliver = packedA + ir * kc, height = min(mr, mc - ir)
                                let target = c + (ic + ir) * ldc + jc + jr
                                if height == mr && width == nr {
                                    LaneGEMMMicrokernel.run(steps: kc, a: sliver, b: strip, c: target, ldc: ldc,
                                                            store: store)
                                } else {
                                    LaneGEMMMicrokernel.run(steps: kc, a: sliver, b: strip, c: tile, ldc: nr,
                                                            store: .overwrite)
                                    storeEdge(tile, height: height, width: width, into: target, ldc: ldc,
                                              store: store)
                                }
                            }
                        }
                    }
                }
            }
        }
        }
    }

    /// Applies the top-left `height × width` of a 12 × 32 tile to `C` as `store` says.
    private static func storeEdge(_ tile: UnsafePointer<Float>, height: Int, width: Int,
                                  into c: UnsafeMutablePointer<Float>, ldc: Int, store: LaneGEMMMicrokernel.Store) {
        let nr = LaneGEMMMicrokernel.columns
        for r in 0..<height {
            let src = tile + r * nr, dst = c + r * ldc
            for j in 0..<width {
                switch store {
                case .overwrite: dst[j] = src[j]
                case .accumulate: dst[j] += src[j]
                case .scale(let beta): dst[j] = beta * dst[j] + src[j]
                }
            }
        }
    }
}
