/// A contiguous, 64-byte aligned block of elements of one ``DType``.
///
/// Storage is owned by exactly one ``Tensor`` in normal use; SwiftSER never creates views that
/// alias another tensor's storage (shape ops copy), so a tensor's elements change only through the
/// explicit mutating API (`withUnsafeMutableBuffer`, `assign`), which optimisers use on parameters.
public final class TensorStorage {
    public let dtype: DType
    /// Number of elements.
    public let count: Int
    @usableFromInline let raw: UnsafeMutableRawPointer

    /// Allocates storage for `count` elements; zero-filled when `zeroed` is true.
    public init(dtype: DType, count: Int, zeroed: Bool = true) {
        precondition(count >= 0, "TensorStorage: negative element count \(count)")
        self.dtype = dtype
        self.count = count
        let bytes = max(count, 1) * dtype.byteSize
        raw = StoragePool.allocate(bytes: bytes)
        if zeroed { raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes) }
    }

    deinit { StoragePool.release(raw, bytes: max(count, 1) * dtype.byteSize) }

    /// Typed pointer to the elements; `T` must match ``dtype``.
    @inlinable
    public func pointer<T: TensorScalar>(_: T.Type) -> UnsafeMutablePointer<T> {
        precondition(T.dtype == dtype, "TensorStorage: requested \(T.dtype) pointer to \(dtype) storage")
        return raw.assumingMemoryBound(to: T.self)
    }

    /// A copy of this storage.
    public func copy() -> TensorStorage {
        let s = TensorStorage(dtype: dtype, count: count, zeroed: false)
        s.raw.copyMemory(from: raw, byteCount: count * dtype.byteSize)
        return s
    }
}
