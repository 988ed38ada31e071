/// Comparisons and selection. Comparisons return 0/1 tensors of the inputs' dtype and are not
/// differentiable; ``Tensor/where(_:_:_:)`` is differentiable in its two value arguments.
extension Tensor {
    private static func compare(_ a: Tensor, _ b: Tensor, _ name: String,
                                _ f32: @escaping (Float, Float) -> Bool, _ f64: @escaping (Double, Double) -> Bool) -> Tensor {
        precondition(a.dtype == b.dtype, "\(name): dtypes \(a.dtype) and \(b.dtype) differ")
        let plan = BroadcastPlan(a.shape, b.shape, op: name)
        let out = Tensor.empty(plan.outShape, dtype: a.dtype)
        let ea = a.expanded(to: plan.outShape), eb = b.expanded(to: plan.outShape)
        switch a.dtype {
        case .float32:
            let pa = ea.storage.pointer(Float.self), pb = eb.storage.pointer(Float.self), po = out.storage.pointer(Float.self)
            for i in 0..<out.count { po[i] = f32(pa[i], pb[i]) ? 1 : 0 }
        case .float64:
            let pa = ea.storage.pointer(Double.self), pb = eb.storage.pointer(Double.self), po = out.storage.pointer(Double.self)
            for i in 0..<out.count { po[i] = f64(pa[i], pb[i]) ? 1 : 0 }
        }
        return out
    }

    /// 1 where `self > other`, else 0 (broadcast).
    public func greater(_ other: Tensor) -> Tensor { Tensor.compare(self, other, "greater", { $0 > $1 }, { $0 > $1 }) }
    /// 1 where `self >= other`, else 0 (broadcast).
    public func greaterEqual(_ other: Tensor) -> Tensor { Tensor.compare(self, other, "greaterEqual", { $0 >= $1 }, { $0 >= $1 }) }
    /// 1 where `self < other`, else 0 (broadcast).
    public func less(_ other: Tensor) -> Tensor { Tensor.compare(self, other, "less", { $0 < $1 }, { $0 < $1 }) }
    /// 1 where `self == other`, else 0 (broadcast).
    public func equal(_ other: Tensor) -> Tensor { Tensor.compare(self, other, "equal", { $0 == $1 }, { $0 == $1 }) }
    /// 1 where the element is NaN or infinite.
    public func isNonFinite() -> Tensor {
        let z = Tensor.zeros([], dtype: dtype)
        return Tensor.compare(self, z, "isNonFinite", { a, _ in !a.isFinite }, { a, _ in !a.isFinite })
    }

    /// `a` where `condition` is non-zero, else `b` (all three broadcast). A NaN in the branch not
    /// taken does not leak into the result or its gradient.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.dtype == b.dtype, "where: dtypes \(a.dtype) and \(b.dtype) differ")
        let shape = ShapeMath.broadcast(ShapeMath.broadcast(condition.shape, a.shape, op: "where"), b.shape, op: "where")
        let c = condition.to(a.dtype).expanded(to: shape)
        let out = selectRaw(c, a.detach().expanded(to: shape), b.detach().expanded(to: shape))
        return record(out, "where", [a, b]) { g in
            let z = Tensor.zeros([], dtype: g.dtype).expanded(to: g.shape)
            return [a.requiresGrad ? selectRaw(c, g, z).sumToShape(a.shape) : nil,
                    b.requiresGrad ? selectRaw(c, z, g).sumToShape(b.shape) : nil]
        }
    }

    /// Replaces elements where `mask` is non-zero by `value` (differentiable in `self`).
    public func maskedFill(_ mask: Tensor, _ value: Double) -> Tensor {
        Tensor.where(mask, Tensor.full([], value, dtype: dtype), self)
    }

    /// Select between same-shaped tensors without autograd.
    private static func selectRaw(_ c: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let out = Tensor.empty(c.shape, dtype: a.dtype)
        switch a.dtype {
        case .float32:
            let pc = c.storage.pointer(Float.self), pa = a.storage.pointer(Float.self)
            let pb = b.storage.pointer(Float.self), po = out.storage.pointer(Float.self)
            for i in 0..<out.count { po[i] = pc[i] != 0 ? pa[i] : pb[i] }
        case .float64:
            let pc = c.storage.pointer(Double.self), pa = a.storage.pointer(Double.self)
            let pb = b.storage.pointer(Double.self), po = out.storage.pointer(Double.self)
            for i in 0..<out.count { po[i] = pc[i] != 0 ? pa[i] : pb[i] }
        }
        return out
    }
}
