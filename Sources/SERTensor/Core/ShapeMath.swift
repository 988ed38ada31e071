/// Shape arithmetic shared by the ops: strides, axis normalisation and NumPy broadcasting.
public enum ShapeMath {
    /// Row-major (C-order) strides of `shape`, in elements.
    @inlinable
    public static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= shape[i]
        }
        return s
    }

    /// Resolves a possibly negative axis (`-1` is the last) against `rank`.
    @inlinable
    public static func normalizeAxis(_ axis: Int, rank: Int, op: String = "op") -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < max(rank, 1) || (rank == 0 && a == 0),
                     "\(op): axis \(axis) out of range for rank \(rank)")
        return a
    }

    /// Sorted, de-duplicated, non-negative axes; `nil` means all axes.
    @inlinable
    public static func normalizeAxes(_ axes: [Int]?, rank: Int, op: String = "op") -> [Int] {
        guard let axes else { return Array(0..<rank) }
        return Array(Set(axes.map { normalizeAxis($0, rank: rank, op: op) })).sorted()
    }

    /// The NumPy broadcast of two shapes (dimensions aligned from the right; sizes equal or 1).
    public static func broadcast(_ a: [Int], _ b: [Int], op: String = "broadcast") -> [Int] {
        let r = max(a.count, b.count)
        var out = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let da = i < r - a.count ? 1 : a[i - (r - a.count)]
            let db = i < r - b.count ? 1 : b[i - (r - b.count)]
            precondition(da == db || da == 1 || db == 1,
                         "\(op): shapes \(a) and \(b) cannot be broadcast together")
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// Strides for reading a tensor of `shape` as if it had the broadcast shape `target`
    /// (0 along broadcast dimensions).
    public static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let s = strides(shape)
        let off = target.count - shape.count
        var out = [Int](repeating: 0, count: target.count)
        for i in 0..<shape.count where shape[i] != 1 || target[i + off] == 1 {
            out[i + off] = shape[i] == 1 ? 0 : s[i]
        }
        return out
    }

    /// The axes of `target` along which `shape` was broadcast (for reducing gradients back).
    public static func broadcastAxes(_ shape: [Int], to target: [Int]) -> [Int] {
        let off = target.count - shape.count
        var axes: [Int] = []
        for i in 0..<target.count {
            if i < off { axes.append(i) } else if shape[i - off] == 1 && target[i] != 1 { axes.append(i) }
        }
        return axes
    }
}
