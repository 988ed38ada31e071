import Foundation
import SERTensor

/// What one fold's run produced, saved as a JSON file so folds run on different machines can be merged
/// (see ``CrossValidationSummary/merge(files:)``).
public struct FoldResult: Codable, Equatable, Sendable {
    /// The protocol's name (``CrossValidationProtocol/name``).
    public var protocolName: String
    /// The fold's number (1-based) and the protocol's fold count.
    public var foldNumber: Int
    public var foldCount: Int
    /// The fold's ``Fold/name``.
    public var foldName: String
    public var trainSpeakers: [String]
    public var validationSpeakers: [String]
    public var testSpeakers: [String]
    /// Results on the fold's test rows (whole utterances).
    public var test: ClassificationReport
    /// Results on the validation rows with the model kept (best validation UA), if recorded.
    public var validation: ClassificationReport?
    /// Free-form facts about the run (configuration name, best epoch, wall time, …).
    public var metadata: [String: String]

    public init(fold: Fold, test: ClassificationReport, validation: ClassificationReport? = nil,
                metadata: [String: String] = [:]) {
        protocolName = fold.protocolName
        foldNumber = fold.number
        foldCount = fold.count
        foldName = fold.name
        trainSpeakers = fold.trainSpeakers
        validationSpeakers = fold.validationSpeakers
        testSpeakers = fold.testSpeakers
        self.test = test
        self.validation = validation
        self.metadata = metadata
    }

    /// The file name folds are conventionally saved under: `<fold name>.json`.
    public var fileName: String { "\(foldName).json" }

    /// Writes the result as JSON to `url`, atomically.
    /// - Throws: ``FoldMergeError/unwritable(file:reason:)``.
    public func write(to url: URL) throws {
        do { try AtomicFile.write(try ResultJSON.encode(self), to: url) } catch {
            throw FoldMergeError.unwritable(file: url.path, reason: "\(error)")
        }
    }

    /// Reads a result written by ``write(to:)``.
    /// - Throws: ``FoldMergeError/unreadable(file:reason:)`` naming the file.
    public static func read(from url: URL) throws -> FoldResult {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            let why = FileManager.default.fileExists(atPath: url.path) ? (error as NSError).localizedDescription : "no such file"
            throw FoldMergeError.unreadable(file: url.path, reason: why)
        }
        do { return try JSONDecoder().decode(FoldResult.self, from: data) } catch {
            throw FoldMergeError.unreadable(file: url.path, reason: "not a fold result: \(DecodingErrorText.describe(error))")
        }
    }
}

/// Short descriptions of `DecodingError`s (the default text is long and nested).
enum DecodingErrorText {
    static func describe(_ error: Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.isEmpty ? "" : " at " + c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch e {
        case .keyNotFound(let k, let c): return "missing key '\(k.stringValue)'\(path(c))"
        case .typeMismatch(_, let c): return "wrong type\(path(c)): \(c.debugDescription)"
        case .valueNotFound(_, let c): return "missing value\(path(c))"
        case .dataCorrupted(let c): return "\(c.debugDescription)\(path(c))"
        @unknown default: return "\(error)"
        }
    }
}
