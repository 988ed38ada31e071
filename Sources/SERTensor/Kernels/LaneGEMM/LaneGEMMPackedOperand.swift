/// The right operand `op(B)` (`k × n`) of ``LaneGEMM`` products packed once, for many products that share it:
/// a recurrent weight over the time steps of a sequence.
///
/// Layout: for each block of 256 steps starting at `p0`, the `⌈n / 32⌉` strips of ``LaneGEMMPacking/packB``
/// (32 · kc floats each, columns past `n` zero), at `p0 · paddedColumns`. The memory comes from SERTensor's buffer
/// pool. The operand copies `op(B)`: later changes to `b` are not seen.
public final class LaneGEMMPackedOperand {
    /// Rows of `op(B)` (the products' inner dimension).
    public let k: Int
    /// Columns of `op(B)`.
    public let n: Int
    /// `n` rounded up to whole 32-column strips.
    private let paddedColumns: Int
    private let storage: TensorStorage

    /// Packs `op(B)`: `b` row major with row stride `ldb`, `op(B) = Bᵀ` when `transposed`.
    public init(b: UnsafePointer<Float>, ldb: Int, transposed: Bool, k: Int, n: Int) {
        let nr = LaneGEMMMicrokernel.columns
        self.k = k
        self.n = n
        paddedColumns = (n + nr - 1) / nr * nr
        storage = TensorStorage(dtype: .float32, count: max(1, paddedColumns * k), zeroed: false)
        let base = storage.pointer(Float.self)
        for p0 in stride(from: 0, to: k, by: LaneGEMM.stepBlock) {
            LaneGEMMPacking.packB(b, ldb: ldb, transposed: transposed, p0: p0, kc: min(LaneGEMM.stepBlock, k - p0),
                                  j0: 0, nc: n, into: base + p0 * paddedColumns)
        }
    }

    /// The strips of the step block starting at `step` (a multiple of 256), from column `column` (a multiple of 32).
    func strips(step: Int, column: Int) -> UnsafePointer<Float> {
        UnsafePointer(storage.pointer(Float.self) + step * paddedColumns + column * min(LaneGEMM.stepBlock, k - step))
    }
}
