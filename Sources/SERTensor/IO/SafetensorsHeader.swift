/// The JSON header of a safetensors file: per-tensor dtype, shape and byte range, plus optional
/// string metadata. Parsing validates it the way the reference implementation (`safetensors` 0.8)
/// does: the tensors' byte ranges, taken in offset order, must tile the data buffer exactly, from
/// byte 0 to its end, each holding exactly its shape's elements.
struct SafetensorsHeader {
    /// One tensor: its name, stored element type, shape and byte range `[begin, end)` within the
    /// data buffer (the bytes after the header).
    struct Entry {
        var name: String
        var stored: StoredScalar
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    /// Tensors in buffer order.
    var entries: [Entry]
    /// `__metadata__`, when present.
    var metadata: [String: String]?

    /// The reference implementation refuses headers longer than this (`MAX_HEADER_SIZE`).
    static let maxHeaderSize = 100_000_000
    /// Header key that holds the metadata rather than a tensor.
    static let metadataKey = "__metadata__"

    /// The format's dtype code of a stored type.
    static func code(_ s: StoredScalar) -> String {
        switch s {
        case .f16: return "F16"
        case .bf16: return "BF16"
        case .f32: return "F32"
        case .f64: return "F64"
        }
    }

    static func stored(code: String) -> StoredScalar? {
        switch code {
        case "F16": return .f16
        case "BF16": return .bf16
        case "F32": return .f32
        case "F64": return .f64
        default: return nil
        }
    }

    // MARK: Parsing

    /// Parses and validates `header` (the JSON bytes) for a data buffer of `bufferSize` bytes.
    static func parse(_ header: UnsafeRawBufferPointer, bufferSize: Int, file: String) throws -> SafetensorsHeader {
        let json: JSONValue
        do {
            json = try JSONValue.parse(header)
        } catch let e as JSONParseError {
            throw TensorIOError.invalidHeader(file: file, reason: "not valid JSON: \(e)")
        }
        guard case .object(let members) = json else {
            throw TensorIOError.invalidHeader(file: file, reason: "the header is \(json.kindName), not a JSON object")
        }
        var metadata: [String: String]?
        struct Raw { var name: String; var stored: StoredScalar; var shape: [Int]; var count: Int; var begin: UInt64; var end: UInt64 }
        var raws: [Raw] = []
        for (name, value) in members {
            if name == metadataKey {
                metadata = try parseMetadata(value, file: file)
                continue
            }
            func bad(_ why: String) -> TensorIOError {
                .invalidHeader(file: file, reason: "tensor '\(name)': \(why)")
            }
            guard case .object(let fields) = value else { throw bad("entry is \(value.kindName), not an object") }
            func field(_ key: String) throws -> JSONValue {
                guard let v = fields.first(where: { $0.key == key })?.value else { throw bad("missing \"\(key)\"") }
                return v
            }
            guard case .string(let code) = try field("dtype") else { throw bad("\"dtype\" is not a string") }
            guard case .array(let dims) = try field("shape") else { throw bad("\"shape\" is not an array") }
            guard case .array(let offsets) = try field("data_offsets"), offsets.count == 2,
                  let begin = offsets[0].unsignedInteger, let end = offsets[1].unsignedInteger else {
                throw bad("\"data_offsets\" is not an array of two non-negative integers")
            }
            guard let stored = stored(code: code) else {
                throw TensorIOError.unsupportedDType(file: file, tensor: name, dtype: code)
            }
            var shape: [Int] = []
            shape.reserveCapacity(dims.count)
            var count = 1
            var overflow = false
            for d in dims {
                guard let u = d.unsignedInteger, u <= UInt64(Int.max) else {
                    throw bad("shape entry \(d) is not a non-negative integer")
                }
                shape.append(Int(u))
                let (c, o) = count.multipliedReportingOverflow(by: Int(u))
                count = c
                overflow = overflow || o
            }
            if overflow { throw bad("shape \(shape) has more elements than can be addressed") }
            raws.append(Raw(name: name, stored: stored, shape: shape, count: count, begin: begin, end: end))
        }

        // Byte ranges in buffer order must tile [0, bufferSize) exactly.
        raws.sort {
            if ($0.begin, $0.end) != ($1.begin, $1.end) { return ($0.begin, $0.end) < ($1.begin, $1.end) }
            return Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8))
        }
        var entries: [Entry] = []
        entries.reserveCapacity(raws.count)
        var expectedBegin: UInt64 = 0
        var previous: String?
        for r in raws {
            if r.end < r.begin {
                throw TensorIOError.invalidOffsets(file: file, tensor: r.name, begin: r.begin, end: r.end)
            }
            if r.end > UInt64(bufferSize) {
                throw TensorIOError.offsetsOutOfBounds(file: file, tensor: r.name, begin: r.begin, end: r.end,
                                                       bufferSize: bufferSize)
            }
            let (bytes, o) = r.count.multipliedReportingOverflow(by: r.stored.byteSize)
            if o || UInt64(bytes) != r.end - r.begin {
                throw TensorIOError.shapeMismatch(file: file, tensor: r.name, shape: r.shape, dtype: code(r.stored),
                                                  expectedBytes: o ? Int.max : bytes, actualBytes: r.end - r.begin)
            }
            if r.begin < expectedBegin, let previous {
                throw TensorIOError.overlappingOffsets(file: file, tensor: r.name, other: previous)
            }
            if r.begin > expectedBegin {
                throw TensorIOError.gapInBuffer(file: file, tensor: r.name, expectedBegin: expectedBegin, begin: r.begin)
            }
            expectedBegin = r.end
            previous = r.name
            entries.append(Entry(name: r.name, stored: r.stored, shape: r.shape, begin: Int(r.begin), end: Int(r.end)))
        }
        if expectedBegin != UInt64(bufferSize) {
            throw TensorIOError.trailingBytes(file: file, used: Int(expectedBegin), available: bufferSize)
        }
        return SafetensorsHeader(entries: entries, metadata: metadata)
    }

    private static func parseMetadata(_ value: JSONValue, file: String) throws -> [String: String]? {
        switch value {
        case .null:
            return nil
        case .object(let pairs):
            var out: [String: String] = [:]
            for (k, v) in pairs {
                guard case .string(let s) = v else {
                    throw TensorIOError.invalidHeader(
                        file: file, reason: "__metadata__ value for \"\(k)\" is \(v.kindName), not a string")
                }
                out[k] = s
            }
            return out
        default:
            throw TensorIOError.invalidHeader(file: file, reason: "__metadata__ is \(value.kindName), not an object")
        }
    }

    // MARK: Serialisation

    /// The header bytes as the reference implementation writes them: compact JSON with
    /// `__metadata__` first (keys in byte order), then the tensors in buffer order, padded with
    /// spaces to a multiple of 8 bytes.
    func serialized() -> [UInt8] {
        var parts: [String] = []
        if let metadata {
            let pairs = metadata.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
                .map { JSONValue.quoted($0.key) + ":" + JSONValue.quoted($0.value) }
            parts.append(JSONValue.quoted(Self.metadataKey) + ":{" + pairs.joined(separator: ",") + "}")
        }
        for e in entries {
            let shape = e.shape.map(String.init).joined(separator: ",")
            parts.append(JSONValue.quoted(e.name) + ":{\"dtype\":\"\(Self.code(e.stored))\",\"shape\":[\(shape)],"
                         + "\"data_offsets\":[\(e.begin),\(e.end)]}")
        }
        var bytes = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8))
        return bytes
    }
}
