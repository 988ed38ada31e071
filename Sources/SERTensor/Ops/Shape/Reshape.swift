/// Reshape and broadcast-expand. Expand copies (tensors never alias storage); reshape
/// shares the storage of its input (elements are identical and neither side mutates it).
extension Tensor {
    /// The same elements with a new shape; one dimension may be `-1` (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var s = newShape
        if let i = s.firstIndex(of: -1) {
            let known = s.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "reshape: cannot infer -1 in \(newShape) for \(count) elements")
            s[i] = count / known
        }
        precondition(Tensor.elementCount(s) == count, "reshape: shape \(shape) (\(count) elements) to \(newShape)")
        if s == shape { return self }
        let out = Tensor(storage: storage, shape: s)
        let original = shape
        return record(out, "reshape", [self]) { g in [g.reshaped(original)] }
    }

    /// Flattens dimensions `start...end` into one.
    public func flattened(from start: Int = 0, to end: Int = -1) -> Tensor {
        if rank == 0 { return reshaped([1]) }
        let a = ShapeMath.normalizeAxis(start, rank: rank, op: "flatten")
        let b = ShapeMath.normalizeAxis(end, rank: rank, op: "flatten")
        let merged = shape[a...b].reduce(1, *)
        return reshaped(Array(shape[..<a]) + [merged] + Array(shape[(b + 1)...]))
    }

    /// Inserts a dimension of size 1 at `axis` (which may be `rank`).
    public func unsqueezed(_ axis: Int) -> Tensor {
        let a = axis < 0 ? axis + rank + 1 : axis
        precondition(a >= 0 && a <= rank, "unsqueeze: axis \(axis) out of range for rank \(rank)")
        var s = shape
        s.insert(1, at: a)
        return reshaped(s)
    }

    /// Removes dimension `axis`, which must have size 1; with no axis removes every size-1 dimension.
    public func squeezed(_ axis: Int? = nil) -> Tensor {
        if let axis {
            let a = ShapeMath.normalizeAxis(axis, rank: rank, op: "squeeze")
            precondition(shape[a] == 1, "squeeze: dimension \(axis) has size \(shape[a]), not 1")
            var s = shape
            s.remove(at: a)
            return reshaped(s)
        }
        return reshaped(shape.filter { $0 != 1 })
    }

    /// Broadcasts to `target` (NumPy rules), copying. The gradient sums back over the broadcast axes.
    ///
    /// The copy reads the input through broadcast strides (0 along expanded axes): contiguous runs are
    /// copied with `memcpy` and runs of one repeated element are filled.
    public func expanded(to target: [Int]) -> Tensor {
        if target == shape { return self }
        let full = ShapeMath.broadcast(shape, target, op: "expand")
        precondition(full == target, "expand: shape \(shape) cannot be expanded to \(target)")
        let out = Tensor.empty(target, dtype: dtype)
        Tensor.stridedCopyRaw(from: self, strides: ShapeMath.broadcastStrides(shape, to: target),
                              into: out, strides: ShapeMath.strides(target), shape: target)
        let original = shape
        return record(out, "expand", [self]) { g in [g.sumToShape(original)] }
    }
}
