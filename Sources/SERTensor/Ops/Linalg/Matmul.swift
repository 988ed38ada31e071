/// Matrix products through BLAS GEMM.
///
/// `matmul(a, b)` multiplies the last two dimensions: `a` is `[..., M, K]` (`[..., K, M]` with
/// `transposeA`), `b` is `[..., K, N]` (`[..., N, K]` with `transposeB`); leading (batch) dimensions
/// broadcast. The transposes are passed to `cblas_?gemm` as flags, never materialised. A 1-D `a` is
/// treated as `[1, K]` and a 1-D `b` as `[K, 1]`, and the added dimension is removed from the result,
/// as in NumPy.
extension Tensor {
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        Tensor.matmul(self, other, transposeA: transposeA, transposeB: transposeB)
    }

    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.dtype == b.dtype, "matmul: dtypes \(a.dtype) and \(b.dtype) differ")
        precondition(a.rank >= 1 && b.rank >= 1, "matmul: scalar operands (shapes \(a.shape), \(b.shape))")
        let a2 = a.rank == 1 ? a.reshaped(transposeA ? [a.count, 1] : [1, a.count]) : a
        let b2 = b.rank == 1 ? b.reshaped(transposeB ? [1, b.count] : [b.count, 1]) : b
        var out = matmulND(a2, b2, transposeA: transposeA, transposeB: transposeB)
        if a.rank == 1 { out = out.squeezed(out.rank - 2) }
        if b.rank == 1 { out = out.squeezed(out.rank - 1) }
        return out
    }

    private static func matmulND(_ a: Tensor, _ b: Tensor, transposeA tA: Bool, transposeB tB: Bool) -> Tensor {
        let ra = a.rank, rb = b.rank
        let m = tA ? a.shape[ra - 1] : a.shape[ra - 2]
        let k = tA ? a.shape[ra - 2] : a.shape[ra - 1]
        let kb = tB ? b.shape[rb - 1] : b.shape[rb - 2]
        let n = tB ? b.shape[rb - 2] : b.shape[rb - 1]
        precondition(k == kb, "matmul: inner dimensions differ: \(a.shape)\(tA ? "ᵀ" : "") × \(b.shape)\(tB ? "ᵀ" : "")")
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        let batch = ShapeMath.broadcast(batchA, batchB, op: "matmul")
        let nb = Tensor.elementCount(batch)
        let out = Tensor.empty(batch + [m, n], dtype: a.dtype)
        // Batch offsets (in matrices) for each operand, honouring broadcasting.
        let sa = ShapeMath.broadcastStrides(batchA, to: batch), sb = ShapeMath.broadcastStrides(batchB, to: batch)
        let matA = a.shape[ra - 2] * a.shape[ra - 1], matB = b.shape[rb - 2] * b.shape[rb - 1]
        func offsets(_ i: Int) -> (Int, Int) {
            var r = i, oa = 0, ob = 0
            for d in stride(from: batch.count - 1, through: 0, by: -1) {
                let idx = r % batch[d]; r /= batch[d]
                oa += idx * sa[d]; ob += idx * sb[d]
            }
            return (oa * matA, ob * matB)
        }
        let lda = a.shape[ra - 1], ldb = b.shape[rb - 1]
        func run<T: TensorScalar>(_: T.Type) {
            let pa = a.storage.pointer(T.self), pb = b.storage.pointer(T.self), pc = out.storage.pointer(T.self)
            if m == 0 || n == 0 { return }
            if k == 0 { pc.update(repeating: 0, count: out.count); return }
            // One GEMM when A's batch is contiguous over rows and B is shared: fold batch into M.
            if !tA && batchB.allSatisfy({ $0 == 1 }) && batchA == batch {
                T.gemm(transA: false, transB: tB, m: nb * m, n: n, k: k, alpha: 1, a: pa, lda: lda,
                       b: pb, ldb: ldb, beta: 0, c: pc, ldc: n)
                return
            }
            for i in 0..<nb {
                let (oa, ob) = offsets(i)
                T.gemm(transA: tA, transB: tB, m: m, n: n, k: k, alpha: 1, a: pa + oa, lda: lda,
                       b: pb + ob, ldb: ldb, beta: 0, c: pc + i * m * n, ldc: n)
            }
        }
        switch a.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return record(out, "matmul", [a, b]) { g in
            // C = op(A)·op(B).  dA = g·op(B)ᵀ (or its transpose), dB = op(A)ᵀ·g (or its transpose).
            let ga: Tensor? = !a.requiresGrad ? nil :
                (tA ? matmulND(b, g, transposeA: tB, transposeB: true)
                    : matmulND(g, b, transposeA: false, transposeB: !tB)).sumToShape(a.shape)
            let gb: Tensor? = !b.requiresGrad ? nil :
                (tB ? matmulND(g, a, transposeA: true, transposeB: tA)
                    : matmulND(a, g, transposeA: !tA, transposeB: false)).sumToShape(b.shape)
            return [ga, gb]
        }
    }
}
