import SERTensor

/// The element type of a torch storage, from its pickled class name (`torch.FloatStorage` …).
public enum TorchStorageType: String, Sendable, CaseIterable {
    case float = "FloatStorage", double = "DoubleStorage", half = "HalfStorage", bfloat16 = "BFloat16Storage"
    case long = "LongStorage", int = "IntStorage", short = "ShortStorage", char = "CharStorage"
    case byte = "ByteStorage", bool = "BoolStorage", complexFloat = "ComplexFloatStorage"
    case complexDouble = "ComplexDoubleStorage", qint8 = "QInt8Storage", quint8 = "QUInt8Storage"
    case qint32 = "QInt32Storage", quint4x2 = "QUInt4x2Storage"

    /// Bytes per element (as torch's `_element_size`).
    public var elementSize: Int {
        switch self {
        case .double, .long, .complexFloat: return 8
        case .float, .int, .qint32: return 4
        case .half, .bfloat16, .short: return 2
        case .char, .byte, .bool, .qint8, .quint8, .quint4x2: return 1
        case .complexDouble: return 16
        }
    }

    /// Whether tensors of this type can be read as float tensors.
    public var isFloatingPoint: Bool { self == .float || self == .double || self == .half || self == .bfloat16 }
}

/// A storage named by a pickle persistent id: `('storage', torch.<Type>Storage, key, location, numel[, view])`.
public struct TorchStorageRef: Sendable, Equatable {
    public var type: TorchStorageType
    /// The storage's key: the zip entry `data/<key>`, or the legacy format's storage-list entry.
    public var key: String
    /// Where it lived when saved (`cpu`, `cuda:0`); ignored.
    public var location: String
    /// Elements in the storage.
    public var count: Int
    /// For a legacy storage view: its first element and its length within the storage; otherwise 0 and `count`.
    public var viewOffset: Int = 0
    public var viewCount: Int

    public init(type: TorchStorageType, key: String, location: String, count: Int) {
        self.type = type
        self.key = key
        self.location = location
        self.count = count
        viewCount = count
    }
}

/// A tensor as `torch._utils._rebuild_tensor_v2` describes it: a strided view of a storage.
public struct TorchTensorRef: Sendable, Equatable {
    public var storage: TorchStorageRef
    /// First element, in elements from the start of the storage (view).
    public var storageOffset: Int
    public var shape: [Int]
    /// Strides in elements.
    public var strides: [Int]

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
}

extension TorchTensorRef {
    /// Checks that the view lies inside its storage; returns the highest element index it touches + 1
    /// (0 for an empty tensor), relative to the storage view's start.
    func validatedExtent(file: String, name: String) throws -> Int {
        func bad(_ r: String) -> TorchCheckpointError { .invalidValue(file: file, what: "tensor '\(name)'", reason: r) }
        guard shape.count == strides.count else {
            throw bad("shape \(shape) and strides \(strides) differ in rank")
        }
        guard storageOffset >= 0, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }) else {
            throw bad("negative size, stride or storage offset (shape \(shape), strides \(strides), offset \(storageOffset))")
        }
        var n = 1
        for s in shape {
            let (p, o) = n.multipliedReportingOverflow(by: s)
            guard !o, p <= (1 << 40) else { throw bad("shape \(shape) has too many elements") }
            n = p
        }
        // Stride-0 (expanded) views may hold more elements than their storage; cap them so that a corrupt
        // file cannot make the reader allocate without bound.
        guard n <= max(storage.viewCount, 1 << 28) else {
            throw bad("shape \(shape) has \(n) elements, more than its storage '\(storage.key)' (\(storage.viewCount)) and 2^28")
        }
        if n == 0 { return 0 }
        var last = storageOffset
        for (s, st) in zip(shape, strides) {
            let (p, o1) = (s - 1).multipliedReportingOverflow(by: st)
            let (q, o2) = last.addingReportingOverflow(p)
            guard !o1, !o2 else { throw bad("strides \(strides) overflow") }
            last = q
        }
        guard last < storage.viewCount else {
            throw bad("shape \(shape), strides \(strides) and offset \(storageOffset) reach element \(last) "
                      + "but its storage '\(storage.key)' has \(storage.viewCount) elements")
        }
        return last + 1
    }

    /// Gathers the view's elements (row-major) from the storage's little-endian bytes into a float32 tensor.
    /// `bytes` holds the storage view from its first element.
    func gather(from bytes: UnsafeRawBufferPointer, file: String, name: String) throws -> Tensor {
        let extent = try validatedExtent(file: file, name: name)
        let size = storage.type.elementSize
        guard extent * size <= bytes.count else {
            throw TorchCheckpointError.invalidValue(file: file, what: "tensor '\(name)'",
                                                    reason: "needs \(extent * size) bytes of storage '\(storage.key)', which has \(bytes.count)")
        }
        let decode: (Int) -> Float
        switch storage.type {
        case .float: decode = { Float(bitPattern: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self).littleEndian) }
        case .double: decode = { Float(Double(bitPattern: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self).littleEndian)) }
        case .half: decode = { HalfPrecision.float(fromHalf: bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self).littleEndian) }
        case .bfloat16: decode = { Float(bitPattern: UInt32(bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self).littleEndian) << 16) }
        default:
            throw TorchCheckpointError.unsupported(file: file, reason: "tensor '\(name)' has element type \(storage.type.rawValue); "
                                                   + "only Float, Double, Half and BFloat16 tensors are read")
        }
        let out = Tensor(storage: TensorStorage(dtype: .float32, count: count, zeroed: false), shape: shape)
        let dst = out.storage.pointer(Float.self)
        let rank = shape.count
        if rank == 0 {
            dst[0] = decode(storageOffset)
            return out
        }
        if count == 0 { return out }
        // Odometer over all but the last axis; the last axis is a strided run.
        var index = [Int](repeating: 0, count: rank)
        let inner = shape[rank - 1], innerStride = strides[rank - 1]
        var base = storageOffset, o = 0
        while true {
            var src = base
            for _ in 0..<inner { dst[o] = decode(src); o += 1; src += innerStride }
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                base += strides[d]
                if index[d] < shape[d] { break }
                base -= strides[d] * shape[d]
                index[d] = 0
                d -= 1
            }
            if d < 0 { break }
        }
        return out
    }
}
