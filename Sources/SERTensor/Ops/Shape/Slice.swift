/// Strided slicing along one axis (copies). The gradient scatters ∂L/∂out into zeros of the input shape.
extension Tensor {
    /// Elements `start, start+step, …` below `end` along `axis`: Python's `x[..., start:end:step]`.
    ///
    /// Bounds follow Python slicing: `nil` start/end mean the beginning/end of the axis, a negative
    /// start or end counts from the end (`-1` is the last element), and bounds beyond the axis are
    /// clamped to it (so the result may be empty). `step` must be at least 1. The axis may be negative.
    ///
    /// Shapes: `[…, n, …]` → `[…, max(0, ⌈(end − start) / step⌉), …]`.
    public func sliced(axis: Int, start: Int? = nil, end: Int? = nil, step: Int = 1) -> Tensor {
        precondition(rank >= 1, "slice: a scalar has no axis to slice")
        precondition(step >= 1, "slice: step \(step) must be at least 1")
        let a = ShapeMath.normalizeAxis(axis, rank: rank, op: "slice")
        let n = shape[a]
        func clampBound(_ b: Int) -> Int { Swift.min(Swift.max(b < 0 ? b + n : b, 0), n) }
        let s = clampBound(start ?? 0), e = clampBound(end ?? n)
        let length = e > s ? (e - s + step - 1) / step : 0
        return slice(axis: a, start: s, length: length, step: step)
    }

    /// `length` consecutive elements from `start` along `axis` (`torch.narrow`). A negative `start`
    /// counts from the end. Unlike ``sliced(axis:start:end:step:)`` the range must lie inside the axis.
    public func narrowed(axis: Int, start: Int, length: Int) -> Tensor {
        precondition(rank >= 1, "narrow: a scalar has no axis to narrow")
        let a = ShapeMath.normalizeAxis(axis, rank: rank, op: "narrow")
        let n = shape[a]
        let s = start < 0 ? start + n : start
        precondition(s >= 0 && s <= n, "narrow: start \(start) out of range for axis \(axis) of size \(n)")
        precondition(length >= 0 && s + length <= n,
                     "narrow: start \(start) + length \(length) exceeds axis \(axis) of size \(n)")
        return slice(axis: a, start: s, length: length, step: 1)
    }

    /// Elements `start + i * step`, `i < length`, along the non-negative axis `a` (all in range).
    func slice(axis a: Int, start: Int, length: Int, step: Int) -> Tensor {
        if start == 0 && length == shape[a] && step == 1 { return self }
        let view = Tensor.sliceView(shape, axis: a, start: start, length: length, step: step)
        let out = Tensor.empty(view.shape, dtype: dtype)
        Tensor.stridedCopyRaw(from: self, offset: view.offset, strides: view.strides,
                              into: out, strides: ShapeMath.strides(view.shape), shape: view.shape)
        let inShape = shape
        return record(out, "slice", [self]) { g in
            // Scatter: the sliced positions are distinct (step ≥ 1), so a copy into zeros suffices.
            let gx = Tensor.zeros(inShape, dtype: g.dtype)
            Tensor.stridedCopyRaw(from: g, strides: ShapeMath.strides(view.shape),
                                  into: gx, at: view.offset, strides: view.strides, shape: view.shape)
            return [gx]
        }
    }

    /// The strided view of a row-major tensor of `shape` that selects `start + i * step`, `i < length`,
    /// along `axis`.
    static func sliceView(_ shape: [Int], axis a: Int, start: Int, length: Int, step: Int)
        -> (shape: [Int], offset: Int, strides: [Int]) {
        var strides = ShapeMath.strides(shape)
        let offset = start * strides[a]
        strides[a] *= step
        var outShape = shape
        outShape[a] = length
        return (outShape, length == 0 ? 0 : offset, strides)
    }
}
