/// The on-disk element types the readers understand, all little-endian IEEE 754.
///
/// Reading converts each element to the requested ``DType``: `f16`, `bf16` and `f32` convert to
/// `Float` or `Double` exactly; `f64` converts to `Float` with round-to-nearest-even (exactly to `Double`).
enum StoredScalar: Sendable {
    case f16, bf16, f32, f64

    /// Bytes per element.
    var byteSize: Int {
        switch self {
        case .f16, .bf16: return 2
        case .f32: return 4
        case .f64: return 8
        }
    }

    /// Decodes `shape`'s elements from `bytes` (which must hold exactly `count * byteSize` bytes,
    /// any alignment) into a new tensor of `dtype`.
    func decode(_ bytes: UnsafeRawBufferPointer, shape: [Int], as dtype: DType) -> Tensor {
        let out = Tensor.empty(shape, dtype: dtype)  // every element is written below
        precondition(bytes.count == out.count * byteSize, "StoredScalar.decode: byte count mismatch")
        switch dtype {
        case .float32: out.withUnsafeMutableBuffer(Float.self) { decode(bytes, into: $0) }
        case .float64: out.withUnsafeMutableBuffer(Double.self) { decode(bytes, into: $0) }
        }
        return out
    }

    private func decode<T: TensorScalar>(_ bytes: UnsafeRawBufferPointer, into dst: UnsafeMutableBufferPointer<T>) {
        guard let dstBase = dst.baseAddress, let src = bytes.baseAddress, !dst.isEmpty else { return }
        let stored = self
        if stored == .f32 && T.self == Float.self && UInt32(littleEndian: 1) == 1 {
            UnsafeMutableRawPointer(dstBase).copyMemory(from: src, byteCount: bytes.count)
            return
        }
        if stored == .f64 && T.self == Double.self && UInt64(littleEndian: 1) == 1 {
            UnsafeMutableRawPointer(dstBase).copyMemory(from: src, byteCount: bytes.count)
            return
        }
        Parallel.forRanges(dst.count, costPerItem: 2) { range in
            switch stored {
            case .f16:
                for i in range {
                    let h = UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    dstBase[i] = T(HalfPrecision.float(fromHalf: h))
                }
            case .bf16:
                for i in range {
                    let h = UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    dstBase[i] = T(HalfPrecision.float(fromBFloat16: h))
                }
            case .f32:
                for i in range {
                    let b = UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                    dstBase[i] = T(Float(bitPattern: b))
                }
            case .f64:
                for i in range {
                    let b = UInt64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
                    dstBase[i] = T(Double(bitPattern: b))
                }
            }
        }
    }

    /// Appends `tensor`'s elements to `data` as little-endian `f32` or `f64` (converting with
    /// round-to-nearest-even where the tensor's dtype differs).
    static func append(_ tensor: Tensor, as stored: StoredScalar, to data: inout [UInt8]) {
        precondition(stored == .f32 || stored == .f64, "StoredScalar.append: only f32 and f64 are written")
        let start = data.count
        let n = tensor.count
        data.append(contentsOf: repeatElement(0, count: n * stored.byteSize))
        guard n > 0 else { return }
        data.withUnsafeMutableBytes { raw in
            let dst = raw.baseAddress! + start
            switch (tensor.dtype, stored) {
            case (.float32, .f32):
                tensor.withUnsafeBuffer(Float.self) { src in
                    for i in 0..<n { dst.storeBytes(of: src[i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
                }
            case (.float64, .f32):
                tensor.withUnsafeBuffer(Double.self) { src in
                    for i in 0..<n { dst.storeBytes(of: Float(src[i]).bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
                }
            case (.float32, .f64):
                tensor.withUnsafeBuffer(Float.self) { src in
                    for i in 0..<n { dst.storeBytes(of: Double(src[i]).bitPattern.littleEndian, toByteOffset: 8 * i, as: UInt64.self) }
                }
            case (.float64, .f64):
                tensor.withUnsafeBuffer(Double.self) { src in
                    for i in 0..<n { dst.storeBytes(of: src[i].bitPattern.littleEndian, toByteOffset: 8 * i, as: UInt64.self) }
                }
            default:
                break
            }
        }
    }
}
