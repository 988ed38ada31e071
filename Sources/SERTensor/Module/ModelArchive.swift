import Foundation

/// A model saved as one safetensors file: the weights under their dotted names, plus the model's
/// architecture as JSON in the file's metadata (`swiftser.model.kind`, `swiftser.model.config`,
/// `swiftser.model.format_version`), so a file describes how to rebuild its model.
public enum ModelArchive {
    public static let formatVersion = 1
    static let kindKey = "swiftser.model.kind", configKey = "swiftser.model.config", versionKey = "swiftser.model.format_version"

    /// Writes `module`'s state and `configuration` (atomically).
    public static func save<C: Encodable>(_ module: Module, kind: String, configuration: C, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(configuration), as: UTF8.self)
        try module.save(to: url, metadata: [kindKey: kind, configKey: json, versionKey: "\(formatVersion)"])
    }

    /// Reads the kind and configuration of a saved model without loading its weights into anything.
    /// - Throws: ``ModelArchiveError`` when the metadata is missing, of another kind, a newer format or malformed.
    public static func configuration<C: Decodable>(_ type: C.Type, kind: String, at url: URL) throws -> C {
        let (_, metadata) = try Safetensors.readWithMetadata(from: url)
        return try configuration(type, kind: kind, metadata: metadata, file: url.path)
    }

    /// The configuration of kind `kind` in a saved model's metadata (already read from `file`, named in errors).
    /// - Throws: ``ModelArchiveError`` when the metadata is missing, of another kind, a newer format or malformed.
    public static func configuration<C: Decodable>(_ type: C.Type, kind: String, metadata: [String: String],
                                                   file: String) throws -> C {
        guard let version = metadata[versionKey], let v = Int(version) else {
            throw ModelArchiveError(path: file, problem: "no SwiftSER model metadata (was it saved with ModelArchive.save?)")
        }
        guard v <= formatVersion else {
            throw ModelArchiveError(path: file, problem: "format version \(v) is newer than this SwiftSER (\(formatVersion))")
        }
        guard metadata[kindKey] == kind else {
            throw ModelArchiveError(path: file, problem: "holds a '\(metadata[kindKey] ?? "?")' model, not '\(kind)'")
        }
        guard let json = metadata[configKey] else { throw ModelArchiveError(path: file, problem: "no configuration") }
        do {
            return try JSONDecoder().decode(C.self, from: Data(json.utf8))
        } catch {
            throw ModelArchiveError(path: file, problem: "configuration is not a valid \(C.self): \(error)")
        }
    }

    /// Loads the weights into `module` (strict: every mismatch is listed, see ``StateDictError``).
    public static func loadWeights(into module: Module, from url: URL) throws {
        _ = try module.load(from: url, strict: true)
    }
}

/// A saved model that cannot be used as asked.
public struct ModelArchiveError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var problem: String
    public var description: String { "\(path): \(problem)" }
}
