/// A bounds-checked cursor over a byte range of a checkpoint file.
///
/// Every read checks the remaining length first and throws ``TorchCheckpointError/truncated(file:part:offset:needed:available:)``
/// naming `part` (e.g. "pickle 'archive/data.pkl'") instead of reading out of bounds. Offsets in errors are
/// absolute file offsets. The buffer must stay valid while the reader is used.
struct ByteReader {
    let base: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int
    let file: String
    let part: String

    init(_ base: UnsafeRawBufferPointer, range: Range<Int>, file: String, part: String) {
        precondition(range.lowerBound >= 0 && range.upperBound <= base.count, "ByteReader: range outside the buffer")
        self.base = base
        position = range.lowerBound
        end = range.upperBound
        self.file = file
        self.part = part
    }

    var remaining: Int { end - position }
    var isAtEnd: Bool { position >= end }

    private func require(_ n: Int) throws {
        guard n >= 0, n <= end - position else {
            throw TorchCheckpointError.truncated(file: file, part: part, offset: position, needed: n,
                                                 available: end - position)
        }
    }

    mutating func u8() throws -> UInt8 {
        try require(1)
        defer { position += 1 }
        return base[position]
    }

    /// `n` raw bytes (a view into the buffer).
    mutating func bytes(_ n: Int) throws -> UnsafeRawBufferPointer {
        try require(n)
        defer { position += n }
        return UnsafeRawBufferPointer(rebasing: base[position..<(position + n)])
    }

    mutating func skip(_ n: Int) throws {
        try require(n)
        position += n
    }

    /// Unsigned little-endian integer of `n ≤ 8` bytes.
    mutating func unsignedLE(_ n: Int) throws -> UInt64 {
        try require(n)
        var v: UInt64 = 0
        for i in 0..<n { v |= UInt64(base[position + i]) << (8 * UInt64(i)) }
        position += n
        return v
    }

    mutating func u16() throws -> UInt16 { UInt16(try unsignedLE(2)) }
    mutating func u32() throws -> UInt32 { UInt32(try unsignedLE(4)) }
    mutating func u64() throws -> UInt64 { try unsignedLE(8) }
    mutating func i32() throws -> Int32 { Int32(bitPattern: try u32()) }
    mutating func i64() throws -> Int64 { Int64(bitPattern: try u64()) }

    /// An 8-byte big-endian IEEE double (pickle's BINFLOAT).
    mutating func f64BigEndian() throws -> Double {
        try require(8)
        var v: UInt64 = 0
        for i in 0..<8 { v = (v << 8) | UInt64(base[position + i]) }
        position += 8
        return Double(bitPattern: v)
    }

    /// Bytes up to (not including) the next `\n`, which is consumed; at most `limit` bytes.
    mutating func line(limit: Int = 4096) throws -> [UInt8] {
        var out: [UInt8] = []
        while true {
            let b = try u8()
            if b == 0x0A { return out }
            out.append(b)
            if out.count > limit {
                throw TorchCheckpointError.corrupt(file: file, part: part,
                                                   reason: "text line at offset \(position - out.count) longer than \(limit) bytes")
            }
        }
    }
}
