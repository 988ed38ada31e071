import Foundation

/// A small, strict CSV reader and writer (RFC 4180), enough for manifests and result tables.
///
/// Written here rather than taken from a package: the format needs ~150 lines, and a strict reader that
/// rejects malformed input with the line number is what a manifest wants (lenient parsers silently
/// shift columns on a stray quote).
///
/// Reading rules:
/// - Input is UTF-8; a leading byte-order mark (EF BB BF) is skipped.
/// - Records end with LF or CRLF; the last record may lack one. A lone CR outside quotes is an error.
/// - Fields are separated by commas. A field may be enclosed in double quotes, and then holds commas,
///   CR, LF and doubled quotes (`""` stands for one `"`) verbatim.
/// - A quote inside an unquoted field, any character between a closing quote and the next comma or
///   line end, and a quoted field left open at the end of the file are errors.
/// - Completely empty lines (no characters at all) are skipped; every other line is a record.
/// - Fields are not trimmed: `a, b` has the fields `a` and ` b`.
public enum CSV {
    /// One record and the 1-based line of the file where it starts (the header is usually line 1).
    public struct Record: Equatable, Sendable {
        public var fields: [String]
        public var line: Int
    }

    /// Parses `data` into records.
    /// - Parameter source: the file name used in errors.
    /// - Throws: ``CSVError`` naming `source`, the line and the problem.
    public static func parse(_ data: Data, source: String) throws -> [Record] {
        let bytes = [UInt8](data)
        var parser = Parser(bytes: bytes, source: source)
        return try parser.run()
    }

    /// Parses a string (see ``parse(_:source:)``).
    public static func parse(_ text: String, source: String) throws -> [Record] {
        try parse(Data(text.utf8), source: source)
    }

    /// One field, quoted only where needed: when it holds a comma, a quote, CR or LF, or begins or ends
    /// with a space (so that readers which trim cannot change it). Quotes inside are doubled.
    ///
    /// The checks look at bytes, as the reader does, not at `Character`s: a comma followed by a combining
    /// mark is one `Character` that is not `","`, yet the reader splits at its comma byte (found by
    /// fuzzing: such a path was written unquoted and read back as two fields).
    public static func escape(_ field: String) -> String {
        let bytes = field.utf8
        let needsQuotes = bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            || bytes.first == 0x20 || bytes.last == 0x20
        guard needsQuotes else { return field }
        var quoted = [UInt8]()
        quoted.reserveCapacity(bytes.count + 2)
        quoted.append(0x22)
        for b in bytes {
            quoted.append(b)
            if b == 0x22 { quoted.append(0x22) }
        }
        quoted.append(0x22)
        return String(decoding: quoted, as: UTF8.self)
    }

    /// Rows rendered as CSV text: fields escaped with ``escape(_:)``, joined by commas, each row ended by LF.
    public static func render(_ rows: [[String]]) -> String {
        var out = ""
        for row in rows {
            out += row.map(escape).joined(separator: ",")
            out += "\n"
        }
        return out
    }

    private struct Parser {
        let bytes: [UInt8]
        let source: String
        var index = 0
        var line = 1

        init(bytes: [UInt8], source: String) {
            self.bytes = bytes
            self.source = source
            if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { index = 3 }
        }

        static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"),
                   cr = UInt8(ascii: "\r")

        mutating func run() throws -> [Record] {
            var records = [Record]()
            while index < bytes.count {
                // Skip empty lines.
                if bytes[index] == Self.lf { index += 1; line += 1; continue }
                if bytes[index] == Self.cr && index + 1 < bytes.count && bytes[index + 1] == Self.lf {
                    index += 2; line += 1; continue
                }
                records.append(try record())
            }
            return records
        }

        /// Reads one record, consuming its line ending.
        mutating func record() throws -> Record {
            let startLine = line
            var fields = [String]()
            while true {
                fields.append(try field(recordLine: startLine, column: fields.count + 1))
                if index >= bytes.count { break }
                let b = bytes[index]
                if b == Self.comma { index += 1; continue }
                if b == Self.lf { index += 1; line += 1; break }
                if b == Self.cr {
                    guard index + 1 < bytes.count && bytes[index + 1] == Self.lf else {
                        throw CSVError.bareCarriageReturn(file: source, line: line)
                    }
                    index += 2; line += 1; break
                }
                // field() only stops at a delimiter, a line end or the end of input.
                throw CSVError.unexpectedCharacter(file: source, line: line, field: fields.count)
            }
            return Record(fields: fields, line: startLine)
        }

        /// Reads one field, leaving `index` at the delimiter after it (comma, CR, LF or end).
        mutating func field(recordLine: Int, column: Int) throws -> String {
            if index < bytes.count && bytes[index] == Self.quote {
                let openLine = line
                index += 1
                var content = [UInt8]()
                while true {
                    guard index < bytes.count else {
                        throw CSVError.unterminatedQuote(file: source, line: openLine, field: column)
                    }
                    let b = bytes[index]
                    if b == Self.quote {
                        if index + 1 < bytes.count && bytes[index + 1] == Self.quote {
                            content.append(Self.quote); index += 2; continue
                        }
                        index += 1
                        break
                    }
                    if b == Self.lf { line += 1 }
                    content.append(b)
                    index += 1
                }
                if index < bytes.count {
                    let b = bytes[index]
                    if b != Self.comma && b != Self.lf && b != Self.cr {
                        throw CSVError.unexpectedCharacter(file: source, line: line, field: column)
                    }
                }
                return try decode(content, column: column)
            }
            let start = index
            while index < bytes.count {
                let b = bytes[index]
                if b == Self.comma || b == Self.lf || b == Self.cr { break }
                if b == Self.quote { throw CSVError.quoteInUnquotedField(file: source, line: line, field: column) }
                index += 1
            }
            return try decode(bytes[start..<index], column: column)
        }

        func decode<C: Collection>(_ raw: C, column: Int) throws -> String where C.Element == UInt8 {
            guard let s = String(bytes: raw, encoding: .utf8) else {
                throw CSVError.invalidUTF8(file: source, line: line, field: column)
            }
            return s
        }
    }
}

/// A malformed CSV file. `line` is 1-based; `field` is the 1-based position of the field in its record.
public enum CSVError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A quoted field opened on `line` is never closed.
    case unterminatedQuote(file: String, line: Int, field: Int)
    /// A `"` inside a field that does not start with one.
    case quoteInUnquotedField(file: String, line: Int, field: Int)
    /// Something other than a comma or a line end right after a closing quote.
    case unexpectedCharacter(file: String, line: Int, field: Int)
    /// A carriage return not followed by a line feed, outside quotes.
    case bareCarriageReturn(file: String, line: Int)
    /// Bytes that are not valid UTF-8.
    case invalidUTF8(file: String, line: Int, field: Int)

    public var description: String {
        switch self {
        case let .unterminatedQuote(f, l, c):
            return "\(f):\(l): field \(c) opens a quote that is never closed (a quote inside a quoted field must be doubled: \"\")"
        case let .quoteInUnquotedField(f, l, c):
            return "\(f):\(l): field \(c) contains a '\"' but is not enclosed in quotes (quote the field and double the quote)"
        case let .unexpectedCharacter(f, l, c):
            return "\(f):\(l): field \(c) has characters after its closing quote (expected a comma or a line end)"
        case let .bareCarriageReturn(f, l):
            return "\(f):\(l): a carriage return not followed by a line feed (use LF or CRLF line endings)"
        case let .invalidUTF8(f, l, c):
            return "\(f):\(l): field \(c) is not valid UTF-8 (save the file as UTF-8)"
        }
    }

    public var errorDescription: String? { description }
}
