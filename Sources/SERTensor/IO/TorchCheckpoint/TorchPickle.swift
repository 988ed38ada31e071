/// Which Python globals (classes and functions named by the pickle's GLOBAL / STACK_GLOBAL opcodes) a
/// ``TorchPickle`` accepts. Nothing is ever imported or called; allowed globals are rebuilt by Swift code.
public enum PickleGlobalPolicy: Sendable, Equatable {
    /// Only the allow-list (see ``TorchPickle``); any other global is a
    /// ``TorchCheckpointError/disallowedGlobal(file:part:global:)`` error at the opcode that names it.
    case strict
    /// Other globals become inert ``PickleObject``s that record their class name and arguments and are never
    /// constructed, so that unrelated parts of a checkpoint (fairseq's meter objects, numpy scalars) can be skipped.
    /// Importers then check that the parts they use hold none (``PickleValue/firstInertObject(maxDepth:maxVisits:)``).
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
///
/// While running, containers are nodes of an arena; at STOP the result is converted to ``PickleValue`` with a
/// nesting limit (``maximumDepth``) and a check for self-containing structures, and the arena is dismantled
/// iteratively. So no input, however deeply nested, can exhaust the stack when the values are built or freed.
struct TorchPickle {
    /// Deepest container nesting accepted (checkpoints nest fewer than 20 levels).
    static let maximumDepth = 100

    /// A container under construction.
    private final class Node {
        enum Kind { case tuple, list, dict(ordered: Bool), object(PickleObject.Kind) }
        let kind: Kind
        /// Elements (tuple, list), alternating keys and values (dict), or constructor arguments (object).
        var items: [Slot]
        /// BUILD state (objects; an OrderedDict's instance attributes).
        var state: Slot?

        init(_ kind: Kind, _ items: [Slot] = []) {
            self.kind = kind
            self.items = items
        }
    }

    /// A stack or memo entry: a scalar value, or a container node.
    private enum Slot {
        case value(PickleValue)
        case node(Node)

        var typeName: String {
            switch self {
            case .value(let v): return v.typeName
            case .node(let n):
                switch n.kind {
                case .tuple: return "tuple"
                case .list: return "list"
                case .dict(let ordered): return ordered ? "OrderedDict" : "dict"
                case .object(.namespace): return "argparse.Namespace"
                case .object(.inert(let m, let name)): return "\(m).\(name) object"
                }
            }
        }

        var int: Int? { if case .value(let v) = self { return v.intValue } else { return nil } }
        var string: String? { if case .value(let v) = self { return v.stringValue } else { return nil } }
    }

    private var reader: ByteReader
    private let policy: PickleGlobalPolicy
    private let persistentLoad: (PickleValue) throws -> PickleValue
    private var stack: [Slot] = []
    private var marks: [Int] = []
    private var memo: [Int: Slot] = [:]
    private var arena: [Node] = []
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

    private mutating func makeNode(_ kind: Node.Kind, _ items: [Slot] = []) -> Slot {
        let n = Node(kind, items)
        arena.append(n)
        return .node(n)
    }

    /// Cuts every link between nodes, then lets them go one by one (no recursive deallocation).
    private mutating func dismantle() {
        for n in arena { n.items = []; n.state = nil }
        stack = []
        memo = [:]
        arena = []
    }

    // MARK: Stack

    private var frameBottom: Int { marks.last ?? 0 }

    private mutating func pop() throws -> Slot {
        guard stack.count > frameBottom else { throw corrupt("stack underflow") }
        return stack.removeLast()
    }

    private func top() throws -> Slot {
        guard stack.count > frameBottom, let t = stack.last else { throw corrupt("stack underflow") }
        return t
    }

    /// The entries pushed since the last MARK, which is removed.
    private mutating func popToMark() throws -> [Slot] {
        guard let m = marks.popLast() else { throw corrupt("no MARK on the stack") }
        let items = Array(stack[m...])
        stack.removeSubrange(m...)
        return items
    }

    private mutating func push(_ v: PickleValue) { stack.append(.value(v)) }

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

    private func container(_ s: Slot, _ op: String) throws -> Node {
        guard case .node(let n) = s else { throw corrupt("\(op) on a \(s.typeName)") }
        return n
    }

    // MARK: Run

    /// Runs the pickle to its STOP opcode. Returns the value and the offset just past STOP.
    mutating func load() throws -> (value: PickleValue, end: Int) {
        defer { dismantle() }
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
                var converter = Converter(file: reader.file, part: reader.part)
                return (try converter.convert(stack[0], depth: 0), reader.position)
            case 0x28:  // MARK
                marks.append(stack.count)
            case 0x30:  // POP
                if stack.count == frameBottom, !marks.isEmpty { marks.removeLast() } else { _ = try pop() }
            case 0x31:  // POP_MARK
                _ = try popToMark()
            case 0x32:  // DUP
                stack.append(try top())

            // Constants and numbers
            case 0x4E: push(.none)          // NONE
            case 0x88: push(.bool(true))    // NEWTRUE
            case 0x89: push(.bool(false))   // NEWFALSE
            case 0x4B: push(.int(Int(try reader.u8())))                 // BININT1
            case 0x4D: push(.int(Int(try reader.u16())))                // BININT2
            case 0x4A: push(.int(Int(try reader.i32())))                // BININT
            case 0x8A: push(try long(Int(try reader.u8())))             // LONG1
            case 0x8B:                                                  // LONG4
                let n = try reader.i32()
                guard n >= 0 else { throw corrupt("negative LONG4 length") }
                push(try long(try length(UInt64(n))))
            case 0x47: push(.float(try reader.f64BigEndian()))          // BINFLOAT

            // Strings and bytes
            case 0x58: push(.string(try string(try length(UInt64(try reader.u32())))))   // BINUNICODE
            case 0x8C: push(.string(try string(Int(try reader.u8()))))                    // SHORT_BINUNICODE
            case 0x8D: push(.string(try string(try length(try reader.u64()))))            // BINUNICODE8
            case 0x55: push(.string(latin1(try reader.bytes(Int(try reader.u8())))))      // SHORT_BINSTRING
            case 0x54:                                                                    // BINSTRING
                let n = try reader.i32()
                guard n >= 0 else { throw corrupt("negative BINSTRING length") }
                push(.string(latin1(try reader.bytes(try length(UInt64(n))))))
            case 0x43: push(.bytes(Array(try reader.bytes(Int(try reader.u8())))))        // SHORT_BINBYTES
            case 0x42: push(.bytes(Array(try reader.bytes(try length(UInt64(try reader.u32()))))))  // BINBYTES
            case 0x8E: push(.bytes(Array(try reader.bytes(try length(try reader.u64())))))         // BINBYTES8

            // Containers
            case 0x5D, 0x8F: stack.append(makeNode(.list))                  // EMPTY_LIST, EMPTY_SET
            case 0x7D: stack.append(makeNode(.dict(ordered: false)))        // EMPTY_DICT
            case 0x29: stack.append(makeNode(.tuple))                       // EMPTY_TUPLE
            case 0x74: stack.append(makeNode(.tuple, try popToMark()))      // TUPLE
            case 0x85: stack.append(makeNode(.tuple, [try pop()]))          // TUPLE1
            case 0x86:                                                      // TUPLE2
                let b = try pop(), a = try pop()
                stack.append(makeNode(.tuple, [a, b]))
            case 0x87:                                                      // TUPLE3
                let c = try pop(), b = try pop(), a = try pop()
                stack.append(makeNode(.tuple, [a, b, c]))
            case 0x6C, 0x91: stack.append(makeNode(.list, try popToMark()))  // LIST, FROZENSET
            case 0x64:                                                      // DICT
                let items = try popToMark()
                guard items.count % 2 == 0 else { throw corrupt("DICT with an odd number of items") }
                stack.append(makeNode(.dict(ordered: false), items))
            case 0x61:                                                      // APPEND
                let v = try pop()
                let l = try container(try top(), "APPEND")
                guard case .list = l.kind else { throw corrupt("APPEND to a \(try top().typeName)") }
                l.items.append(v)
            case 0x65, 0x90:                                                // APPENDS, ADDITEMS
                let items = try popToMark()
                let l = try container(try top(), "APPENDS")
                guard case .list = l.kind else { throw corrupt("APPENDS/ADDITEMS to a \(try top().typeName)") }
                l.items.append(contentsOf: items)
            case 0x73:                                                      // SETITEM
                let v = try pop(), k = try pop()
                let d = try container(try top(), "SETITEM")
                guard case .dict = d.kind else { throw corrupt("SETITEM on a \(try top().typeName)") }
                d.items += [k, v]
            case 0x75:                                                      // SETITEMS
                let items = try popToMark()
                guard items.count % 2 == 0 else { throw corrupt("SETITEMS with an odd number of items") }
                let d = try container(try top(), "SETITEMS")
                guard case .dict = d.kind else { throw corrupt("SETITEMS on a \(try top().typeName)") }
                d.items += items

            // Memo
            case 0x71: memo[Int(try reader.u8())] = try top()          // BINPUT
            case 0x72: memo[Int(try reader.u32())] = try top()         // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()                    // MEMOIZE
            case 0x68: stack.append(try memoValue(Int(try reader.u8())))    // BINGET
            case 0x6A: stack.append(try memoValue(Int(try reader.u32())))   // LONG_BINGET

            // Globals, construction, persistent ids
            case 0x63:                                                   // GLOBAL
                let module = try textLine(), name = try textLine()
                push(try global(module, name))
            case 0x93:                                                   // STACK_GLOBAL
                let n = try pop(), m = try pop()
                guard let module = m.string, let name = n.string else { throw corrupt("STACK_GLOBAL needs two strings") }
                push(try global(module, name))
            case 0x52:                                                   // REDUCE
                let args = try pop(), callable = try pop()
                stack.append(try call(callable, try tupleItems(args, "REDUCE"), new: false))
            case 0x81:                                                   // NEWOBJ
                let args = try pop(), cls = try pop()
                stack.append(try call(cls, try tupleItems(args, "NEWOBJ"), new: true))
            case 0x92:                                                   // NEWOBJ_EX
                _ = try pop()  // kwargs
                let args = try pop(), cls = try pop()
                stack.append(try call(cls, try tupleItems(args, "NEWOBJ_EX"), new: true))
            case 0x62:                                                   // BUILD
                let state = try pop()
                try build(try top(), state)
            case 0x51:                                                   // BINPERSID
                let pid = try pop()
                var converter = Converter(file: reader.file, part: reader.part)
                push(try persistentLoad(try converter.convert(pid, depth: 0)))
            default:
                throw corrupt(String(format: "unsupported opcode 0x%02x", op))
            }
        }
    }

    private func memoValue(_ i: Int) throws -> Slot {
        guard let v = memo[i] else { throw corrupt("memo entry \(i) read before it was written") }
        return v
    }

    private func tupleItems(_ s: Slot, _ op: String) throws -> [Slot] {
        guard case .node(let n) = s, case .tuple = n.kind else { throw corrupt("\(op) arguments are a \(s.typeName), not a tuple") }
        return n.items
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
    private mutating func call(_ callable: Slot, _ args: [Slot], new: Bool) throws -> Slot {
        guard case .value(.global(let module, let name)) = callable else {
            throw corrupt("\(new ? "NEWOBJ" : "REDUCE") on a \(callable.typeName), not a class or function")
        }
        switch (module, name) {
        case ("collections", "OrderedDict"):
            var items: [Slot] = []
            if let first = args.first, !new {
                guard case .node(let pairs) = first else { throw corrupt("OrderedDict(\(first.typeName))") }
                for p in pairs.items {
                    guard case .node(let kv) = p, kv.items.count == 2 else { throw corrupt("OrderedDict item is not a pair") }
                    items += kv.items
                }
            }
            return makeNode(.dict(ordered: true), items)
        case ("argparse", "Namespace"):
            return makeNode(.object(.namespace), args)
        case ("_codecs", "encode"):
            guard args.count == 2, let s = args[0].string, let enc = args[1].string, enc == "latin1" || enc == "latin-1" else {
                throw corrupt("_codecs.encode with arguments other than (str, 'latin1')")
            }
            var out: [UInt8] = []
            for u in s.unicodeScalars {
                guard u.value < 256 else { throw corrupt("_codecs.encode: character beyond latin-1") }
                out.append(UInt8(u.value))
            }
            return .value(.bytes(out))
        case ("builtins", "set"), ("builtins", "frozenset"), ("__builtin__", "set"), ("__builtin__", "frozenset"):
            guard let first = args.first else { return makeNode(.list) }
            guard case .node(let n) = first else { throw corrupt("set(\(first.typeName))") }
            return makeNode(.list, n.items)
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            return .value(.tensor(try rebuildTensor(args)))
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            guard let data = args.first, case .value(.tensor) = data else { throw corrupt("_rebuild_parameter without a tensor") }
            return data
        case ("torch", _):
            throw corrupt("torch.\(name) is a storage type tag and cannot be called")
        default:
            // Only reachable under the inert policy (global() rejects it otherwise).
            return makeNode(.object(.inert(module: module, name: name)), args)
        }
    }

    /// `(storage, storage_offset, size, stride[, requires_grad, backward_hooks[, metadata]])`.
    private func rebuildTensor(_ args: [Slot]) throws -> TorchTensorRef {
        guard args.count >= 4, case .value(.storage(let storage)) = args[0], let offset = args[1].int,
              case .node(let size) = args[2], case .tuple = size.kind,
              case .node(let stride) = args[3], case .tuple = stride.kind else {
            throw corrupt("_rebuild_tensor arguments are not (storage, offset, size, stride, ...)")
        }
        let shape = size.items.compactMap(\.int), strides = stride.items.compactMap(\.int)
        guard shape.count == size.items.count, strides.count == stride.items.count else {
            throw corrupt("tensor size or stride is not a tuple of ints")
        }
        return TorchTensorRef(storage: storage, storageOffset: offset, shape: shape, strides: strides)
    }

    private func build(_ target: Slot, _ state: Slot) throws {
        guard case .node(let n) = target else { throw corrupt("BUILD on a \(target.typeName)") }
        switch n.kind {
        case .object, .dict: n.state = state   // object state; an OrderedDict's attributes (state_dict._metadata)
        case .list: break                       // set subclasses' attributes: ignored
        case .tuple: throw corrupt("BUILD on a tuple")
        }
    }

    // MARK: Conversion

    /// Converts nodes to ``PickleValue``s, sharing each converted list, dict and object (as the pickle shared
    /// them), rejecting nesting deeper than ``maximumDepth`` and structures that contain themselves.
    private struct Converter {
        let file: String
        let part: String
        var done: [ObjectIdentifier: PickleValue] = [:]
        var active = Set<ObjectIdentifier>()

        init(file: String, part: String) {
            self.file = file
            self.part = part
        }

        mutating func convert(_ slot: Slot, depth: Int) throws -> PickleValue {
            guard case .node(let n) = slot else {
                if case .value(let v) = slot { return v }
                return .none
            }
            let id = ObjectIdentifier(n)
            if let v = done[id] { return v }
            guard depth < TorchPickle.maximumDepth else {
                throw TorchCheckpointError.corrupt(file: file, part: part, reason: "containers nested more than \(TorchPickle.maximumDepth) deep")
            }
            guard active.insert(id).inserted else {
                throw TorchCheckpointError.corrupt(file: file, part: part, reason: "a container contains itself")
            }
            defer { active.remove(id) }
            let value: PickleValue
            switch n.kind {
            case .tuple:
                value = .tuple(try n.items.map { try convert($0, depth: depth + 1) })
            case .list:
                value = .list(PickleList(try n.items.map { try convert($0, depth: depth + 1) }))
            case .dict(let ordered):
                let d = PickleDict(ordered: ordered)
                for i in stride(from: 0, to: n.items.count - 1, by: 2) {
                    d.set(try convert(n.items[i], depth: depth + 1), try convert(n.items[i + 1], depth: depth + 1))
                }
                if let s = n.state { d.attributes = try convert(s, depth: depth + 1) }
                value = .dict(d)
            case .object(let kind):
                let o = PickleObject(kind: kind, arguments: try n.items.map { try convert($0, depth: depth + 1) })
                if let s = n.state { o.state = try convert(s, depth: depth + 1) }
                value = .object(o)
            }
            done[id] = value
            return value
        }
    }
}
