import Foundation
import SERAudio

/// One problem with one manifest row.
public struct ValidationIssue: Codable, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public enum Problem: Error, Codable, Equatable, Sendable, CustomStringConvertible {
        /// The audio file does not exist.
        case missingFile
        /// The audio file exists but its header cannot be read (``AudioError``'s message).
        case unreadable(reason: String)
        /// The file's header declares no samples.
        case emptyAudio
        /// The decoded audio holds a NaN or infinite sample (the first at frame `frame`; see
        /// ``ManifestValidator/checkSamples``).
        case nonFiniteAudio(frame: Int)
        /// The label is not one of the known classes.
        case unknownLabel(label: String)
        /// The segment starts at or after the end of the file, or ends more than
        /// ``ManifestValidator/segmentTolerance`` after it.
        case segmentOutOfRange(start: Double?, end: Double?, duration: Double)
        /// The same file and segment already appears on an earlier row (its index, and its line when known).
        case duplicate(ofIndex: Int, line: Int?)

        public var description: String {
            switch self {
            case .missingFile: return "audio file not found"
            case .unreadable(let r): return "audio file unreadable: \(r)"
            case .emptyAudio: return "audio file holds no samples"
            case .nonFiniteAudio(let frame): return "audio holds NaN or infinite samples (the first at frame \(frame)); re-export the file"
            case .unknownLabel(let l): return "unknown label '\(l)'"
            case let .segmentOutOfRange(s, e, d):
                return "segment \(s.map { "\($0)" } ?? "0")–\(e.map { "\($0)" } ?? "end") s is outside the file (\(d) s long)"
            case let .duplicate(i, line): return "same file and segment as \(line.map { "line \($0)" } ?? "row \(i + 1)")"
            }
        }
    }

    /// 0-based index of the row in the manifest's entries.
    public var index: Int
    /// The row's line in the manifest file, when known.
    public var line: Int?
    /// The row's path as written.
    public var path: String
    public var problem: Problem

    public var description: String {
        let at = line.map { "line \($0)" } ?? "row \(index + 1)"
        return "\(at): \(path): \(problem)"
    }
}

/// The result of validating a manifest: every row is valid or has its issues listed.
public struct ValidationReport: Codable, Equatable, Sendable {
    /// The manifest file, when read from one.
    public var manifestFile: String?
    /// Rows examined.
    public var rows: Int
    /// Every problem found, in row order (a row may have several).
    public var issues: [ValidationIssue]
    /// Indices of the rows without any issue.
    public var validIndices: [Int]
    /// Counts over the valid rows.
    public var summary: CorpusSummary

    /// Rows with at least one issue (each is left out of ``validIndices``).
    public var invalidRowCount: Int { rows - validIndices.count }

    /// Issues counted by kind (`audio file not found`, `unknown label 'x'`, …).
    public var issueCounts: [String: Int] {
        issues.reduce(into: [:]) { counts, issue in
            let key: String
            switch issue.problem {
            case .unreadable: key = "audio file unreadable"
            case .segmentOutOfRange: key = "segment outside the file"
            case .duplicate: key = "duplicate row"
            case .nonFiniteAudio: key = "audio holds NaN or infinite samples"
            default: key = issue.problem.description
            }
            counts[key, default: 0] += 1
        }
    }

    /// A readable report: totals, each issue on its own line, and the per-speaker/per-class table.
    public var text: String {
        var s = "\(manifestFile ?? "manifest"): \(rows) rows, \(validIndices.count) valid, \(invalidRowCount) with problems\n"
        for issue in issues { s += "  \(issue)\n" }
        s += "\n" + summary.table
        return s
    }
}

/// Checks a manifest row by row: audio files exist and have readable headers (``AudioFileInfo``),
/// segments lie within their files, labels are known, rows are not repeated. Nothing is dropped
/// silently: ``ValidationReport/validIndices`` plus the rows named in the issues are all the rows.
public struct ManifestValidator: Sendable {
    /// How far (seconds) a segment's end may lie beyond the file's end before it is an error (annotation
    /// times are often rounded to 10 ms).
    public static let segmentTolerance = 0.01

    /// The known classes; nil accepts every label.
    public var classes: [String]?
    /// Whether to open each audio file (off: only labels and duplicates are checked).
    public var checkAudio: Bool
    /// With ``checkAudio``: also decode every sample and refuse files holding NaN or infinite values
    /// (a float WAV can; they would poison every feature and gradient). Slower: the whole file is read.
    public var checkSamples: Bool

    public init(classes: [String]? = nil, checkAudio: Bool = true, checkSamples: Bool = false) {
        self.classes = classes
        self.checkAudio = checkAudio
        self.checkSamples = checkSamples
    }

    public func validate(_ manifest: Manifest) -> ValidationReport {
        var issues = [ValidationIssue]()
        var valid = [Int]()
        var durations = [String: Result<Double, ValidationIssue.Problem>]()
        var firstRow = [String: Int]()
        let known = classes.map(Set.init)
        for (i, e) in manifest.entries.enumerated() {
            var problems = [ValidationIssue.Problem]()
            if let known, !known.contains(e.label) { problems.append(.unknownLabel(label: e.label)) }
            let url = manifest.url(of: e)
            let key = "\(url.standardizedFileURL.path)|\(e.start.map { "\($0)" } ?? "")|\(e.end.map { "\($0)" } ?? "")"
            if let first = firstRow[key] { problems.append(.duplicate(ofIndex: first, line: manifest.line(ofEntry: first))) } else { firstRow[key] = i }
            if checkAudio {
                let path = url.standardizedFileURL.path
                let duration = durations[path] ?? Self.duration(of: url, checkSamples: checkSamples)
                durations[path] = duration
                switch duration {
                case .failure(let p): problems.append(p)
                case .success(let d):
                    if (e.start ?? 0) >= d || (e.end ?? d) > d + Self.segmentTolerance {
                        problems.append(.segmentOutOfRange(start: e.start, end: e.end, duration: d))
                    }
                }
            }
            if problems.isEmpty { valid.append(i) }
            for p in problems {
                issues.append(ValidationIssue(index: i, line: manifest.line(ofEntry: i), path: e.path, problem: p))
            }
        }
        let summary = CorpusSummary(entries: valid.map { manifest.entries[$0] }, classes: classes)
        return ValidationReport(manifestFile: manifest.sourceFile, rows: manifest.entries.count, issues: issues,
                                validIndices: valid, summary: summary)
    }

    private static func duration(of url: URL, checkSamples: Bool) -> Result<Double, ValidationIssue.Problem> {
        guard FileManager.default.fileExists(atPath: url.path) else { return .failure(.missingFile) }
        do {
            let info = try AudioFileInfo(contentsOf: url)
            guard info.frames > 0 else { return .failure(.emptyAudio) }
            if checkSamples { _ = try AudioFile.read(url) }  // throws AudioError.nonFinite on the first bad sample
            return .success(info.duration)
        } catch let e as AudioError {
            if case .fileNotFound = e { return .failure(.missingFile) }
            if case .nonFinite(_, let frame) = e { return .failure(.nonFiniteAudio(frame: frame)) }
            return .failure(.unreadable(reason: e.description))
        } catch {
            return .failure(.unreadable(reason: "\(error)"))
        }
    }
}

extension Manifest {
    /// The manifest restricted to the rows at `indices` (e.g. ``ValidationReport/validIndices``), in that order.
    public func keeping(_ indices: [Int]) -> Manifest {
        var m = Manifest(entries: indices.map { entries[$0] }, baseDirectory: baseDirectory)
        if sourceLines.count == entries.count {
            m.sourceLines = indices.map { sourceLines[$0] }
            m.sourceFile = sourceFile
        }
        return m
    }
}
