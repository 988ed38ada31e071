/// A minimal reader for zip archives whose entries are *stored* (not compressed), as `torch.save` writes them.
///
/// Reads the end-of-central-directory record (and its zip64 form), then every central-directory entry, and
/// locates each entry's data through its local header. Entries that are compressed or encrypted are listed
/// but cannot be read (``data(_:)`` throws ``TorchCheckpointError/unsupported(file:reason:)``). Every size and
/// offset is checked against the file, and ``data(_:)`` verifies the entry's CRC-32.
struct StoredZipArchive {
    struct Entry {
        var name: String
        var method: UInt16
        var flags: UInt16
        var crc: UInt32
        var compressedSize: Int
        var size: Int
        /// Range of the entry's data in the file (stored entries only; empty otherwise).
        var dataRange: Range<Int>
    }

    let file: String
    private(set) var entries: [String: Entry] = [:]
    /// Entry names in central-directory order.
    private(set) var names: [String] = []

    static let localSignature: UInt32 = 0x0403_4B50

    /// Parses the archive held in `base` (the whole file). Only entry metadata is kept, not `base`.
    init(_ base: UnsafeRawBufferPointer, file: String) throws {
        self.file = file
        let (cdOffset, cdSize, count) = try StoredZipArchive.locateCentralDirectory(base, file: file)
        var r = ByteReader(base, range: cdOffset..<(cdOffset + cdSize), file: file, part: "zip central directory")
        for i in 0..<count {
            guard try r.u32() == 0x0201_4B50 else { throw corrupt("central directory entry \(i) has a bad signature") }
            try r.skip(4)  // versions
            let flags = try r.u16(), method = try r.u16()
            try r.skip(4)  // time, date
            let crc = try r.u32()
            var compressed = UInt64(try r.u32()), size = UInt64(try r.u32())
            let nameLength = Int(try r.u16()), extraLength = Int(try r.u16()), commentLength = Int(try r.u16())
            try r.skip(8)  // disk number, internal and external attributes
            var localOffset = UInt64(try r.u32())
            guard let name = String(validating: try r.bytes(nameLength), as: UTF8.self) else {
                throw corrupt("entry \(i) has a non-UTF-8 name")
            }
            // zip64 extended information: only the fields whose 32-bit value is 0xFFFFFFFF are present, in order.
            var extra = ByteReader(base, range: r.position..<(r.position + min(extraLength, r.remaining)),
                                   file: file, part: "zip extra field of '\(name)'")
            try r.skip(extraLength)
            while extra.remaining >= 4 {
                let tag = try extra.u16(), length = Int(try extra.u16())
                var field = ByteReader(base, range: extra.position..<(extra.position + min(length, extra.remaining)),
                                       file: file, part: "zip64 field of '\(name)'")
                try extra.skip(length)
                guard tag == 0x0001 else { continue }
                if size == 0xFFFF_FFFF { size = try field.u64() }
                if compressed == 0xFFFF_FFFF { compressed = try field.u64() }
                if localOffset == 0xFFFF_FFFF { localOffset = try field.u64() }
            }
            try r.skip(commentLength)
            guard size <= UInt64(base.count), compressed <= UInt64(base.count), localOffset < UInt64(base.count) else {
                throw corrupt("entry '\(name)' has sizes or an offset beyond the file (\(base.count) bytes)")
            }
            var entry = Entry(name: name, method: method, flags: flags, crc: crc, compressedSize: Int(compressed),
                              size: Int(size), dataRange: 0..<0)
            if method == 0 && flags & 1 == 0 {
                guard compressed == size else { throw corrupt("stored entry '\(name)' has compressed size \(compressed) ≠ size \(size)") }
                entry.dataRange = try StoredZipArchive.dataRange(base, file: file, localOffset: Int(localOffset),
                                                                 size: Int(size), name: name)
            }
            if entries[name] == nil { names.append(name) }
            entries[name] = entry
        }
    }

    private func corrupt(_ reason: String) -> TorchCheckpointError {
        StoredZipArchive.corrupt(file, reason)
    }

    private static func corrupt(_ file: String, _ reason: String) -> TorchCheckpointError {
        .corrupt(file: file, part: "zip archive", reason: reason)
    }

    /// (offset, size, entry count) of the central directory.
    private static func locateCentralDirectory(_ base: UnsafeRawBufferPointer, file: String) throws -> (Int, Int, Int) {
        func corrupt(_ r: String) -> TorchCheckpointError { StoredZipArchive.corrupt(file, r) }
        let n = base.count
        guard n >= 22 else { throw TorchCheckpointError.truncated(file: file, part: "zip archive", offset: 0, needed: 22, available: n) }
        // The EOCD record is 22 bytes plus a comment of at most 65535 bytes; search backwards.
        var eocd = -1
        var p = n - 22
        while p >= max(0, n - 22 - 65535) {
            if base.loadUnaligned(fromByteOffset: p, as: UInt32.self).littleEndian == 0x0605_4B50 { eocd = p; break }
            p -= 1
        }
        guard eocd >= 0 else { throw corrupt("no end-of-central-directory record (file truncated?)") }
        var r = ByteReader(base, range: eocd..<n, file: file, part: "zip end-of-central-directory record")
        try r.skip(8)  // signature, disk numbers
        _ = try r.u16()
        var count = UInt64(try r.u16())
        var size = UInt64(try r.u32()), offset = UInt64(try r.u32())
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            // zip64: a 20-byte locator just before the EOCD points at the zip64 EOCD record.
            guard eocd >= 20, base.loadUnaligned(fromByteOffset: eocd - 20, as: UInt32.self).littleEndian == 0x0706_4B50 else {
                throw corrupt("zip64 end-of-central-directory locator missing")
            }
            var loc = ByteReader(base, range: (eocd - 20)..<eocd, file: file, part: "zip64 locator")
            try loc.skip(8)
            let record = try loc.u64()
            guard n >= 56, record <= UInt64(n - 56) else { throw corrupt("zip64 end-of-central-directory record beyond the file") }
            var z = ByteReader(base, range: Int(record)..<n, file: file, part: "zip64 end-of-central-directory record")
            guard try z.u32() == 0x0606_4B50 else { throw corrupt("bad zip64 end-of-central-directory signature") }
            try z.skip(8 + 4 + 4 + 4 + 8)  // record size, versions, disks, entries on this disk
            count = try z.u64()
            size = try z.u64()
            offset = try z.u64()
        }
        guard offset <= UInt64(n), size <= UInt64(n) - offset else {
            throw corrupt("central directory at \(offset) (\(size) bytes) lies beyond the file (\(n) bytes; truncated?)")
        }
        guard count <= size / 46 else { throw corrupt("central directory too small for \(count) entries") }
        return (Int(offset), Int(size), Int(count))
    }

    private static func dataRange(_ base: UnsafeRawBufferPointer, file: String, localOffset: Int, size: Int,
                                  name: String) throws -> Range<Int> {
        func corrupt(_ r: String) -> TorchCheckpointError { StoredZipArchive.corrupt(file, r) }
        var r = ByteReader(base, range: localOffset..<base.count, file: file, part: "zip local header of '\(name)'")
        guard try r.u32() == StoredZipArchive.localSignature else { throw corrupt("local header of '\(name)' has a bad signature") }
        try r.skip(22)
        let nameLength = Int(try r.u16()), extraLength = Int(try r.u16())
        try r.skip(nameLength + extraLength)
        let start = r.position
        guard size <= base.count - start else {
            throw TorchCheckpointError.truncated(file: file, part: "zip entry '\(name)'", offset: start, needed: size,
                                                 available: base.count - start)
        }
        return start..<(start + size)
    }

    /// The bytes of a stored entry within `base` (the same file bytes the archive was parsed from), after
    /// checking its CRC-32 unless `verified`.
    func data(_ name: String, in base: UnsafeRawBufferPointer, verified: Bool = false) throws -> UnsafeRawBufferPointer {
        guard let e = entries[name] else { throw TorchCheckpointError.missing(file: file, what: "zip entry '\(name)'") }
        guard e.method == 0, e.flags & 1 == 0 else {
            throw TorchCheckpointError.unsupported(
                file: file, reason: "zip entry '\(name)' is " + (e.flags & 1 != 0 ? "encrypted" : "compressed (method \(e.method))")
                    + "; torch.save writes stored entries: re-save the checkpoint with torch.save, or unzip and re-zip with `zip -0`")
        }
        precondition(e.dataRange.upperBound <= base.count, "StoredZipArchive: a different buffer than the one parsed")
        let bytes = UnsafeRawBufferPointer(rebasing: base[e.dataRange])
        if verified { return bytes }
        let crc = CRC32.checksum(bytes)
        guard crc == e.crc else {
            throw corrupt("entry '\(name)' fails its CRC-32 check (stored \(hex(e.crc)), computed \(hex(crc))): the data is damaged")
        }
        return bytes
    }

    private func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - s.count) + s
    }
}
