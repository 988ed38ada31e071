import Foundation

/// Reading and writing the Hugging Face safetensors format.
///
/// **Layout.** An 8-byte little-endian unsigned header length `N`, then `N` bytes of UTF-8 JSON
/// `{name: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {str: str}}`
/// (metadata optional), then the data buffer. Offsets are byte offsets into the buffer; elements are
/// little-endian, row-major (C order).
///
/// **Reading** accepts `F32`, `F64`, `F16` and `BF16` tensors and converts them to `float32`
/// (default) or `float64` tensors: F16, BF16 and F32 convert exactly, F64 to float32 rounds to
/// nearest even. The whole file is validated first, as strictly as the reference implementation
/// (see ``TensorIOError`` for the failure cases); no byte sequence makes it trap.
///
/// **Writing** stores float32 tensors as `F32`, and float64 tensors as `F32` (rounded) or, with
/// `keepFloat64`, as `F64`. The bytes are those the reference `safetensors` library writes for the
/// same tensors: tensors ordered by dtype (F64 first) then name, metadata keys in byte order (the
/// reference's own metadata order is unspecified), header padded with spaces to a multiple of 8.
/// File writes are atomic.
public enum Safetensors {
    // MARK: Files

    /// The tensors in the file at `url`, by name, as `dtype` (`.float32` or `.float64`).
    public static func read(from url: URL, as dtype: DType = .float32) throws -> [String: Tensor] {
        try readWithMetadata(from: url, as: dtype).tensors
    }

    /// The tensors and the `__metadata__` string map (empty when the file has none) of the file at `url`.
    /// - Parameter keepFloat64: read `F64` tensors as float64 tensors (exactly), whatever `dtype` says;
    ///   the other tensors are read as `dtype`. The reading counterpart of ``write(_:metadata:to:keepFloat64:)``'s.
    public static func readWithMetadata(from url: URL, as dtype: DType = .float32, keepFloat64: Bool = false) throws
        -> (tensors: [String: Tensor], metadata: [String: String]) {
        try decode(FileAccess.read(url), as: dtype, keepFloat64: keepFloat64, source: url.path)
    }

    /// Writes `tensors` (and optional string `metadata`) to `url` atomically.
    ///
    /// - Parameter keepFloat64: store float64 tensors as `F64` instead of rounding them to `F32`.
    /// - Throws: ``TensorIOError/invalidTensor(file:name:reason:)`` for the reserved name `__metadata__`,
    ///   ``TensorIOError/unwritable(file:reason:)`` when the file cannot be written.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String]? = nil, to url: URL,
                             keepFloat64: Bool = false) throws {
        let data = try encode(tensors, metadata: metadata, keepFloat64: keepFloat64, source: url.path)
        try FileAccess.writeAtomically(data, to: url)
    }

    // MARK: In memory

    /// Decodes safetensors bytes. `source` names the data in errors (a path, a URL, …); `keepFloat64` as
    /// in ``readWithMetadata(from:as:keepFloat64:)``.
    public static func decode(_ data: Data, as dtype: DType = .float32, keepFloat64: Bool = false, source: String = "<data>") throws
        -> (tensors: [String: Tensor], metadata: [String: String]) {
        try data.withUnsafeBytes { raw in
            guard raw.count >= 8 else { throw TensorIOError.fileTooShort(file: source, size: raw.count, minimum: 8) }
            let headerLength = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            guard headerLength <= UInt64(SafetensorsHeader.maxHeaderSize) else {
                throw TensorIOError.headerTooLarge(file: source, headerLength: headerLength,
                                                   limit: SafetensorsHeader.maxHeaderSize)
            }
            let n = Int(headerLength)
            guard n <= raw.count - 8 else {
                throw TensorIOError.headerLengthBeyondFile(file: source, headerLength: headerLength, fileSize: raw.count)
            }
            let bufferStart = 8 + n
            let header = try SafetensorsHeader.parse(UnsafeRawBufferPointer(rebasing: raw[8..<bufferStart]),
                                                     bufferSize: raw.count - bufferStart, file: source)
            var tensors: [String: Tensor] = [:]
            tensors.reserveCapacity(header.entries.count)
            for e in header.entries {
                let bytes = UnsafeRawBufferPointer(rebasing: raw[(bufferStart + e.begin)..<(bufferStart + e.end)])
                tensors[e.name] = e.stored.decode(bytes, shape: e.shape, as: keepFloat64 && e.stored == .f64 ? .float64 : dtype)
            }
            return (tensors, header.metadata ?? [:])
        }
    }

    /// Encodes tensors (and optional string metadata) as safetensors bytes; see ``write(_:metadata:to:keepFloat64:)``.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String]? = nil,
                              keepFloat64: Bool = false) throws -> Data {
        try encode(tensors, metadata: metadata, keepFloat64: keepFloat64, source: "<data>")
    }

    static func encode(_ tensors: [String: Tensor], metadata: [String: String]?, keepFloat64: Bool,
                       source: String) throws -> Data {
        if tensors[SafetensorsHeader.metadataKey] != nil {
            throw TensorIOError.invalidTensor(file: source, name: SafetensorsHeader.metadataKey,
                                              reason: "the name is reserved for the file's metadata")
        }
        // Reference order: larger dtype first (F64 before F32), then name by bytes.
        let ordered = tensors.map { (name: $0.key, tensor: $0.value,
                                     stored: keepFloat64 && $0.value.dtype == .float64 ? StoredScalar.f64 : .f32) }
            .sorted {
                if $0.stored != $1.stored { return $0.stored == .f64 }
                return Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8))
            }
        var entries: [SafetensorsHeader.Entry] = []
        var offset = 0
        for t in ordered {
            let size = t.tensor.count * t.stored.byteSize
            entries.append(.init(name: t.name, stored: t.stored, shape: t.tensor.shape, begin: offset, end: offset + size))
            offset += size
        }
        let header = SafetensorsHeader(entries: entries, metadata: metadata).serialized()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        for t in ordered { StoredScalar.append(t.tensor, as: t.stored, to: &bytes) }
        return Data(bytes)
    }
}
