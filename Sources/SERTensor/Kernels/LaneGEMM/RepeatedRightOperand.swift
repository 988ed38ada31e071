/// The right operand `op(B)` (`k × n`) of many products `C = op(A)·op(B) + beta·C` with `m`-row left operands, such
/// as a recurrent weight over a sequence's time steps. Packed once (``LaneGEMMPackedOperand``) when ``LaneGEMM``
/// (``FloatGEMMKernel``) runs products of this size in this scalar type; otherwise each product is an ordinary
/// ``TensorScalar/gemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:splitting:)``. Either way the results are
/// those of the ordinary call, bit for bit.
///
/// `op(B)` must not change while the operand is in use (it may have been copied).
struct RepeatedRightOperand<T: TensorScalar> {
    let b: UnsafePointer<T>, ldb: Int, transposed: Bool
    let k: Int, n: Int
    private let packed: LaneGEMMPackedOperand?

    init(b: UnsafePointer<T>, ldb: Int, transposed: Bool, k: Int, n: Int, rows m: Int) {
        (self.b, self.ldb, self.transposed, self.k, self.n) = (b, ldb, transposed, k, n)
        packed = T.self == Float.self && FloatGEMMKernel.kernel(m: m, n: n, k: k, transA: false, transB: transposed) == .lanes
            ? LaneGEMMPackedOperand(b: UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), ldb: ldb,
                                    transposed: transposed, k: k, n: n)
            : nil
    }

    /// `C = A·op(B) + beta·C` for an `m × k` row-major `A` (`m` as given to the initialiser).
    func multiply(m: Int, a: UnsafePointer<T>, lda: Int, beta: T, c: UnsafeMutablePointer<T>, ldc: Int,
                  splitting: Bool) {
        if let packed {
            LaneGEMM.multiply(transA: false, m: m, alpha: 1, a: UnsafeRawPointer(a).assumingMemoryBound(to: Float.self),
                              lda: lda, packed: packed, beta: Float(beta),
                              c: UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), ldc: ldc,
                              splitting: splitting)
        } else {
            T.gemm(transA: false, transB: transposed, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb,
                   beta: beta, c: c, ldc: ldc, splitting: splitting)
        }
    }
}
