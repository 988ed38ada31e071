/// The copy kernel behind the layout ops (permute, slice, concat, expand, constant padding).
///
/// A *strided view* of a buffer is `(offset, strides)` over a logical `shape`: element
/// `(i0, …, i{r-1})` lives at `offset + Σ ik * strides[k]` (strides in elements; `0` repeats an
/// element, as in a broadcast). ``StridedCopy`` copies every element of a source view into the same
/// position of a destination view. Before copying it
/// - drops dimensions of size 1 and merges neighbouring dimensions that are contiguous in both views,
///   so that e.g. a slice along axis 0 becomes one `memcpy` per slice row;
/// - copies each innermost run with `memcpy` when both views are contiguous there, or fills it when the
///   source repeats one element (stride 0);
/// - when the destination is contiguous in its innermost dimension but the source is contiguous in a
///   *different* dimension (a transpose), copies 32×32 tiles so that reads and writes both stay in cache.
/// Work is split across cores with ``Parallel/forRanges(_:costPerItem:_:)``.
enum StridedCopy {
    /// Tile edge of the blocked transpose path (32×32 doubles = 8 KiB, well inside L1).
    static let tile = 32

    /// A view description with unit dimensions removed and contiguous neighbours merged.
    struct Plan {
        var shape: [Int]
        var src: [Int]
        var dst: [Int]
        var count: Int

        init(shape: [Int], srcStrides: [Int], dstStrides: [Int]) {
            precondition(shape.count == srcStrides.count && shape.count == dstStrides.count,
                         "StridedCopy: shape \(shape) with strides \(srcStrides) and \(dstStrides)")
            count = shape.reduce(1, *)
            var sh: [Int] = [], s: [Int] = [], d: [Int] = []
            for k in shape.indices where shape[k] != 1 {
                if let last = sh.last, s[s.count - 1] == srcStrides[k] * shape[k],
                   d[d.count - 1] == dstStrides[k] * shape[k] {
                    // Dimension k continues the previous one in both views: merge them.
                    sh[sh.count - 1] = last * shape[k]
                    s[s.count - 1] = srcStrides[k]
                    d[d.count - 1] = dstStrides[k]
                } else {
                    sh.append(shape[k]); s.append(srcStrides[k]); d.append(dstStrides[k])
                }
            }
            self.shape = sh
            self.src = s
            self.dst = d
        }
    }

    /// Copies the source view into the destination view (pointers already include the offsets).
    /// The two views must not overlap.
    @inline(__always)
    static func run<T: TensorScalar>(_ plan: Plan, from src: UnsafePointer<T>, to dst: UnsafeMutablePointer<T>) {
        if plan.count == 0 { return }
        let r = plan.shape.count
        if r == 0 { dst[0] = src[0]; return }
        let n = plan.shape[r - 1], ss = plan.src[r - 1], ds = plan.dst[r - 1]
        // Transpose-like: contiguous writes along the last dimension, contiguous reads along another.
        if ds == 1 && ss != 1 && ss != 0 && n >= 4,
           let k = plan.src[..<(r - 1)].lastIndex(of: 1), plan.shape[k] >= 4 {
            runTiled(plan, k: k, from: src, to: dst)
            return
        }
        let rows = plan.count / n
        Parallel.forRanges(rows, costPerItem: n) { range in
            // Odometer over the outer dimensions, started at the range's first row.
            var index = [Int](repeating: 0, count: r - 1)
            var so = 0, dso = 0, rest = range.lowerBound
            for k in stride(from: r - 2, through: 0, by: -1) {
                index[k] = rest % plan.shape[k]
                rest /= plan.shape[k]
                so += index[k] * plan.src[k]
                dso += index[k] * plan.dst[k]
            }
            for _ in range {
                let s = src + so, d = dst + dso
                if ss == 1 && ds == 1 {
                    d.update(from: s, count: n)
                } else if ss == 0 && ds == 1 {
                    d.update(repeating: s[0], count: n)
                } else {
                    for j in 0..<n { d[j * ds] = s[j * ss] }
                }
                var k = r - 2
                while k >= 0 {
                    index[k] += 1
                    so += plan.src[k]
                    dso += plan.dst[k]
                    if index[k] < plan.shape[k] { break }
                    so -= plan.src[k] * plan.shape[k]
                    dso -= plan.dst[k] * plan.shape[k]
                    index[k] = 0
                    k -= 1
                }
            }
        }
    }

    /// Blocked copy of the plane (dimension `k`, last dimension) for every position of the other
    /// dimensions: the source is contiguous along `k`, the destination along the last dimension.
    @inline(__always)
    static func runTiled<T: TensorScalar>(_ plan: Plan, k: Int, from src: UnsafePointer<T>,
                                          to dst: UnsafeMutablePointer<T>) {
        let r = plan.shape.count
        let n = plan.shape[r - 1], ss = plan.src[r - 1]
        let m = plan.shape[k], dk = plan.dst[k]
        let outerDims = (0..<(r - 1)).filter { $0 != k }
        let outer = outerDims.reduce(1) { $0 * plan.shape[$1] }
        let bands = (m + tile - 1) / tile
        Parallel.forRanges(outer * bands, costPerItem: tile * n) { range in
            for item in range {
                var rest = item / bands
                let i0 = (item % bands) * tile, i1 = Swift.min(i0 + tile, m)
                var so = 0, dso = 0
                for d in outerDims.reversed() {
                    let i = rest % plan.shape[d]
                    rest /= plan.shape[d]
                    so += i * plan.src[d]
                    dso += i * plan.dst[d]
                }
                var j0 = 0
                while j0 < n {
                    let j1 = Swift.min(j0 + tile, n)
                    for i in i0..<i1 {
                        let s = src + so + i, d = dst + dso + i * dk
                        for j in j0..<j1 { d[j] = s[j * ss] }
                    }
                    j0 = j1
                }
            }
        }
    }
}

extension Tensor {
    /// Copies the view `(srcOffset, srcStrides)` of `src` over `shape` into the view
    /// `(dstOffset, dstStrides)` of `dst` (`at:` is the destination offset) (no autograd; `dst` is written in place and must be a
    /// fresh tensor that no graph refers to yet).
    static func stridedCopyRaw(from src: Tensor, offset srcOffset: Int = 0, strides srcStrides: [Int],
                               into dst: Tensor, at dstOffset: Int = 0, strides dstStrides: [Int],
                               shape: [Int]) {
        precondition(src.dtype == dst.dtype, "stridedCopy: dtypes \(src.dtype) and \(dst.dtype) differ")
        let plan = StridedCopy.Plan(shape: shape, srcStrides: srcStrides, dstStrides: dstStrides)
        switch src.dtype {
        case .float32:
            StridedCopy.run(plan, from: src.storage.pointer(Float.self) + srcOffset,
                            to: dst.storage.pointer(Float.self) + dstOffset)
        case .float64:
            StridedCopy.run(plan, from: src.storage.pointer(Double.self) + srcOffset,
                            to: dst.storage.pointer(Double.self) + dstOffset)
        }
    }
}
