/// Element-wise gathering along an axis (`torch.gather`) and its adjoint, scatter-add.

/// Where the elements of a gather live: the index tensor's shape, the input's strides with the
/// gather axis's stride set to 0 (`base`), and the gather axis's own stride (`axisStride`).
private struct GatherPlan {
    let indexShape: [Int]
    let base: [Int]
    let axisStride: Int
    let axis: Int

    /// Number of rows (all dimensions but the last) and their length.
    var rowLength: Int { indexShape.last ?? 1 }
    var rows: Int { rowLength == 0 ? 0 : indexShape.reduce(1, *) / rowLength }
    /// Rows per block of the dimensions before the axis: blocks never touch the same input element.
    var rowsPerBlock: Int { indexShape.count <= 1 ? 1 : indexShape[axis..<(indexShape.count - 1)].reduce(1, *) }

    /// Visits rows `range`: `body(inputOffset(j), flat index position)` for every element of each row,
    /// where the input offset excludes the gathered index's contribution.
    @inline(__always)
    func forEachRow(_ range: Range<Int>, _ body: (_ rowOffset: Int, _ rowStart: Int) -> Void) {
        let r = indexShape.count
        let dims = Swift.max(r - 1, 0)
        var index = [Int](repeating: 0, count: dims)
        var off = 0, rest = range.lowerBound
        for k in stride(from: dims - 1, through: 0, by: -1) {
            index[k] = rest % indexShape[k]
            rest /= indexShape[k]
            off += index[k] * base[k]
        }
        for row in range {
            body(off, row * rowLength)
            var k = dims - 1
            while k >= 0 {
                index[k] += 1
                off += base[k]
                if index[k] < indexShape[k] { break }
                off -= base[k] * indexShape[k]
                index[k] = 0
                k -= 1
            }
        }
    }
}

/// `y[e] = x[offset(e)]` (gather) or, with `scatter`, `x[offset(e)] += y[e]` (scatter-add), where
/// `offset(e)` is the input position addressed by index element `e`.
@inline(__always)
private func gatherKernel<T: TensorScalar>(_ plan: GatherPlan, _ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>,
                                           _ idx: UnsafeBufferPointer<Int>, scatter: Bool) {
    let n = plan.rowLength, sa = plan.axisStride, sl = plan.base.last ?? 0
    let process = { (range: Range<Int>) in
        plan.forEachRow(range) { off, start in
            let row = x + off
            if scatter {
                for j in 0..<n { row[j * sl + idx[start + j] * sa] += y[start + j] }
            } else {
                for j in 0..<n { y[start + j] = row[j * sl + idx[start + j] * sa] }
            }
        }
    }
    if scatter {
        // Rows that differ only along or after the axis may add into the same element: split by block.
        let rpb = plan.rowsPerBlock
        let blocks = rpb == 0 ? 0 : plan.rows / rpb
        Parallel.forRanges(blocks, costPerItem: rpb * n) { b in process((b.lowerBound * rpb)..<(b.upperBound * rpb)) }
    } else {
        Parallel.forRanges(plan.rows, costPerItem: n) { process($0) }
    }
}

extension Tensor {
    /// `out[i0, …, i_axis, …] = self[i0, …, index[i0, …, i_axis, …], …]` (`torch.gather`).
    ///
    /// `index` holds integer values (stored as floats) and has this tensor's rank, with
    /// `index.shape[d] <= shape[d]` for every `d != axis`; every value must lie in `0..<shape[axis]`.
    /// Shapes: output has `index.shape`. The gradient scatter-adds ∂L/∂out back into zeros of the
    /// input shape (repeated indices accumulate). `index` receives no gradient.
    public func gather(axis: Int, index: Tensor) -> Tensor {
        let a = ShapeMath.normalizeAxis(axis, rank: rank, op: "gather")
        let n = rank >= 1 ? shape[a] : 0
        var ints = [Int](repeating: 0, count: index.count)
        for (i, v) in index.doubles.enumerated() {
            precondition(v == v.rounded() && v >= 0 && v < Double(n),
                         "gather: index value \(v) at element \(i) is not an integer in 0..<\(n) (axis \(axis))")
            ints[i] = Int(v)
        }
        return gather(axis: axis, indices: ints, shape: index.shape)
    }

    /// ``gather(axis:index:)`` with the index given as row-major `indices` of shape `indexShape`.
    public func gather(axis: Int, indices: [Int], shape indexShape: [Int]) -> Tensor {
        precondition(rank >= 1, "gather: a scalar has no axis to gather along")
        let a = ShapeMath.normalizeAxis(axis, rank: rank, op: "gather")
        precondition(indexShape.count == rank, "gather: index of rank \(indexShape.count) for a tensor of rank \(rank)")
        precondition(Tensor.elementCount(indexShape) == indices.count,
                     "gather: \(indices.count) indices for index shape \(indexShape)")
        for d in 0..<rank where d != a {
            precondition(indexShape[d] <= shape[d],
                         "gather: index shape \(indexShape) exceeds input shape \(shape) along axis \(d)")
        }
        let n = shape[a]
        for (i, v) in indices.enumerated() {
            precondition(v >= 0 && v < n, "gather: index \(v) at element \(i) out of range for axis \(axis) of size \(n)")
        }
        var base = ShapeMath.strides(shape)
        let axisStride = base[a]
        base[a] = 0
        let plan = GatherPlan(indexShape: indexShape, base: base, axisStride: axisStride, axis: a)
        let out = Tensor.empty(indexShape, dtype: dtype)
        Tensor.gatherRaw(plan, input: self, values: out, indices: indices, scatter: false)
        let inShape = shape
        return record(out, "gather", [self]) { g in
            let gx = Tensor.zeros(inShape, dtype: g.dtype)
            Tensor.gatherRaw(plan, input: gx, values: g, indices: indices, scatter: true)
            return [gx]
        }
    }

    /// Runs the gather (`values ← input`) or scatter-add (`input += values`) kernel.
    private static func gatherRaw(_ plan: GatherPlan, input: Tensor, values: Tensor, indices: [Int], scatter: Bool) {
        precondition(input.dtype == values.dtype, "gather: dtypes \(input.dtype) and \(values.dtype) differ")
        indices.withUnsafeBufferPointer { idx in
            switch input.dtype {
            case .float32:
                gatherKernel(plan, input.storage.pointer(Float.self), values.storage.pointer(Float.self), idx, scatter: scatter)
            case .float64:
                gatherKernel(plan, input.storage.pointer(Double.self), values.storage.pointer(Double.self), idx, scatter: scatter)
            }
        }
    }
}
