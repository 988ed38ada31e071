/// Padding (`torch.nn.functional.pad` semantics, `numpy.pad` modes `constant`/`edge`/`reflect`).

/// How ``Tensor/padded(_:mode:value:)`` fills the border.
public enum PadMode: String, Sendable, Codable, CaseIterable {
    /// Every padded element is the constant `value`.
    case constant
    /// Repeats the edge element (`numpy.pad(mode: "edge")`): `[a b c]` padded by 2 → `a a [a b c] c c`.
    case replicate
    /// Mirrors about the edge element, which is not repeated (`numpy.pad(mode: "reflect")`):
    /// `[a b c d]` padded by 2 → `c b [a b c d] c b`. Needs every pad smaller than its axis.
    case reflect
}

/// For every output position along one axis, the input position it copies (`-1`: the constant).
private func sourceMap(size n: Int, before: Int, after: Int, mode: PadMode) -> [Int] {
    (0..<(before + n + after)).map { o in
        let i = o - before
        if i >= 0 && i < n { return i }
        switch mode {
        case .constant: return -1
        case .replicate: return i < 0 ? 0 : n - 1
        case .reflect: return i < 0 ? -i : 2 * (n - 1) - i
        }
    }
}

/// Writes the padded output row by row (rows = all dimensions but the last). `maps` holds the
/// concatenated source maps of all axes, axis `d` starting at `mapStart[d]`.
@inline(__always)
private func padKernel<T: TensorScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, inShape: [Int],
                                        outShape: [Int], maps: UnsafeBufferPointer<Int>, mapStart: [Int],
                                        before: Int, value: T) {
    let r = outShape.count
    let n = inShape[r - 1], m = outShape[r - 1]
    let inStrides = ShapeMath.strides(inShape)
    let last = UnsafeBufferPointer(rebasing: maps[mapStart[r - 1]...])
    let rows = m == 0 ? 0 : Tensor.elementCount(outShape) / m
    Parallel.forRanges(rows, costPerItem: m) { range in
        var index = [Int](repeating: 0, count: r - 1)
        var rest = range.lowerBound
        for k in stride(from: r - 2, through: 0, by: -1) {
            index[k] = rest % outShape[k]
            rest /= outShape[k]
        }
        for row in range {
            let out = y + row * m
            var off = 0, inside = true
            for k in 0..<(r - 1) {
                let s = maps[mapStart[k] + index[k]]
                if s < 0 { inside = false; break }
                off += s * inStrides[k]
            }
            if inside {
                let src = x + off
                for j in 0..<before { let s = last[j]; out[j] = s < 0 ? value : src[s] }
                (out + before).update(from: src, count: n)
                for j in (before + n)..<m { let s = last[j]; out[j] = s < 0 ? value : src[s] }
            } else {
                out.update(repeating: value, count: m)
            }
            var k = r - 2
            while k >= 0 {
                index[k] += 1
                if index[k] < outShape[k] { break }
                index[k] = 0
                k -= 1
            }
        }
    }
}

extension Tensor {
    /// Pads every axis: `pads[d] = (before, after)` elements are added to axis `d`, **listed from the
    /// first axis** (outermost) — unlike `F.pad`, which lists the last axis first. `pads.count` must
    /// equal `rank`; use `(0, 0)` for axes left alone (or ``paddedLast(_:mode:value:)``).
    ///
    /// Shapes: `[d0, …]` → `[d0 + b0 + a0, …]`. Modes follow `torch.nn.functional.pad`: `.constant`
    /// fills with `value`; `.replicate` repeats the edge; `.reflect` mirrors without repeating the edge
    /// and needs `before, after < d` on each padded axis. Pads must be non-negative.
    ///
    /// `value` is used by `.constant` only.
    ///
    /// Gradient: for `.constant` the interior of ∂L/∂out; for `.replicate`/`.reflect` each border
    /// element's gradient is added to the input element it copies.
    public func padded(_ pads: [(Int, Int)], mode: PadMode = .constant, value: Double = 0) -> Tensor {
        precondition(pads.count == rank, "pad: \(pads.count) (before, after) pairs for a tensor of rank \(rank)")
        for (d, (b, a)) in pads.enumerated() {
            precondition(b >= 0 && a >= 0, "pad: negative padding (\(b), \(a)) on axis \(d)")
            switch mode {
            case .constant: break
            case .replicate:
                precondition(shape[d] > 0 || (b == 0 && a == 0), "pad: replicate padding of the empty axis \(d)")
            case .reflect:
                precondition((b < shape[d] && a < shape[d]) || (b == 0 && a == 0),
                             "pad: reflect padding (\(b), \(a)) must be smaller than axis \(d) of size \(shape[d])")
            }
        }
        if pads.allSatisfy({ $0 == (0, 0) }) { return self }
        let outShape = zip(shape, pads).map { $0 + $1.0 + $1.1 }
        var maps: [Int] = [], mapStart: [Int] = []
        for d in 0..<rank {
            mapStart.append(maps.count)
            maps += sourceMap(size: shape[d], before: pads[d].0, after: pads[d].1, mode: mode)
        }
        let out = Tensor.empty(outShape, dtype: dtype)
        let inShape = shape, before = pads[rank - 1].0
        maps.withUnsafeBufferPointer { mp in
            switch dtype {
            case .float32:
                padKernel(storage.pointer(Float.self), out.storage.pointer(Float.self), inShape: inShape, outShape: outShape,
                          maps: mp, mapStart: mapStart, before: before, value: Float(value))
            case .float64:
                padKernel(storage.pointer(Double.self), out.storage.pointer(Double.self), inShape: inShape, outShape: outShape,
                          maps: mp, mapStart: mapStart, before: before, value: value)
            }
        }
        return record(out, "pad(\(mode.rawValue))", [self]) { g in
            if mode == .constant {
                // The interior of ∂L/∂out: one strided view, copied.
                let gx = Tensor.empty(inShape, dtype: g.dtype)
                let gStrides = ShapeMath.strides(outShape)
                let offset = zip(pads, gStrides).reduce(0) { $0 + $1.0.0 * $1.1 }
                Tensor.stridedCopyRaw(from: g, offset: inShape.contains(0) ? 0 : offset, strides: gStrides,
                                      into: gx, strides: ShapeMath.strides(inShape), shape: inShape)
                return [gx]
            }
            // Fold one padded axis at a time: index-add its border back onto the source positions.
            var acc = g
            for d in 0..<inShape.count where pads[d] != (0, 0) {
                let map = Array(maps[mapStart[d]..<(mapStart[d] + outShape[d])])
                acc = Tensor.indexAddRaw(acc, axis: d, indices: map, size: inShape[d])
            }
            return [acc]
        }
    }

    /// Pads the last `pads.count` axes; `pads` is listed in axis order (outermost of those first),
    /// so `x.paddedLast([(1, 1)])` pads the last axis and `x.paddedLast([(2, 2), (1, 1)])` the last two.
    /// See ``padded(_:mode:value:)`` for modes and gradients.
    public func paddedLast(_ pads: [(Int, Int)], mode: PadMode = .constant, value: Double = 0) -> Tensor {
        precondition(pads.count <= rank, "pad: \(pads.count) (before, after) pairs for a tensor of rank \(rank)")
        return padded([(Int, Int)](repeating: (0, 0), count: rank - pads.count) + pads, mode: mode, value: value)
    }
}
