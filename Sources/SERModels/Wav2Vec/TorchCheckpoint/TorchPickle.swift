/// Which Python globals (classes and functions named by the pickle's GLOBAL / STACK_GLOBAL opcodes) a
/// ``TorchPickle`` accepts. Nothing is ever imported or called; allowed globals are rebuilt by Swift code.
public enum PickleGlobalPolicy: Sendable, Equatable {
    /// Only the allow-list (see ``TorchPickle``); any other global is a
    /// ``TorchCheckpointError/disallowedGlobal(file:part:global:)`` error at the opcode that names it.
    case strict
    /// Other globals become inert ``PickleObject``s that record their class name and arguments and are never
    /// constructed, so that unrelated parts of a checkpoint (fairseq's meter objects, numpy scalars) can be skipped.
    /// Importers then check that the parts they use hold none (``PickleValue/firstInertObject(maxDepth:)``).
    case inert
}

/// A strict reader for the pickles `torch.save` writes (protocol 2; opcodes of protocols 3–5 are also read).
///
/// It rebuilds data only: None, bools, ints, floats, str, bytes, tuples, lists, dicts, sets (as lists), and the
/// allow-listed globals: `collections.OrderedDict`, `argparse.Namespace` (its attributes become a dict),
/// `torch._utils._rebuild_tensor_v2` / `_rebuild_tensor` / `_rebuild_parameter` (a ``TorchTensorRef``),
/// `torch.<Type>Storage` as the type tag of a persistent id, `_codecs.encode(str, "latin1")` (bytes) and
/// `builtins.set` / `frozenset`. Persistent ids (BINPERSID) are resolved by the caller's `persistentLoad`.
/// Anything else follows the ``PickleGlobalPolicy``. Protocol-0 text opcodes (INT, STRING, PERSID…) are rejected.
struct TorchPickle {
    private var reader: ByteReader
    private let policy: PickleGlobalPolicy
    private let persistentLoad: (PickleValue) throws -> PickleValue
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private var opcodeOffset = 0

    /// Reads one pickle starting at `range.lowerBound`; ``load()`` returns its value and where it ended.
    init(_ base: UnsafeRawBufferPointer, range: Range<Int>, file: String, part: String, policy: PickleGlobalPolicy,
         persistentLoad: @escaping (PickleValue) throws -> PickleValue) {
        reader = ByteReader(base, range: range, file: file, part: part)
        self.policy = policy
        self.persistentLoad = persistentLoad
    }

    private func corrupt(_ reason: String) -> TorchCheckpointError {
        .corrupt(file: reader.file, part: reader.part, reason: "\(reason) (opcode at byte \(opcodeOffset))")
    }

    // MARK: Stack

    private var frameBottom: Int { marks.last ?? 0 }

    private mutating func pop() throws -> PickleValue {
        guard stack.count > frameBottom else { throw corrupt("stack underflow") }
        return stack.removeLast()
    }

    private func top() throws -> PickleValue {
        guard stack.count > frameBottom, let t = stack.last else { throw corrupt("stack underflow") }
        return t
    }

    /// The values pushed since the last MARK, which is removed.
    private mutating func popToMark() throws -> [PickleValue] {
        guard let m = marks.popLast() else { throw corrupt("no MARK on the stack") }
        let items = Array(stack[m...])
        stack.removeSubrange(m...)
        return items
    }

    private mutating func string(_ n: Int) throws -> String {
        let raw = try reader.bytes(n)
        guard let s = String(validating: raw, as: UTF8.self) else { throw corrupt("string is not valid UTF-8") }
        return s
    }

    private mutating func length(_ n: UInt64) throws -> Int {
        guard n <= UInt64(reader.remaining) else {
            throw TorchCheckpointError.truncated(file: reader.file, part: reader.part, offset: reader.position,
                                                 needed: n > UInt64(Int.max) ? Int.max : Int(n), available: reader.remaining)
        }
        return Int(n)
    }

    // MARK: Run

    /// Runs the pickle to its STOP opcode. Returns the value and the offset just past STOP.
    mutating func load() throws -> (value: PickleValue, end: Int) {
        while true {
            opcodeOffset = reader.position
            let op = try reader.u8()
            switch op {
            case 0x80:  // PROTO
                let v = try reader.u8()
                guard v >= 2 && v <= 5 else { throw corrupt("pickle protocol \(v) (readable: 2 to 5)") }
            case 0x95:  // FRAME
                _ = try length(try reader.u64())
            case 0x2E:  // STOP
                guard marks.isEmpty, stack.count == 1 else { throw corrupt("STOP with \(stack.count) values and \(marks.count) marks on the stack") }
                return (stack[0], reader.position)
            case 0x28:  // MARK
                marks.append(stack.count)
            case 0x30:  // POP
                if stack.count == frameBottom, !marks.isEmpty { marks.removeLast() } else { _ = try pop() }
            case 0x31:  // POP_MARK
                _ = try popToMark()
            case 0x32:  // DUP
                stack.append(try top())

            // Constants and numbers
            case 0x4E: stack.append(.none)          // NONE
            case 0x88: stack.append(.bool(true))    // NEWTRUE
            case 0x89: stack.append(.bool(false))   // NEWFALSE
            case 0x4B: stack.append(.int(Int(try reader.u8())))                 // BININT1
            case 0x4D: stack.append(.int(Int(try reader.u16())))                // BININT2
            case 0x4A: stack.append(.int(Int(try reader.i32())))                // BININT
            case 0x8A: stack.append(try long(Int(try reader.u8())))             // LONG1
            case 0x8B:                                                          // LONG4
                let n = try reader.i32()
                guard n >= 0 else { throw corrupt("negative LONG4 length") }
                stack.append(try long(try length(UInt64(n))))
            case 0x47: stack.append(.float(try reader.f64BigEndian()))          // BINFLOAT

            // Strings and bytes
            case 0x58: stack.append(.string(try string(try length(UInt64(try reader.u32())))))   // BINUNICODE
            case 0x8C: stack.append(.string(try string(Int(try reader.u8()))))                    // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(try string(try length(try reader.u64()))))            // BINUNICODE8
            case 0x55: stack.append(.string(latin1(try reader.bytes(Int(try reader.u8())))))      // SHORT_BINSTRING
            case 0x54:                                                                            // BINSTRING
                let n = try reader.i32()
                guard n >= 0 else { throw corrupt("negative BINSTRING length") }
                stack.append(.string(latin1(try reader.bytes(try length(UInt64(n))))))
            case 0x43: stack.append(.bytes(Array(try reader.bytes(Int(try reader.u8())))))        // SHORT_BINBYTES
            case 0x42: stack.append(.bytes(Array(try reader.bytes(try length(UInt64(try reader.u32()))))))  // BINBYTES
            case 0x8E: stack.append(.bytes(Array(try reader.bytes(try length(try reader.u64())))))         // BINBYTES8

            // Containers
            case 0x5D: stack.append(.list(PickleList()))               // EMPTY_LIST
            case 0x7D: stack.append(.dict(PickleDict()))               // EMPTY_DICT
            case 0x29: stack.append(.tuple([]))                        // EMPTY_TUPLE
            case 0x8F: stack.append(.list(PickleList()))               // EMPTY_SET
            case 0x74: stack.append(.tuple(try popToMark()))           // TUPLE
            case 0x85: stack.append(.tuple([try pop()]))               // TUPLE1
            case 0x86:                                                 // TUPLE2
                let b = try pop(), a = try pop()
                stack.append(.tuple([a, b]))
            case 0x87:                                                 // TUPLE3
                let c = try pop(), b = try pop(), a = try pop()
                stack.append(.tuple([a, b, c]))
            case 0x6C: stack.append(.list(PickleList(try popToMark())))   // LIST
            case 0x91: stack.append(.list(PickleList(try popToMark())))   // FROZENSET
            case 0x64:                                                    // DICT
                let items = try popToMark()
                guard items.count % 2 == 0 else { throw corrupt("DICT with an odd number of items") }
                let d = PickleDict()
                for i in stride(from: 0, to: items.count, by: 2) { d.set(items[i], items[i + 1]) }
                stack.append(.dict(d))
            case 0x61:                                                    // APPEND
                let v = try pop()
                guard case .list(let l) = try top() else { throw corrupt("APPEND to a \(try top().typeName)") }
                l.items.append(v)
            case 0x65, 0x90:                                              // APPENDS, ADDITEMS
                let items = try popToMark()
                guard case .list(let l) = try top() else { throw corrupt("APPENDS/ADDITEMS to a \(try top().typeName)") }
                l.items.append(contentsOf: items)
            case 0x73:                                                    // SETITEM
                let v = try pop(), k = try pop()
                guard case .dict(let d) = try top() else { throw corrupt("SETITEM on a \(try top().typeName)") }
                d.set(k, v)
            case 0x75:                                                    // SETITEMS
                let items = try popToMark()
                guard items.count % 2 == 0 else { throw corrupt("SETITEMS with an odd number of items") }
                guard case .dict(let d) = try top() else { throw corrupt("SETITEMS on a \(try top().typeName)") }
                for i in stride(from: 0, to: items.count, by: 2) { d.set(items[i], items[i + 1]) }

            // Memo
            case 0x71: memo[Int(try reader.u8())] = try top()          // BINPUT
            case 0x72: memo[Int(try reader.u32())] = try top()         // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()                    // MEMOIZE
            case 0x68: stack.append(try memoValue(Int(try reader.u8())))    // BINGET
            case 0x6A: stack.append(try memoValue(Int(try reader.u32())))   // LONG_BINGET

            // Globals, construction, persistent ids
            case 0x63:                                                   // GLOBAL
                let module = try textLine(), name = try textLine()
                stack.append(try global(module, name))
            case 0x93:                                                   // STACK_GLOBAL
                let n = try pop(), m = try pop()
                guard let module = m.stringValue, let name = n.stringValue else { throw corrupt("STACK_GLOBAL needs two strings") }
                stack.append(try global(module, name))
            case 0x52:                                                   // REDUCE
                let args = try pop(), callable = try pop()
                guard case .tuple(let a) = args else { throw corrupt("REDUCE arguments are a \(args.typeName), not a tuple") }
                stack.append(try call(callable, a, new: false))
            case 0x81:                                                   // NEWOBJ
                let args = try pop(), cls = try pop()
                guard case .tuple(let a) = args else { throw corrupt("NEWOBJ arguments are a \(args.typeName), not a tuple") }
                stack.append(try call(cls, a, new: true))
            case 0x92:                                                   // NEWOBJ_EX
                _ = try pop()  // kwargs
                let args = try pop(), cls = try pop()
                guard case .tuple(let a) = args else { throw corrupt("NEWOBJ_EX arguments are a \(args.typeName), not a tuple") }
                stack.append(try call(cls, a, new: true))
            case 0x62:                                                   // BUILD
                let state = try pop()
                try build(try top(), state)
            case 0x51:                                                   // BINPERSID
                stack.append(try persistentLoad(try pop()))
            default:
                throw corrupt(String(format: "unsupported opcode 0x%02x", op))
            }
        }
    }

    private func memoValue(_ i: Int) throws -> PickleValue {
        guard let v = memo[i] else { throw corrupt("memo entry \(i) read before it was written") }
        return v
    }

    private mutating func textLine() throws -> String {
        let raw = try reader.line(limit: 256)
        guard let s = String(validating: raw, as: UTF8.self), !s.isEmpty else { throw corrupt("empty or non-UTF-8 GLOBAL name") }
        return s
    }

    private func latin1(_ raw: UnsafeRawBufferPointer) -> String {
        String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) }))
    }

    /// LONG1/LONG4: `n` little-endian two's-complement bytes.
    private mutating func long(_ n: Int) throws -> PickleValue {
        let raw = try reader.bytes(n)
        if n == 0 { return .int(0) }
        if n <= 8 {
            var v: UInt64 = 0
            for i in 0..<n { v |= UInt64(raw[i]) << (8 * UInt64(i)) }
            if n < 8 && raw[n - 1] & 0x80 != 0 { v |= ~0 << (8 * UInt64(n)) }  // sign-extend
            return .int(Int(Int64(bitPattern: v)))
        }
        return .bigInt(Array(raw))
    }

    // MARK: Globals

    static let storageModule = "torch"

    private func global(_ module: String, _ name: String) throws -> PickleValue {
        if TorchPickle.isAllowed(module, name) || policy == .inert { return .global(module: module, name: name) }
        throw TorchCheckpointError.disallowedGlobal(file: reader.file, part: "\(reader.part) (byte \(opcodeOffset))",
                                                    global: "\(module).\(name)")
    }

    static func isAllowed(_ module: String, _ name: String) -> Bool {
        switch (module, name) {
        case ("collections", "OrderedDict"), ("argparse", "Namespace"), ("_codecs", "encode"),
             ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"),
             ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"),
             ("builtins", "set"), ("builtins", "frozenset"), ("__builtin__", "set"), ("__builtin__", "frozenset"):
            return true
        case ("torch", _):
            return TorchStorageType(rawValue: name) != nil
        default:
            return false
        }
    }

    /// REDUCE (`callable(*args)`) or NEWOBJ (`cls.__new__(cls, *args)`) of an allowed global; inert objects otherwise.
    private func call(_ callable: PickleValue, _ args: [PickleValue], new: Bool) throws -> PickleValue {
        guard case .global(let module, let name) = callable else {
            throw corrupt("\(new ? "NEWOBJ" : "REDUCE") on a \(callable.typeName), not a class or function")
        }
        switch (module, name) {
        case ("collections", "OrderedDict"):
            let d = PickleDict(ordered: true)
            if let first = args.first, !new {
                guard let pairs = first.sequence else { throw corrupt("OrderedDict(\(first.typeName))") }
                for p in pairs {
                    guard let kv = p.sequence, kv.count == 2 else { throw corrupt("OrderedDict item is not a pair") }
                    d.set(kv[0], kv[1])
                }
            }
            return .dict(d)
        case ("argparse", "Namespace"):
            return .object(PickleObject(kind: .namespace, arguments: args))
        case ("_codecs", "encode"):
            guard args.count == 2, let s = args[0].stringValue, let enc = args[1].stringValue,
                  enc == "latin1" || enc == "latin-1" else { throw corrupt("_codecs.encode with arguments other than (str, 'latin1')") }
            var out: [UInt8] = []
            for u in s.unicodeScalars {
                guard u.value < 256 else { throw corrupt("_codecs.encode: character beyond latin-1") }
                out.append(UInt8(u.value))
            }
            return .bytes(out)
        case ("builtins", "set"), ("builtins", "frozenset"), ("__builtin__", "set"), ("__builtin__", "frozenset"):
            guard let first = args.first else { return .list(PickleList()) }
            guard let items = first.sequence else { throw corrupt("set(\(first.typeName))") }
            return .list(PickleList(items))
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            return .tensor(try rebuildTensor(args))
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            guard let data = args.first, case .tensor = data else { throw corrupt("_rebuild_parameter without a tensor") }
            return data
        case ("torch", _):
            throw corrupt("torch.\(name) is a storage type tag and cannot be called")
        default:
            // Only reachable under the inert policy (global() rejects it otherwise).
            return .object(PickleObject(kind: .inert(module: module, name: name), arguments: args))
        }
    }

    /// `(storage, storage_offset, size, stride[, requires_grad, backward_hooks[, metadata]])`.
    private func rebuildTensor(_ args: [PickleValue]) throws -> TorchTensorRef {
        guard args.count >= 4, case .storage(let storage) = args[0], let offset = args[1].intValue,
              let size = args[2].sequence, let stride = args[3].sequence else {
            throw corrupt("_rebuild_tensor arguments are not (storage, offset, size, stride, ...)")
        }
        let shape = size.compactMap(\.intValue), strides = stride.compactMap(\.intValue)
        guard shape.count == size.count, strides.count == stride.count else { throw corrupt("tensor size or stride is not a tuple of ints") }
        return TorchTensorRef(storage: storage, storageOffset: offset, shape: shape, strides: strides)
    }

    private func build(_ target: PickleValue, _ state: PickleValue) throws {
        switch target {
        case .object(let o): o.state = state
        case .dict(let d): d.attributes = state          // OrderedDict instance attributes (state_dict._metadata)
        case .list: break                                 // set subclasses' attributes: ignored
        default: throw corrupt("BUILD on a \(target.typeName)")
        }
    }
}
