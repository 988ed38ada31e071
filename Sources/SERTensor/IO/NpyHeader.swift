/// The header of a NumPy `.npy` file: a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`, padded with spaces and ended by `\n`.
struct NpyHeader: Equatable {
    /// The dtype string, e.g. `<f4`; for structured dtypes (a list in the header) a short description.
    var descr: String
    /// Whether the array is stored column-major.
    var fortranOrder: Bool
    var shape: [Int]

    // MARK: Parsing

    /// Parses the header dict; `text` holds the header's characters (Latin-1 for versions 1 and 2,
    /// UTF-8 for version 3). Like NumPy, it requires exactly the keys `descr`, `fortran_order`, `shape`.
    static func parse(_ text: [Unicode.Scalar], file: String) throws -> NpyHeader {
        var p = PyLiteralParser(chars: text)
        let value: PyLiteral
        do {
            p.skipWhitespace()
            value = try p.value(depth: 0)
            p.skipWhitespace()
            if p.i != text.count { throw PyLiteralParser.Failure(message: "unexpected text after the dict", offset: p.i) }
        } catch let e as PyLiteralParser.Failure {
            throw TensorIOError.invalidHeader(file: file, reason: "cannot parse the header dict: \(e.message) at character \(e.offset)")
        }
        func bad(_ why: String) -> TensorIOError { .invalidHeader(file: file, reason: why) }
        guard case .dict(let pairs) = value else { throw bad("the header is not a dict") }
        let keys = pairs.map(\.key)
        guard Set(keys) == ["descr", "fortran_order", "shape"], keys.count == 3 else {
            throw bad("the header dict has keys \(keys), expected exactly 'descr', 'fortran_order', 'shape'")
        }
        var header = NpyHeader(descr: "", fortranOrder: false, shape: [])
        for (key, v) in pairs {
            switch key {
            case "descr":
                switch v {
                case .string(let s): header.descr = s
                case .list: header.descr = "structured dtype"
                default: throw bad("'descr' is not a string")
                }
            case "fortran_order":
                guard case .bool(let b) = v else { throw bad("'fortran_order' is not True or False") }
                header.fortranOrder = b
            default:
                guard case .tuple(let dims) = v else { throw bad("'shape' is not a tuple") }
                for d in dims {
                    guard case .int(let n) = d, n >= 0 else { throw bad("'shape' entry is not a non-negative integer") }
                    header.shape.append(n)
                }
            }
        }
        return header
    }

    // MARK: Serialisation

    /// Length of the magic string plus the two version bytes.
    static let magicLength = 8
    /// NumPy aligns the start of the data to this many bytes.
    static let alignment = 64
    /// NumPy leaves room to grow the first dimension in place (`GROWTH_AXIS_MAX_DIGITS`).
    static let growthAxisMaxDigits = 21

    /// The complete preamble (magic, version, header length, header) exactly as `numpy.save` writes
    /// it: format 1.0, or 2.0 when the header does not fit a 16-bit length.
    func serialized() -> [UInt8] {
        let shapeRepr: String
        switch shape.count {
        case 0: shapeRepr = "()"
        case 1: shapeRepr = "(\(shape[0]),)"
        default: shapeRepr = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeRepr), }"
        if let first = fortranOrder ? shape.last : shape.first {
            dict += String(repeating: " ", count: max(0, Self.growthAxisMaxDigits - String(first).count))
        }
        let body = Array(dict.utf8)
        let hlen = body.count + 1  // + "\n"
        for (major, lengthBytes) in [(UInt8(1), 2), (UInt8(2), 4)] {
            let padding = Self.alignment - (Self.magicLength + lengthBytes + hlen) % Self.alignment
            let total = hlen + padding
            if lengthBytes == 2 && total > Int(UInt16.max) { continue }
            var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
            for k in 0..<lengthBytes { out.append(UInt8(truncatingIfNeeded: total >> (8 * k))) }
            out.append(contentsOf: body)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))
            out.append(UInt8(ascii: "\n"))
            return out
        }
        return []  // unreachable: a 2.0 header holds 4 GiB
    }
}

/// The subset of Python literals that .npy headers use: strings, ints, True/False/None, tuples,
/// lists and dicts with string keys.
enum PyLiteral: Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case none
    case tuple([PyLiteral])
    case list([PyLiteral])
    case dict([(key: String, value: PyLiteral)])

    static func == (a: PyLiteral, b: PyLiteral) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.none, .none): return true
        case (.tuple(let x), .tuple(let y)), (.list(let x), .list(let y)): return x == y
        case (.dict(let x), .dict(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }
}

/// Recursive-descent parser for ``PyLiteral`` with a nesting limit (untrusted input).
struct PyLiteralParser {
    struct Failure: Error {
        let message: String
        let offset: Int
    }

    let chars: [Unicode.Scalar]
    var i = 0
    let maxDepth = 32

    init(chars: [Unicode.Scalar]) { self.chars = chars }

    var peek: Unicode.Scalar? { i < chars.count ? chars[i] : nil }

    func fail(_ message: String) -> Failure { Failure(message: message, offset: i) }

    mutating func skipWhitespace() {
        while let c = peek, c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1 }
    }

    mutating func value(depth: Int) throws -> PyLiteral {
        guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth)") }
        guard let c = peek else { throw fail("unexpected end of header") }
        switch c {
        case "'", "\"": return .string(try string())
        case "(":
            let (items, sawComma) = try sequence(close: ")", depth: depth)
            // `(x)` is just x in Python; a 1-tuple needs the comma.
            if items.count == 1 && !sawComma { return items[0] }
            return .tuple(items)
        case "[": return .list(try sequence(close: "]", depth: depth).items)
        case "{": return try dict(depth: depth)
        case "-", "0"..."9": return .int(try integer())
        default:
            let start = i
            while let c = peek, c.properties.isAlphabetic || c == "_" { i += 1 }
            switch String(String.UnicodeScalarView(chars[start..<i])) {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            default: i = start; throw fail("unexpected character '\(c)'")
            }
        }
    }

    mutating func sequence(close: Unicode.Scalar, depth: Int) throws -> (items: [PyLiteral], sawComma: Bool) {
        i += 1
        var items: [PyLiteral] = []
        var sawComma = false
        while true {
            skipWhitespace()
            if peek == close { i += 1; return (items, sawComma) }
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            if peek == "," { i += 1; sawComma = true; continue }
            guard peek == close else { throw fail("expected ',' or '\(close)'") }
        }
    }

    mutating func dict(depth: Int) throws -> PyLiteral {
        i += 1
        var pairs: [(key: String, value: PyLiteral)] = []
        while true {
            skipWhitespace()
            if peek == "}" { i += 1; return .dict(pairs) }
            guard peek == "'" || peek == "\"" else { throw fail("expected a string key") }
            let key = try string()
            if pairs.contains(where: { $0.key == key }) { throw fail("duplicate key '\(key)'") }
            skipWhitespace()
            guard peek == ":" else { throw fail("expected ':'") }
            i += 1
            skipWhitespace()
            pairs.append((key, try value(depth: depth + 1)))
            skipWhitespace()
            if peek == "," { i += 1; continue }
            guard peek == "}" else { throw fail("expected ',' or '}'") }
        }
    }

    /// A quoted string; a backslash takes the next character literally (enough for dtype strings).
    mutating func string() throws -> String {
        guard let quote = peek else { throw fail("expected a string") }
        i += 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek else { throw fail("unterminated string") }
            i += 1
            if c == quote { return String(out) }
            if c == "\n" { throw fail("newline in string") }
            if c == "\\" {
                guard let e = peek else { throw fail("unterminated string") }
                i += 1
                out.append(e)
            } else {
                out.append(c)
            }
        }
    }

    /// A decimal integer, optionally negative, with Python 2's optional `L` suffix.
    mutating func integer() throws -> Int {
        var negative = false
        if peek == "-" { negative = true; i += 1 }
        var v = 0
        var digits = 0
        while let c = peek, ("0"..."9").contains(c) {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int(c.value - 0x30))
            if o1 || o2 { throw fail("integer too large") }
            v = s
            digits += 1
            i += 1
        }
        if digits == 0 { throw fail("expected digits") }
        if peek == "L" { i += 1 }
        return negative ? -v : v
    }
}
