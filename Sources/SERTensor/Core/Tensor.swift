import Foundation

/// An n-dimensional array of `Float` (or `Double`) with reverse-mode automatic differentiation.
///
/// **Semantics.** `Tensor` is a reference type, like `torch.Tensor`: a parameter held by a module and
/// updated by an optimiser is the same object the autograd graph refers to. Every operation returns a
/// *new* tensor with its own contiguous row-major storage; no operation aliases or mutates its inputs.
/// Elements change only through the explicit mutating API (``withUnsafeMutableBuffer(_:)``,
/// ``assign(_:)``), meant for optimisers and loaders under ``withNoGrad(_:)``.
///
/// **Shapes** are `[Int]`, outermost first; a scalar has shape `[]` and one element.
///
/// **Autograd.** A tensor created by an op records its ``gradFn`` when any input has
/// ``requiresGrad`` set and gradient recording is enabled (see ``withNoGrad(_:)``). Calling
/// ``backward(_:)`` on a scalar accumulates `∂out/∂leaf` into ``grad`` of every leaf that requires it.
public final class Tensor {
    /// Sizes of each dimension, outermost first.
    public let shape: [Int]
    /// Number of elements (product of ``shape``).
    public let count: Int
    /// The elements, row-major and contiguous.
    public internal(set) var storage: TensorStorage
    /// Whether gradients with respect to this tensor are wanted. Set it on leaves (parameters, inputs).
    public var requiresGrad: Bool
    /// The accumulated gradient of a leaf after ``backward(_:)``; `nil` until then. Same shape and dtype.
    public var grad: Tensor?
    /// How this tensor was made, when it was made from inputs that require gradients.
    public internal(set) var gradFn: GradNode?

    /// Element type.
    @inlinable public var dtype: DType { storage.dtype }
    /// Number of dimensions.
    @inlinable public var rank: Int { shape.count }
    /// True when this tensor was not produced by a recorded op.
    @inlinable public var isLeaf: Bool { gradFn == nil }

    /// Wraps existing storage. `storage.count` must equal the product of `shape`.
    public init(storage: TensorStorage, shape: [Int], requiresGrad: Bool = false) {
        let n = Tensor.elementCount(shape)
        precondition(n == storage.count, "Tensor: shape \(shape) needs \(n) elements, storage has \(storage.count)")
        self.shape = shape
        self.count = n
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    deinit {
        if var node = gradFn {
            gradFn = nil
            if isKnownUniquelyReferenced(&node) { Tensor.releaseGraph(node) }
        }
    }

    /// A new tensor, zero-filled.
    public convenience init(zeros shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) {
        self.init(storage: TensorStorage(dtype: dtype, count: Tensor.elementCount(shape)), shape: shape,
                  requiresGrad: requiresGrad)
    }

    /// A new uninitialised tensor (for kernels that write every element).
    @usableFromInline
    static func empty(_ shape: [Int], dtype: DType) -> Tensor {
        Tensor(storage: TensorStorage(dtype: dtype, count: elementCount(shape), zeroed: false), shape: shape)
    }

    /// A float32 tensor with the given elements (row-major). `data.count` must equal the shape's size.
    public convenience init(shape: [Int], data: [Float], requiresGrad: Bool = false) {
        self.init(shape: shape, scalars: data, requiresGrad: requiresGrad)
    }

    /// A tensor of `T`'s dtype with the given elements (row-major).
    public convenience init<T: TensorScalar>(shape: [Int], scalars: [T], requiresGrad: Bool = false) {
        let n = Tensor.elementCount(shape)
        precondition(n == scalars.count, "Tensor: shape \(shape) needs \(n) elements, got \(scalars.count)")
        let s = TensorStorage(dtype: T.dtype, count: n, zeroed: false)
        scalars.withUnsafeBufferPointer { src in
            if n > 0 { s.pointer(T.self).initialize(from: src.baseAddress!, count: n) }
        }
        self.init(storage: s, shape: shape, requiresGrad: requiresGrad)
    }

    /// A 1-D float32 tensor.
    public convenience init(_ data: [Float], requiresGrad: Bool = false) {
        self.init(shape: [data.count], data: data, requiresGrad: requiresGrad)
    }

    /// A scalar (shape `[]`) tensor.
    public convenience init(scalar: Float, dtype: DType = .float32, requiresGrad: Bool = false) {
        self.init(zeros: [], dtype: dtype, requiresGrad: requiresGrad)
        switch dtype {
        case .float32: storage.pointer(Float.self).pointee = scalar
        case .float64: storage.pointer(Double.self).pointee = Double(scalar)
        }
    }

    /// Product of the sizes in `shape` (1 for a scalar).
    @inlinable
    public static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape {
            precondition(d >= 0, "Tensor: negative dimension in shape \(shape)")
            n *= d
        }
        return n
    }

    // MARK: Element access

    /// Typed read-only access to the elements. `T` must match ``dtype``.
    @inlinable
    public func withUnsafeBuffer<T: TensorScalar, R>(_: T.Type = T.self,
                                                     _ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer(T.self), count: count))
    }

    /// Typed mutable access to the elements. Mutating a tensor that a recorded graph still uses
    /// invalidates that graph's gradients; do it only for parameters between steps, under no-grad.
    @inlinable
    public func withUnsafeMutableBuffer<T: TensorScalar, R>(_: T.Type = T.self,
                                                            _ body: (UnsafeMutableBufferPointer<T>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: storage.pointer(T.self), count: count))
    }

    /// The elements as `[Float]` (converted from float64 if needed).
    public var scalars: [Float] {
        switch dtype {
        case .float32: return withUnsafeBuffer(Float.self) { Array($0) }
        case .float64: return withUnsafeBuffer(Double.self) { $0.map { Float($0) } }
        }
    }

    /// The elements as `[Double]`.
    public var doubles: [Double] {
        switch dtype {
        case .float32: return withUnsafeBuffer(Float.self) { $0.map { Double($0) } }
        case .float64: return withUnsafeBuffer(Double.self) { Array($0) }
        }
    }

    /// The single element of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "Tensor.item: tensor of shape \(shape) has \(count) elements, not 1")
        return scalars[0]
    }

    /// Element at a multi-index (slow; for tests and debugging).
    public subscript(index: Int...) -> Float {
        precondition(index.count == rank, "Tensor subscript: \(index.count) indices for rank \(rank)")
        var off = 0
        for (i, (ix, d)) in zip(index, shape).enumerated() {
            precondition(ix >= 0 && ix < d, "Tensor subscript: index \(ix) out of range for dim \(i) of size \(d)")
            off = off * d + ix
        }
        switch dtype {
        case .float32: return storage.pointer(Float.self)[off]
        case .float64: return Float(storage.pointer(Double.self)[off])
        }
    }

    // MARK: Copies and conversion

    /// A copy with its own storage, not connected to the graph.
    public func copy() -> Tensor {
        Tensor(storage: storage.copy(), shape: shape)
    }

    /// The same values, detached from the graph (shares storage; does not require gradients).
    public func detach() -> Tensor {
        Tensor(storage: storage, shape: shape)
    }

    /// The values converted to `dtype` (differentiable).
    public func to(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let out = Tensor.empty(shape, dtype: dtype)
        switch (self.dtype, dtype) {
        case (.float32, .float64):
            let s = storage.pointer(Float.self), d = out.storage.pointer(Double.self)
            for i in 0..<count { d[i] = Double(s[i]) }
        case (.float64, .float32):
            let s = storage.pointer(Double.self), d = out.storage.pointer(Float.self)
            for i in 0..<count { d[i] = Float(s[i]) }
        default: break
        }
        let src = self.dtype
        return record(out, "to(\(dtype))", [self]) { g in [g.to(src)] }
    }

    /// Overwrites this tensor's elements with `other`'s (same shape; dtype converted). Not recorded.
    public func assign(_ other: Tensor) {
        precondition(other.shape == shape, "Tensor.assign: shape \(other.shape) into \(shape)")
        let o = other.to(dtype)
        storage.raw.copyMemory(from: o.storage.raw, byteCount: count * dtype.byteSize)
    }

    /// Marks this tensor as requiring gradients and returns it (for chaining).
    @discardableResult
    public func requiringGrad(_ flag: Bool = true) -> Tensor {
        requiresGrad = flag
        return self
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let vals = scalars
        let shown = vals.prefix(8).map { String(format: "%.5g", Double($0)) }.joined(separator: ", ")
        let more = vals.count > 8 ? ", … (\(vals.count) elements)" : ""
        return "Tensor(shape: \(shape), dtype: \(dtype.rawValue)\(requiresGrad ? ", requiresGrad" : ""), [\(shown)\(more)])"
    }
}

extension Tensor {
    /// How many elements are NaN or infinite (0 for a tensor of finite values).
    public var nonFiniteCount: Int {
        switch dtype {
        case .float32: return withUnsafeBuffer(Float.self) { b in b.reduce(0) { $0 + ($1.isFinite ? 0 : 1) } }
        case .float64: return withUnsafeBuffer(Double.self) { b in b.reduce(0) { $0 + ($1.isFinite ? 0 : 1) } }
        }
    }
}
