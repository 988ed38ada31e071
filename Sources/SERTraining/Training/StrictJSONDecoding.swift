import Foundation
import SERTensor

/// What is wrong with the content of a JSON configuration file (a training `config.json` or `--config`,
/// a wav2vec pretraining `--config`). Every case names the setting by its dotted path, e.g.
/// `logMel.bandCount` or `model.strfInputs[0].kind`.
public enum ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not JSON (the parser's message and byte offset).
    case notJSON(reason: String)
    /// The top level is not an object.
    case notAnObject(found: String)
    /// A key no setting reads (a misspelling would otherwise silently keep the default).
    case unknownKey(path: String, known: [String])
    /// A value of the wrong JSON type, e.g. `"maxEpochs": 2.5`.
    case wrongType(path: String, expected: String, found: String)
    /// A value of the right type that is not allowed (e.g. an unknown enum case).
    case invalidValue(path: String, reason: String)
    /// A required key is absent.
    case missingKey(path: String)

    public var description: String {
        switch self {
        case let .notJSON(r): return "not valid JSON: \(r)"
        case let .notAnObject(found): return "the configuration must be a JSON object ({...}), found \(found)"
        case let .unknownKey(path, known):
            return "unknown key '\(path)'; known keys there: \(known.joined(separator: ", ")) (fix the spelling or remove it)"
        case let .wrongType(path, expected, found): return "'\(path)' must be \(expected), found \(found)"
        case let .invalidValue(path, reason): return "'\(path)': \(reason)"
        case let .missingKey(path): return "missing key '\(path)'"
        }
    }
}

/// Strict decoding of JSON configuration files, shared by every configuration SwiftSER reads
/// (``TrainingConfiguration/decode(_:)``, ``Wav2VecPretrainingConfiguration/read(from:)``).
public enum StrictJSONDecoding {
    /// Decodes `T` from `data` strictly: the text must be one JSON object without duplicate keys; a key
    /// that decoding did not read, at any depth, is an error naming its dotted path and the known keys
    /// there (a misspelt setting would otherwise silently keep its default); a value of the wrong type
    /// names its key. A key whose value is `null` counts as not given.
    ///
    /// How: `T` is decoded with `JSONDecoder`, encoded again, and the two JSON trees compared; whatever
    /// `T` read is written back, so a non-null key that is missing from the written tree was ignored.
    /// - Parameter topLevelKeys: the keys `T` accepts at the top (checked before decoding, and listed in
    ///   the error); nil: the keys of the written object.
    /// - Throws: ``ConfigurationError``.
    public static func decode<T: Codable>(_ type: T.Type, from data: Data, topLevelKeys: [String]? = nil) throws -> T {
        let given: JSONValue
        do { given = try JSONValue.parse(data) } catch { throw ConfigurationError.notJSON(reason: "\(error)") }
        guard case .object(let top) = given else { throw ConfigurationError.notAnObject(found: given.kindName) }
        if let known = topLevelKeys, let unknown = top.first(where: { !known.contains($0.key) }) {
            throw ConfigurationError.unknownKey(path: unknown.key, known: known.sorted())
        }
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw describe(error, in: given, as: T.self)
        }
        let written: JSONValue
        do { written = try JSONValue.parse(try JSONEncoder().encode(value)) } catch {
            throw ConfigurationError.invalidValue(path: "", reason: "cannot be written back as JSON: \(error)")
        }
        if let unknown = firstIgnoredKey(given, written, path: "", topLevelKeys: topLevelKeys?.sorted()) { throw unknown }
        return value
    }

    /// The first key of `given` (depth first, in file order) with a non-null value that `written`
    /// lacks at the same place.
    private static func firstIgnoredKey(_ given: JSONValue, _ written: JSONValue, path: String, topLevelKeys: [String]?) -> ConfigurationError? {
        switch (given, written) {
        case let (.object(g), .object(w)):
            for (key, value) in g {
                let here = path.isEmpty ? key : path + "." + key
                guard let counterpart = w.first(where: { $0.key == key })?.value else {
                    // null is "not given"; a known top-level setting that is not written back holds its
                    // default (settings equal to their default may be left out when writing).
                    if value == .null || (path.isEmpty && topLevelKeys?.contains(key) == true) { continue }
                    let known = path.isEmpty ? (topLevelKeys ?? w.map(\.key)) : w.map(\.key)
                    return .unknownKey(path: here, known: known.sorted())
                }
                if let e = firstIgnoredKey(value, counterpart, path: here, topLevelKeys: topLevelKeys) { return e }
            }
        case let (.array(g), .array(w)):
            for (i, (a, b)) in zip(g, w).enumerated() {
                if let e = firstIgnoredKey(a, b, path: "\(path)[\(i)]", topLevelKeys: topLevelKeys) { return e }
            }
        case let (.object, .array(w)) where w.count == 1:
            // A setting that reads one object as a one-element list (e.g. `fusion.functionals`).
            return firstIgnoredKey(given, w[0], path: path, topLevelKeys: topLevelKeys)
        default:
            break
        }
        return nil
    }

    /// A decoding error as a ``ConfigurationError`` with the dotted path and, where it helps, the
    /// value found in the file.
    private static func describe<T: Decodable>(_ error: DecodingError, in given: JSONValue, as type: T.Type) -> ConfigurationError {
        func dotted(_ path: [CodingKey]) -> String {
            path.reduce(into: "") { s, k in
                if let i = k.intValue { s += "[\(i)]" } else { s += s.isEmpty ? k.stringValue : "." + k.stringValue }
            }
        }
        func found(_ path: [CodingKey]) -> String {
            var v: JSONValue? = given
            for k in path {
                switch v {
                case .object(let members)?: v = members.first { $0.key == k.stringValue }?.value
                case .array(let items)?: v = k.intValue.flatMap { items.indices.contains($0) ? items[$0] : nil }
                default: v = nil
                }
            }
            switch v {
            case .number(let text)?: return text
            case .string(let s)?: return "\"\(s)\""
            case .bool(let b)?: return "\(b)"
            case let other?: return other.kindName
            case nil: return "nothing"
            }
        }
        func expected(_ type: Any.Type) -> String {
            switch type {
            case is Bool.Type: return "true or false"
            case is String.Type: return "a string"
            case is Int.Type, is UInt64.Type, is Int32.Type, is UInt.Type: return "an integer"
            case is Double.Type, is Float.Type: return "a number"
            default:
                let name = "\(type)"
                if name.hasPrefix("Array") || name.hasPrefix("[") { return "an array" }
                if name.hasPrefix("Dictionary") { return "an object" }
                return "an object (\(name))"
            }
        }
        switch error {
        case let .typeMismatch(type, c):
            return .wrongType(path: dotted(c.codingPath), expected: expected(type), found: found(c.codingPath))
        case let .valueNotFound(type, c):
            return .wrongType(path: dotted(c.codingPath), expected: expected(type), found: "null")
        case let .keyNotFound(key, c):
            return .missingKey(path: dotted(c.codingPath + [key]))
        case let .dataCorrupted(c):
            // Foundation reports a fractional or too large number for an integer setting as corrupt
            // data, on Linux without a path: find the number whose replacement by 0 makes it decode.
            if c.codingPath.isEmpty || c.debugDescription.contains("does not fit in") {
                for (path, text) in numbersThatAreNotSmallIntegers(given, path: []) {
                    let fixed = replacing(path[...], in: given, with: .number("0"))
                    if (try? JSONDecoder().decode(T.self, from: Data(fixed.text.utf8))) != nil {
                        return .wrongType(path: dotted(path), expected: "an integer", found: text)
                    }
                }
            }
            return .invalidValue(path: dotted(c.codingPath), reason: "\(c.debugDescription) (found \(found(c.codingPath)))")
        @unknown default:
            return .invalidValue(path: "", reason: "\(error)")
        }
    }

    /// Every number in `value` written with a fraction or exponent, or too large for `Int`, with its path.
    private static func numbersThatAreNotSmallIntegers(_ value: JSONValue, path: [CodingKey]) -> [([CodingKey], String)] {
        switch value {
        case .number(let text):
            return Int(text) == nil ? [(path, text)] : []
        case .object(let members):
            return members.flatMap { numbersThatAreNotSmallIntegers($0.value, path: path + [PathKey(stringValue: $0.key)]) }
        case .array(let items):
            return items.enumerated().flatMap { numbersThatAreNotSmallIntegers($1, path: path + [PathKey(intValue: $0)]) }
        default:
            return []
        }
    }

    /// `value` with the element at `path` replaced by `replacement`.
    private static func replacing(_ path: ArraySlice<CodingKey>, in value: JSONValue, with replacement: JSONValue) -> JSONValue {
        guard let key = path.first else { return replacement }
        switch value {
        case .object(let members):
            return .object(members.map { $0.key == key.stringValue ? ($0.key, replacing(path.dropFirst(), in: $0.value, with: replacement)) : $0 })
        case .array(let items):
            return .array(items.enumerated().map { $0 == key.intValue ? replacing(path.dropFirst(), in: $1, with: replacement) : $1 })
        default:
            return value
        }
    }

    private struct PathKey: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init(intValue: Int) { self.stringValue = "\(intValue)"; self.intValue = intValue }
    }
}

extension JSONValue {
    /// The value as compact JSON text (numbers as written, strings escaped as ``quoted(_:)`` does).
    var text: String {
        switch self {
        case .object(let members): return "{" + members.map { JSONValue.quoted($0.key) + ":" + $0.value.text }.joined(separator: ",") + "}"
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .string(let s): return JSONValue.quoted(s)
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }
}
