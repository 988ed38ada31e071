/// Selecting whole slices along an axis by index, and its adjoint (index-add).
///
/// Both kernels view a tensor as `[outer, n, inner]` around the axis, so every selected slice is
/// `outer` runs of `inner` contiguous elements.

/// `y[o, k, :] = x[o, idx[k], :]` with `x: [outer, n, inner]`, `y: [outer, idx.count, inner]`.
@inline(__always)
private func indexCopyKernel<T: TensorScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                              _ idx: UnsafeBufferPointer<Int>, outer: Int, n: Int, inner: Int) {
    let k = idx.count
    Parallel.forRanges(outer * k, costPerItem: inner) { range in
        for row in range {
            let o = row / k, i = idx[row % k]
            (y + row * inner).update(from: x + (o * n + i) * inner, count: inner)
        }
    }
}

/// `x[o, idx[k], :] += y[o, k, :]` with `x: [outer, n, inner]` (accumulates; repeated indices add up).
/// Parallel over `outer` or, when `outer` is small, over column blocks of `inner`: no two workers
/// touch the same element.
@inline(__always)
private func indexAddKernel<T: TensorScalar>(_ y: UnsafePointer<T>, _ x: UnsafeMutablePointer<T>,
                                             _ idx: UnsafeBufferPointer<Int>, outer: Int, n: Int, inner: Int) {
    let k = idx.count
    let block = 256
    let blocks = outer >= Parallel.workerCount ? 1 : (inner + block - 1) / block
    let width = blocks == 1 ? inner : block
    Parallel.forRanges(outer * blocks, costPerItem: k * width) { range in
        for item in range {
            let o = item / blocks, j0 = (item % blocks) * width, j1 = Swift.min(j0 + width, inner)
            for r in 0..<k {
                let src = y + (o * k + r) * inner, dst = x + (o * n + idx[r]) * inner
                for j in j0..<j1 { dst[j] += src[j] }
            }
        }
    }
}

extension Tensor {
    /// Slices `indices` (in order, repeats allowed) along `axis` (`torch.index_select`). Indices must
    /// lie in `0..<shape[axis]`; the axis may be negative.
    ///
    /// Shapes: `[…, n, …]` → `[…, indices.count, …]`. The gradient adds each output slice back into
    /// the input slice it came from (repeated indices accumulate).
    public func indexSelect(axis: Int, indices: [Int]) -> Tensor {
        precondition(rank >= 1, "indexSelect: a scalar has no axis to index")
        let a = ShapeMath.normalizeAxis(axis, rank: rank, op: "indexSelect")
        let n = shape[a]
        for i in indices {
            precondition(i >= 0 && i < n, "indexSelect: index \(i) out of range for axis \(axis) of size \(n)")
        }
        let out = Tensor.indexSelectRaw(self, axis: a, indices: indices)
        return record(out, "indexSelect", [self]) { g in [Tensor.indexAddRaw(g, axis: a, indices: indices, size: n)] }
    }

    /// ``indexSelect(axis:indices:)`` without checks or autograd (`a` non-negative, indices in range).
    static func indexSelectRaw(_ x: Tensor, axis a: Int, indices: [Int]) -> Tensor {
        var outShape = x.shape
        outShape[a] = indices.count
        let out = Tensor.empty(outShape, dtype: x.dtype)
        let outer = x.shape[..<a].reduce(1, *), n = x.shape[a], inner = x.shape[(a + 1)...].reduce(1, *)
        indices.withUnsafeBufferPointer { idx in
            switch x.dtype {
            case .float32:
                indexCopyKernel(x.storage.pointer(Float.self), out.storage.pointer(Float.self), idx,
                                outer: outer, n: n, inner: inner)
            case .float64:
                indexCopyKernel(x.storage.pointer(Double.self), out.storage.pointer(Double.self), idx,
                                outer: outer, n: n, inner: inner)
            }
        }
        return out
    }

    /// The adjoint of ``indexSelectRaw(_:axis:indices:)``: zeros of `g`'s shape with `size` along
    /// axis `a`, into which slice `k` of `g` is added at position `indices[k]`. No autograd.
    static func indexAddRaw(_ g: Tensor, axis a: Int, indices: [Int], size: Int) -> Tensor {
        precondition(g.shape[a] == indices.count, "indexAdd: \(indices.count) indices for axis of size \(g.shape[a])")
        var outShape = g.shape
        outShape[a] = size
        let out = Tensor.zeros(outShape, dtype: g.dtype)
        let outer = g.shape[..<a].reduce(1, *), inner = g.shape[(a + 1)...].reduce(1, *)
        indices.withUnsafeBufferPointer { idx in
            switch g.dtype {
            case .float32:
                indexAddKernel(g.storage.pointer(Float.self), out.storage.pointer(Float.self), idx,
                               outer: outer, n: size, inner: inner)
            case .float64:
                indexAddKernel(g.storage.pointer(Double.self), out.storage.pointer(Double.self), idx,
                               outer: outer, n: size, inner: inner)
            }
        }
        return out
    }
}
