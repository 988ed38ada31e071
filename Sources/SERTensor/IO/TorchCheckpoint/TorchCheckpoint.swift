import Foundation
import SERTensor

/// A file written by `torch.save`, read without Python: the pickled object tree plus access to its tensors.
///
/// **Formats.**
/// - *zip* (torch ≥ 1.6 default): a zip archive of stored entries `<name>/data.pkl` (the pickle) and
///   `<name>/data/<key>` (one raw little-endian storage per key), optionally `<name>/byteorder`.
/// - *legacy* (torch ≤ 1.5, or `_use_new_zipfile_serialization=False`): six parts back to back — pickles of
///   the magic number `0x1950a86a20f9469cfc6c`, the protocol version 1001 and a sys-info dict, the main pickle,
///   a pickle of the list of storage keys, then for each key in that order an int64 element count and the raw
///   little-endian elements.
///
/// In both, tensors are `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …)` where the storage
/// is a persistent id `('storage', torch.<Type>Storage, key, location, numel)`; see ``TorchPickle`` for what the
/// pickle may contain. The whole file is read into memory; storages are decoded only when a tensor is asked
/// for (``tensor(_:name:)``), with offsets and strides honoured and Half/BFloat16/Double converted to float32.
/// Zip entries are checked against their CRC-32 when first used; the legacy format has no checksum.
public final class TorchCheckpoint {
    public enum Format: String, Sendable { case legacy, zip }

    /// The path (or label) errors name.
    public let file: String
    public let format: Format
    /// The unpickled object (for fairseq: a dict with `model`, `args`/`cfg`, …).
    public let root: PickleValue
    /// Every storage the pickle references, by key.
    public private(set) var storages: [String: TorchStorageRef] = [:]

    private let data: Data
    /// Legacy: byte range of each storage's elements.
    private var legacyRanges: [String: Range<Int>] = [:]
    /// Zip: the archive, the entry-name prefix (`archive/`) and the entries whose CRC has been checked.
    private var zip: StoredZipArchive?
    private var zipPrefix = ""
    private var verifiedEntries = Set<String>()

    /// Reads the checkpoint at `url`. `policy` says what to do with Python classes outside the allow-list.
    public static func read(from url: URL, policy: PickleGlobalPolicy = .inert) throws -> TorchCheckpoint {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TorchCheckpointError.unreadable(file: url.path, reason: (error as NSError).localizedDescription)
        }
        return try TorchCheckpoint(data: data, source: url.path, policy: policy)
    }

    /// Parses checkpoint bytes; `source` names them in errors.
    public init(data: Data, source: String = "<data>", policy: PickleGlobalPolicy = .inert) throws {
        file = source
        self.data = data
        let head = [UInt8](data.prefix(4))
        var parsedRoot = PickleValue.none
        var storageRefs: [String: TorchStorageRef] = [:]
        let path = source
        // Persistent ids: ('storage', torch.<Type>Storage, key, location, numel[, view_metadata]).
        let persistentLoad: (PickleValue) throws -> PickleValue = { pid in
            let ref = try TorchCheckpoint.storageRef(pid, file: path)
            if let known = storageRefs[ref.key] {
                guard known.type == ref.type, known.count == ref.count else {
                    throw TorchCheckpointError.corrupt(
                        file: path, part: "pickle",
                        reason: "storage '\(ref.key)' is referenced as both \(known.count) \(known.type.rawValue) and \(ref.count) \(ref.type.rawValue) elements")
                }
            } else {
                storageRefs[ref.key] = TorchStorageRef(type: ref.type, key: ref.key, location: ref.location, count: ref.count)
            }
            return .storage(ref)
        }
        if head == [0x50, 0x4B, 0x03, 0x04] {
            format = .zip
            let (archive, prefix, value) = try data.withUnsafeBytes { raw -> (StoredZipArchive, String, PickleValue) in
                let archive = try StoredZipArchive(raw, file: source)
                let pickles = archive.names.filter { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }
                guard pickles.count == 1, let pkl = pickles.first else {
                    throw TorchCheckpointError.notACheckpoint(
                        file: source, reason: pickles.isEmpty ? "zip archive without a data.pkl entry"
                            : "zip archive with several data.pkl entries (\(pickles.joined(separator: ", ")))")
                }
                let prefix = String(pkl.dropLast("data.pkl".count))
                if archive.entries[prefix + "byteorder"] != nil {
                    let order = try archive.data(prefix + "byteorder", in: raw)
                    guard Array(order) == Array("little".utf8) else {
                        throw TorchCheckpointError.unsupported(file: source, reason: "byte order '\(String(decoding: order, as: UTF8.self))' (only little-endian is read)")
                    }
                }
                _ = try archive.data(pkl, in: raw)  // checks the CRC
                let range = archive.entries[pkl]?.dataRange ?? 0..<0
                var machine = TorchPickle(raw, range: range, file: source, part: "pickle '\(pkl)'",
                                          policy: policy, persistentLoad: persistentLoad)
                let (value, end) = try machine.load()
                guard end == range.upperBound else {
                    throw TorchCheckpointError.corrupt(file: source, part: "pickle '\(pkl)'", reason: "\(range.upperBound - end) bytes after STOP")
                }
                return (archive, prefix, value)
            }
            zip = archive
            zipPrefix = prefix
            parsedRoot = value
            for (key, ref) in storageRefs {
                let name = prefix + "data/" + key
                guard let entry = archive.entries[name] else { throw TorchCheckpointError.missing(file: source, what: "zip entry '\(name)' (storage '\(key)')") }
                guard entry.size >= ref.count * ref.type.elementSize else {
                    throw TorchCheckpointError.invalidValue(file: source, what: "storage '\(key)'",
                                                            reason: "\(ref.count) \(ref.type.rawValue) elements need \(ref.count * ref.type.elementSize) bytes, entry '\(name)' has \(entry.size)")
                }
            }
        } else if head == [0x80, 0x02, 0x8A, 0x0A] {
            format = .legacy
            let (value, ranges) = try data.withUnsafeBytes { raw in
                try TorchCheckpoint.parseLegacy(raw, file: source, policy: policy, persistentLoad: persistentLoad,
                                                storages: { storageRefs })
            }
            parsedRoot = value
            legacyRanges = ranges
        } else {
            let hint = head.starts(with: [0x80]) ? "a bare pickle, not torch.save output"
                : data.count >= 262 && [UInt8](data[257..<262]) == Array("ustar".utf8) ? "a tar archive (torch < 0.4 format, not supported)"
                : "unknown leading bytes \(head.map { String(format: "%02x", $0) }.joined(separator: " "))"
            throw TorchCheckpointError.notACheckpoint(file: source, reason: hint)
        }
        root = parsedRoot
        storages = storageRefs
    }

    // MARK: Persistent ids

    static func storageRef(_ pid: PickleValue, file: String) throws -> TorchStorageRef {
        func bad(_ r: String) -> TorchCheckpointError { .corrupt(file: file, part: "pickle", reason: "persistent id \(r)") }
        guard case .tuple(let t) = pid, t.count == 5 || t.count == 6, t[0].stringValue == "storage" else {
            throw bad("is not ('storage', type, key, location, numel[, view])")
        }
        guard case .global(let module, let name) = t[1], module == "torch", let type = TorchStorageType(rawValue: name) else {
            throw TorchCheckpointError.unsupported(file: file, reason: "storage type \(t[1].typeName)")
        }
        let keyValue = t[2].stringValue ?? t[2].intValue.map(String.init)
        guard let key = keyValue, let location = t[3].stringValue, let count = t[4].intValue, count >= 0 else {
            throw bad("has a key, location or element count of the wrong type")
        }
        var ref = TorchStorageRef(type: type, key: key, location: location, count: count)
        if t.count == 6, let view = t[5].sequence {
            // Legacy storage view: (view_key, offset, view_size) into the root storage `key`.
            guard view.count == 3, let offset = view[1].intValue, let size = view[2].intValue, offset >= 0, size >= 0,
                  offset <= count, size <= count - offset else { throw bad("has an invalid storage view") }
            ref.viewOffset = offset
            ref.viewCount = size
        }
        return ref
    }

    // MARK: Legacy format

    static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    private static func parseLegacy(_ raw: UnsafeRawBufferPointer, file: String, policy: PickleGlobalPolicy,
                                    persistentLoad: @escaping (PickleValue) throws -> PickleValue,
                                    storages: () -> [String: TorchStorageRef]) throws -> (PickleValue, [String: Range<Int>]) {
        var position = 0
        func next(_ part: String, _ load: ((PickleValue) throws -> PickleValue)? = nil) throws -> PickleValue {
            var m = TorchPickle(raw, range: position..<raw.count, file: file, part: part, policy: policy,
                                persistentLoad: { pid in
                                    guard let load else {
                                        throw TorchCheckpointError.corrupt(file: file, part: part, reason: "unexpected persistent id")
                                    }
                                    return try load(pid)
                                })
            let (v, end) = try m.load()
            position = end
            return v
        }
        guard case .bigInt(let magic) = try next("magic-number pickle"), magic == legacyMagic else {
            throw TorchCheckpointError.notACheckpoint(file: file, reason: "legacy torch.save magic number missing")
        }
        guard let proto = try next("protocol-version pickle").intValue, proto == 1001 else {
            throw TorchCheckpointError.unsupported(file: file, reason: "legacy torch.save protocol version (only 1001 is read)")
        }
        let sysInfo = try next("sys-info pickle")
        guard let little = sysInfo["little_endian"]?.boolValue else {
            throw TorchCheckpointError.corrupt(file: file, part: "sys-info pickle", reason: "no little_endian flag")
        }
        guard little else { throw TorchCheckpointError.unsupported(file: file, reason: "big-endian checkpoint") }
        let root = try next("main pickle", persistentLoad)
        guard let keys = try next("storage-key pickle").sequence else {
            throw TorchCheckpointError.corrupt(file: file, part: "storage-key pickle", reason: "not a list")
        }
        let refs = storages()
        var ranges: [String: Range<Int>] = [:]
        for k in keys {
            guard let key = k.stringValue ?? k.intValue.map(String.init) else {
                throw TorchCheckpointError.corrupt(file: file, part: "storage-key pickle", reason: "a key is a \(k.typeName)")
            }
            guard let ref = refs[key] else {
                throw TorchCheckpointError.corrupt(file: file, part: "storage list", reason: "storage '\(key)' is listed but never referenced, so its element size is unknown")
            }
            var r = ByteReader(raw, range: position..<raw.count, file: file, part: "storage '\(key)'")
            let count = try r.i64()
            guard count == Int64(ref.count) else {
                throw TorchCheckpointError.corrupt(file: file, part: "storage '\(key)'", reason: "holds \(count) elements, the pickle says \(ref.count)")
            }
            let bytes = ref.count * ref.type.elementSize
            let start = r.position
            try r.skip(bytes)
            ranges[key] = start..<(start + bytes)
            position = r.position
        }
        for key in refs.keys where ranges[key] == nil {
            throw TorchCheckpointError.missing(file: file, what: "data of storage '\(key)' (not in the storage list)")
        }
        return (root, ranges)
    }

    // MARK: Tensors

    /// The tensor `ref` as a contiguous float32 tensor. `name` labels errors.
    public func tensor(_ ref: TorchTensorRef, name: String) throws -> Tensor {
        try data.withUnsafeBytes { raw in
            let key = ref.storage.key
            let bytes: UnsafeRawBufferPointer
            switch format {
            case .legacy:
                guard let range = legacyRanges[key] else { throw TorchCheckpointError.missing(file: file, what: "storage '\(key)'") }
                bytes = UnsafeRawBufferPointer(rebasing: raw[range])
            case .zip:
                guard let zip else { throw TorchCheckpointError.missing(file: file, what: "zip archive") }
                let entry = zipPrefix + "data/" + key
                bytes = try zip.data(entry, in: raw, verified: verifiedEntries.contains(entry))
                verifiedEntries.insert(entry)
            }
            let start = ref.storage.viewOffset * ref.storage.type.elementSize
            guard start <= bytes.count else {
                throw TorchCheckpointError.invalidValue(file: file, what: "tensor '\(name)'", reason: "storage view beyond storage '\(key)'")
            }
            return try ref.gather(from: UnsafeRawBufferPointer(rebasing: bytes[start...]), file: file, name: name)
        }
    }

    /// A dict of string keys to tensors (a PyTorch state dict) as float32 tensors by name. `what` labels errors
    /// (e.g. "'model'").
    public func stateDict(_ value: PickleValue, what: String) throws -> [String: Tensor] {
        guard case .dict(let d) = value else {
            throw TorchCheckpointError.invalidValue(file: file, what: what, reason: "a \(value.typeName), not a state dict")
        }
        var out: [String: Tensor] = [:]
        for (k, v) in d.entries {
            guard let name = k.stringValue else {
                throw TorchCheckpointError.invalidValue(file: file, what: what, reason: "a key is a \(k.typeName), not a string")
            }
            guard case .tensor(let ref) = v else {
                throw TorchCheckpointError.invalidValue(file: file, what: "\(what) entry '\(name)'", reason: "a \(v.typeName), not a tensor")
            }
            out[name] = try tensor(ref, name: name)
        }
        return out
    }
}
