/// Evaluates the Python expressions fairseq stores for its convolution layer lists
/// (`conv_feature_layers`, `conv_aggregator_layers`), without Python and without running code.
///
/// fairseq `eval`s these strings; the forms found in checkpoints and defaults are list literals of int tuples,
/// joined by `+` and repeated by `* n`, e.g. `"[(512, 10, 5), (512, 8, 4)] + [(512, 4, 2)] * 3"` or
/// `"[(512, 3, 1)] * 9"`. This evaluator accepts exactly that grammar — integers, tuples, lists, parentheses,
/// binary `+` and `*` with the usual precedence — and rejects anything else (names, calls, comprehensions).
enum PythonLayerList {
    enum Value: Equatable {
        case int(Int)
        case tuple([Value])
        case list([Value])
    }

    struct SyntaxError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// The layer tuples `(channels, kernel, stride)` of `source`.
    static func layers(_ source: String) throws -> [Wav2VecConfig.ConvLayer] {
        var parser = Parser(Array(source.utf8))
        let value = try parser.parseAll()
        guard case .list(let items) = value else { throw SyntaxError(message: "the expression is not a list") }
        return try items.enumerated().map { i, item in
            guard case .tuple(let t) = item, t.count == 3, case .int(let c) = t[0], case .int(let k) = t[1],
                  case .int(let s) = t[2] else {
                throw SyntaxError(message: "element \(i) is not a (dim, kernel, stride) tuple of integers")
            }
            return .init(c, k, s)
        }
    }

    static let maximumElements = 100_000

    struct Parser {
        let s: [UInt8]
        var i = 0
        var depth = 0

        init(_ s: [UInt8]) { self.s = s }

        mutating func parseAll() throws -> Value {
            let v = try expression()
            skipSpace()
            guard i == s.count else { throw error("unexpected '\(String(decoding: s[i...].prefix(12), as: UTF8.self))'") }
            return v
        }

        func error(_ m: String) -> SyntaxError { SyntaxError(message: "\(m) at character \(i)") }

        mutating func skipSpace() { while i < s.count, s[i] == 0x20 || s[i] == 0x09 || s[i] == 0x0A || s[i] == 0x0D { i += 1 } }

        mutating func peek() -> UInt8? { skipSpace(); return i < s.count ? s[i] : nil }

        mutating func expression() throws -> Value {
            var v = try term()
            while peek() == UInt8(ascii: "+") {
                i += 1
                v = try add(v, try term())
            }
            return v
        }

        mutating func term() throws -> Value {
            var v = try atom()
            while peek() == UInt8(ascii: "*") {
                i += 1
                v = try multiply(v, try atom())
            }
            return v
        }

        mutating func atom() throws -> Value {
            depth += 1
            defer { depth -= 1 }
            guard depth <= 32 else { throw error("nesting deeper than 32") }
            guard let c = peek() else { throw error("unexpected end of expression") }
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                var negative = false
                if c == UInt8(ascii: "-") { negative = true; i += 1 }
                var n = 0, digits = 0
                while i < s.count, s[i] >= 0x30 && s[i] <= 0x39 {
                    guard digits < 12 else { throw error("integer too long") }
                    n = n * 10 + Int(s[i] - 0x30)
                    i += 1
                    digits += 1
                }
                guard digits > 0 else { throw error("expected a number") }
                return .int(negative ? -n : n)
            case UInt8(ascii: "("):
                i += 1
                let (items, trailingComma) = try sequence(closing: UInt8(ascii: ")"))
                // (x) is a parenthesised expression, (x,) and (x, y) are tuples.
                return items.count == 1 && !trailingComma ? items[0] : .tuple(items)
            case UInt8(ascii: "["):
                i += 1
                return .list(try sequence(closing: UInt8(ascii: "]")).items)
            default:
                throw error("unsupported syntax '\(String(decoding: s[i...].prefix(12), as: UTF8.self))' (only int/tuple/list literals, + and * are read)")
            }
        }

        mutating func sequence(closing: UInt8) throws -> (items: [Value], trailingComma: Bool) {
            var items: [Value] = []
            var trailingComma = false
            while true {
                if peek() == closing { i += 1; return (items, trailingComma) }
                items.append(try expression())
                guard items.count <= PythonLayerList.maximumElements else { throw error("too many elements") }
                trailingComma = false
                switch peek() {
                case UInt8(ascii: ","): i += 1; trailingComma = true
                case closing: i += 1; return (items, trailingComma)
                default: throw error("expected ',' or '\(Character(Unicode.Scalar(closing)))'")
                }
            }
        }

        func add(_ a: Value, _ b: Value) throws -> Value {
            switch (a, b) {
            case (.int(let x), .int(let y)):
                let (r, o) = x.addingReportingOverflow(y)
                guard !o else { throw error("integer overflow") }
                return .int(r)
            case (.list(let x), .list(let y)):
                guard x.count + y.count <= PythonLayerList.maximumElements else { throw error("too many elements") }
                return .list(x + y)
            case (.tuple(let x), .tuple(let y)): return .tuple(x + y)
            default: throw error("cannot add these values")
            }
        }

        func multiply(_ a: Value, _ b: Value) throws -> Value {
            switch (a, b) {
            case (.int(let x), .int(let y)):
                let (r, o) = x.multipliedReportingOverflow(by: y)
                guard !o else { throw error("integer overflow") }
                return .int(r)
            case (.list(let x), .int(let n)), (.int(let n), .list(let x)):
                guard n <= PythonLayerList.maximumElements, n <= 0 || x.count <= PythonLayerList.maximumElements / n else {
                    throw error("too many elements")
                }
                return .list(n <= 0 ? [] : Array([[Value]](repeating: x, count: n).joined()))
            case (.tuple(let x), .int(let n)), (.int(let n), .tuple(let x)):
                guard n <= PythonLayerList.maximumElements, n <= 0 || x.count <= PythonLayerList.maximumElements / n else {
                    throw error("too many elements")
                }
                return .tuple(n <= 0 ? [] : Array([[Value]](repeating: x, count: n).joined()))
            default: throw error("cannot multiply these values")
            }
        }
    }
}
