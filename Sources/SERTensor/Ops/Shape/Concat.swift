/// Joining tensors along an axis. The gradient is split back into the pieces.
extension Tensor {
    /// Joins `tensors` along an existing `axis` (`torch.cat` / `numpy.concatenate`).
    ///
    /// Shapes: all inputs have the same rank, dtype and sizes except along `axis`;
    /// `[…, n_i, …]` → `[…, Σ n_i, …]`. The axis may be negative. Each input is copied as
    /// `outer` runs of `n_i × inner` contiguous elements (one `memcpy` per run).
    public static func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concat: no tensors to join")
        let first = tensors[0]
        precondition(first.rank >= 1, "concat: scalars cannot be concatenated (use stack)")
        let a = ShapeMath.normalizeAxis(axis, rank: first.rank, op: "concat")
        var total = 0
        for (i, t) in tensors.enumerated() {
            precondition(t.dtype == first.dtype, "concat: tensor \(i) is \(t.dtype), tensor 0 is \(first.dtype)")
            precondition(t.rank == first.rank && t.shape.indices.allSatisfy { $0 == a || t.shape[$0] == first.shape[$0] },
                         "concat: tensor \(i) has shape \(t.shape), incompatible with \(first.shape) along axis \(a)")
            total += t.shape[a]
        }
        var outShape = first.shape
        outShape[a] = total
        let out = Tensor.empty(outShape, dtype: first.dtype)
        let outer = first.shape[..<a].reduce(1, *), inner = first.shape[(a + 1)...].reduce(1, *)
        var starts: [Int] = []
        var offset = 0
        for t in tensors {
            starts.append(offset)
            let run = t.shape[a] * inner
            // View [outer, run]: contiguous in the input; rows of stride total*inner in the output.
            Tensor.stridedCopyRaw(from: t, strides: [run, 1], into: out, at: offset * inner,
                                  strides: [total * inner, 1], shape: [outer, run])
            offset += t.shape[a]
        }
        return record(out, "concat", tensors) { g in
            tensors.indices.map { i in
                tensors[i].requiresGrad ? g.slice(axis: a, start: starts[i], length: tensors[i].shape[a], step: 1) : nil
            }
        }
    }

    /// Joins same-shaped `tensors` along a new axis inserted at `axis` (`torch.stack`); `axis` may be
    /// `rank` (last) or negative (`-1` is the new last axis). Shapes: `n` tensors of `[d0, …]` give
    /// `[…, n, …]` with `n` at position `axis`.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack: no tensors to join")
        let shape = tensors[0].shape
        for (i, t) in tensors.enumerated() {
            precondition(t.shape == shape, "stack: tensor \(i) has shape \(t.shape), tensor 0 has \(shape)")
        }
        let a = axis < 0 ? axis + shape.count + 1 : axis
        precondition(a >= 0 && a <= shape.count, "stack: axis \(axis) out of range for rank \(shape.count) inputs")
        return concat(tensors.map { $0.unsqueezed(a) }, axis: a)
    }
}
