import Foundation
import SERTensor

/// Errors of the reporting and inference layer; each names the file concerned.
public enum ReportingError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A report, plot or result that cannot be written.
    case unwritable(file: String, reason: String)
    /// A run folder that does not exist.
    case runNotFound(path: String)
    /// A run folder without a file it needs (`config.json`, `best.safetensors`, `history.json`).
    case missingRunFile(run: String, file: String, hint: String)
    /// A run file that exists but cannot be read.
    case unreadableRunFile(file: String, reason: String)
    /// An argument out of range, e.g. a window length.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .unwritable(f, r): return "\(f): cannot write: \(r)"
        case let .runNotFound(p): return "\(p): run folder not found; give a folder written by training (a run or a cross-validation fold folder)"
        case let .missingRunFile(run, file, hint): return "\(run): no \(file) in the run folder; \(hint)"
        case let .unreadableRunFile(f, r): return "\(f): cannot read: \(r)"
        case let .invalidArgument(m): return m
        }
    }

    public var errorDescription: String? { description }
}

/// Atomic writes of reports and plots (temporary file in the same folder, then rename).
public enum ReportFiles {
    /// Writes `text` as UTF-8, creating the folder if needed.
    /// - Throws: ``ReportingError/unwritable(file:reason:)``.
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    public static func write(_ data: Data, to url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(data, to: url)
        } catch {
            throw ReportingError.unwritable(file: url.path, reason: "\(error)")
        }
    }

    /// `value` as pretty-printed JSON with sorted keys and a final newline.
    public static func json<T: Encodable>(_ value: T) throws -> Data { try ResultJSON.encode(value) }

    /// A file-name-safe version of `s`: characters outside `A-Z a-z 0-9 . _ -` become `_`.
    public static func safeName(_ s: String) -> String {
        let out = String(s.unicodeScalars.map { u -> Character in
            let ok = (u.value >= 48 && u.value <= 57) || (u.value >= 65 && u.value <= 90) || (u.value >= 97 && u.value <= 122)
                || u == "." || u == "_" || u == "-"
            return ok ? Character(u) : "_"
        })
        return out.isEmpty ? "_" : out
    }
}
