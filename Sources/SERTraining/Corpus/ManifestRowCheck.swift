import Foundation

/// Rows of a manifest that cannot be used, found before any training or evaluation starts: every
/// problem with its line (missing, unreadable or empty audio, NaN or infinite samples, segments outside
/// their files, duplicate rows), listed together rather than one at a time.
public struct ManifestProblems: Error, Equatable, Sendable, CustomStringConvertible {
    public var manifestFile: String?
    public var issues: [ValidationIssue]
    /// Rows with at least one problem.
    public var rows: Int

    public var description: String {
        var s = "\(manifestFile ?? "the manifest"): \(rows) row\(rows == 1 ? "" : "s") cannot be used:\n"
        for issue in issues { s += "  \(issue)\n" }
        s += "fix or remove these rows, or pass --skip-bad-rows to leave them out"
        return s
    }
}

/// The check `train`, `cv` and `evaluate` run on the rows they use before loading any audio for training.
public enum ManifestRowCheck {
    /// Checks rows `indices` of `manifest` (``ManifestValidator`` with every sample decoded).
    /// - Parameters:
    ///   - skipBadRows: leave rows with problems out instead of failing.
    /// - Returns: the usable indices (in the given order) and the issues of the rows left out.
    /// - Throws: ``ManifestProblems`` listing every problem when a row has one and `skipBadRows` is off.
    public static func usableRows(of manifest: Manifest, indices: [Int], skipBadRows: Bool) throws
        -> (rows: [Int], skipped: [ValidationIssue], skippedRows: Int) {
        let subset = manifest.keeping(indices)
        let report = ManifestValidator(classes: nil, checkAudio: true, checkSamples: true).validate(subset)
        let issues = report.issues.map { issue -> ValidationIssue in
            var i = issue
            i.index = indices[issue.index]
            if case let .duplicate(first, line) = issue.problem { i.problem = .duplicate(ofIndex: indices[first], line: line) }
            return i
        }.sorted { $0.index < $1.index }
        if !issues.isEmpty && !skipBadRows {
            throw ManifestProblems(manifestFile: manifest.sourceFile, issues: issues, rows: report.invalidRowCount)
        }
        return (report.validIndices.map { indices[$0] }, issues, report.invalidRowCount)
    }
}
