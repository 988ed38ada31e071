/// Axis permutation and transposition (copies into the new row-major layout).
extension Tensor {
    /// The tensor with its axes reordered: output axis `i` is input axis `axes[i]`
    /// (`torch.permute` / `numpy.transpose`). Negative axes count from the end.
    ///
    /// Shapes: `[d0, …, d{r-1}]` → `[d_axes[0], …, d_axes[r-1]]`. Moving the last axis (e.g. `[B, T, C]`
    /// → `[B, C, T]`) uses a cache-blocked copy. The gradient is the inverse permutation of ∂L/∂out.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.count == rank, "permute: \(axes.count) axes \(axes) for a tensor of rank \(rank)")
        let perm = axes.map { ShapeMath.normalizeAxis($0, rank: rank, op: "permute") }
        var inverse = [Int](repeating: -1, count: rank)
        for (i, a) in perm.enumerated() {
            precondition(inverse[a] == -1, "permute: axes \(axes) repeat axis \(a)")
            inverse[a] = i
        }
        if perm == Array(0..<rank) { return self }
        let outShape = perm.map { shape[$0] }
        let inStrides = ShapeMath.strides(shape)
        let out = Tensor.empty(outShape, dtype: dtype)
        Tensor.stridedCopyRaw(from: self, strides: perm.map { inStrides[$0] },
                              into: out, strides: ShapeMath.strides(outShape), shape: outShape)
        return record(out, "permute", [self]) { g in [g.permuted(inverse)] }
    }

    /// The tensor with axes `a` and `b` swapped (`torch.transpose`). Negative axes count from the end.
    /// `transposed(-2, -1)` transposes the last two axes (batched matrix transpose).
    public func transposed(_ a: Int, _ b: Int) -> Tensor {
        precondition(rank >= 1, "transpose: a scalar has no axes to swap")
        let i = ShapeMath.normalizeAxis(a, rank: rank, op: "transpose")
        let j = ShapeMath.normalizeAxis(b, rank: rank, op: "transpose")
        var perm = Array(0..<rank)
        perm.swapAt(i, j)
        return permuted(perm)
    }
}
