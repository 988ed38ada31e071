/// A value reconstructed from a Python pickle by ``TorchPickle``: plain data only, nothing executable.
///
/// Mutable Python containers (list, dict, set, objects) are reference types here, because a pickle may
/// memoize a container and fill it afterwards (or share it); immutable ones (tuple, str, numbers) are values.
/// Python sets and frozensets become ``list(_:)``. Objects of classes outside the allow-list are
/// ``object(_:)`` with ``PickleObject/Kind/inert(module:name:)``: their class is only named, never imported.
public indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer that does not fit in 64 bits, as its little-endian two's-complement bytes.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// A reference to a Python class or function (`module.name`), never resolved.
    case global(module: String, name: String)
    case object(PickleObject)
    /// A torch storage named by a persistent id (its bytes live outside the pickle).
    case storage(TorchStorageRef)
    /// A torch tensor: a strided view of a storage (`torch._utils._rebuild_tensor_v2`).
    case tensor(TorchTensorRef)
}

/// A Python list (or set), shared by reference.
public final class PickleList {
    public var items: [PickleValue]
    public init(_ items: [PickleValue] = []) { self.items = items }
}

/// A Python dict or `collections.OrderedDict`, in insertion order, shared by reference.
public final class PickleDict {
    public private(set) var entries: [(key: PickleValue, value: PickleValue)] = []
    private var stringIndex: [String: Int] = [:]
    private var intIndex: [Int: Int] = [:]
    /// True for an `OrderedDict`.
    public let ordered: Bool
    /// Instance attributes set by BUILD (an OrderedDict state dict's `_metadata`); ignored by importers.
    public var attributes: PickleValue = .none

    public init(ordered: Bool = false) { self.ordered = ordered }

    /// Python `d[key] = value`: replaces the value of an existing string or int key, else appends.
    public func set(_ key: PickleValue, _ value: PickleValue) {
        switch key {
        case .string(let s):
            if let i = stringIndex[s] { entries[i].value = value; return }
            stringIndex[s] = entries.count
        case .int(let n):
            if let i = intIndex[n] { entries[i].value = value; return }
            intIndex[n] = entries.count
        default: break
        }
        entries.append((key, value))
    }

    public subscript(key: String) -> PickleValue? {
        stringIndex[key].map { entries[$0].value }
    }

    public subscript(key: Int) -> PickleValue? {
        intIndex[key].map { entries[$0].value }
    }

    /// The string keys, in insertion order.
    public var stringKeys: [String] {
        entries.compactMap { if case .string(let s) = $0.key { return s } else { return nil } }
    }
}

/// An object built by REDUCE or NEWOBJ from an allowed class, or an inert stand-in for any other class.
public final class PickleObject {
    public enum Kind: Equatable, Sendable {
        /// `argparse.Namespace`; its attributes are in ``PickleObject/state`` (a dict) after BUILD.
        case namespace
        /// An instance of `module.name`, recorded but never constructed.
        case inert(module: String, name: String)
    }
    public let kind: Kind
    /// The constructor arguments (REDUCE/NEWOBJ), kept only for inspection.
    public let arguments: [PickleValue]
    /// The BUILD state (`__setstate__` argument or attribute dict), `.none` when there was no BUILD.
    public var state: PickleValue = .none

    public init(kind: Kind, arguments: [PickleValue]) {
        self.kind = kind
        self.arguments = arguments
    }

    /// The attribute dict of a Namespace (or of an inert object whose state is a dict).
    public var attributes: PickleDict? {
        if case .dict(let d) = state { return d }
        return nil
    }
}

extension PickleValue {
    /// `self[key]` for a dict, or an attribute of a Namespace; nil otherwise.
    public subscript(key: String) -> PickleValue? {
        switch self {
        case .dict(let d): return d[key]
        case .object(let o): return o.attributes?[key]
        default: return nil
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var intValue: Int? {
        switch self {
        case .int(let n): return n
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
    public var boolValue: Bool? {
        switch self {
        case .bool(let b): return b
        case .int(let n) where n == 0 || n == 1: return n == 1
        default: return nil
        }
    }
    public var doubleValue: Double? {
        switch self {
        case .float(let d): return d
        case .int(let n): return Double(n)
        default: return nil
        }
    }
    public var isNone: Bool { if case .none = self { return true } else { return false } }

    /// The elements of a tuple or list.
    public var sequence: [PickleValue]? {
        switch self {
        case .tuple(let t): return t
        case .list(let l): return l.items
        default: return nil
        }
    }

    /// The dict of a dict value, or the attribute dict of a Namespace.
    public var dictionary: PickleDict? {
        switch self {
        case .dict(let d): return d
        case .object(let o) where o.kind == .namespace: return o.attributes
        default: return nil
        }
    }

    /// A short description of the value's Python type, for error messages.
    public var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict(let d): return d.ordered ? "OrderedDict" : "dict"
        case .global(let m, let n): return "reference to \(m).\(n)"
        case .object(let o):
            switch o.kind {
            case .namespace: return "argparse.Namespace"
            case .inert(let m, let n): return "\(m).\(n) object"
            }
        case .storage: return "torch storage"
        case .tensor: return "torch tensor"
        }
    }

    /// The first inert object (a class outside the allow-list) found in this value, as `module.name`, with the
    /// path to it; nil when there is none. Visits each list, dict and object once, walks at most `maxDepth`
    /// levels, and gives up after `maxVisits` values (tuples shared by reference are visited once per use),
    /// returning `("<more than maxVisits values>", path)` so that callers treat an unchecked value as unsafe.
    public func firstInertObject(maxDepth: Int = 128, maxVisits: Int = 10_000_000) -> (global: String, path: String)? {
        var seen = Set<ObjectIdentifier>()
        var visits = 0
        func walk(_ v: PickleValue, _ path: String, _ depth: Int) -> (String, String)? {
            visits += 1
            if visits > maxVisits { return ("<more than \(maxVisits) values>", path) }
            if depth > maxDepth { return ("<nested more than \(maxDepth) deep>", path) }
            switch v {
            case .object(let o):
                if case .inert(let m, let n) = o.kind { return ("\(m).\(n)", path) }
                guard seen.insert(ObjectIdentifier(o)).inserted else { return nil }
                for (i, a) in o.arguments.enumerated() { if let hit = walk(a, path + "(\(i))", depth + 1) { return hit } }
                return walk(o.state, path, depth + 1)
            case .dict(let d):
                guard seen.insert(ObjectIdentifier(d)).inserted else { return nil }
                for (k, x) in d.entries {
                    let label = k.stringValue ?? k.intValue.map(String.init) ?? k.typeName
                    if let hit = walk(k, path, depth + 1) ?? walk(x, path + "[\(label)]", depth + 1) { return hit }
                }
                return walk(d.attributes, path, depth + 1)
            case .list(let l):
                guard seen.insert(ObjectIdentifier(l)).inserted else { return nil }
                for (i, x) in l.items.enumerated() { if let hit = walk(x, path + "[\(i)]", depth + 1) { return hit } }
                return nil
            case .tuple(let t):
                for (i, x) in t.enumerated() { if let hit = walk(x, path + "[\(i)]", depth + 1) { return hit } }
                return nil
            default:
                return nil
            }
        }
        return walk(self, "", 0).map { (global: $0.0, path: $0.1) }
    }
}
