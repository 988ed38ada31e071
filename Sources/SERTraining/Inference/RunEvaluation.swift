import Foundation
import SERFeatures

/// The evaluation of a trained run on (part of) a manifest: predictions on whole utterances and the
/// ``ClassificationReport`` (UA, WA, per-class metrics, confusion matrix).
public struct RunEvaluation: Codable, Equatable, Sendable {
    public var run: String
    public var manifest: String?
    /// The split evaluated (`train`, `val`, `test`), or nil for every row.
    public var split: String?
    /// Rows of the manifest (in the split) whose label is one of the run's classes: the rows evaluated.
    public var evaluatedRows: Int
    /// Rows of the split left out because their label is not one of the run's classes, by label.
    public var excludedByLabel: [String: Int]
    /// Rows left out with `skipBadRows` because their audio cannot be used (nil: none).
    public var skippedRows: Int?
    public var report: ClassificationReport

    /// Evaluates `run` on the rows of `manifest` in `split` (nil: all rows).
    ///
    /// Rows whose label the run does not know are left out and counted in ``excludedByLabel`` (never
    /// silently). Audio files are decoded with the same code as in training (``UtteranceStore``).
    /// - Throws: ``ReportingError/invalidArgument(_:)`` when no row is left (e.g. the manifest has no
    ///   `split` column, or no row of the split has a known label); the first audio error, naming the file.
    ///   Every problem of the rows used (missing, unreadable, non-finite audio, duplicates) is found before
    ///   any is evaluated: ``ManifestProblems`` lists them all, or with `skipBadRows` they are left out
    ///   and counted in ``skippedRows``.
    public static func evaluate(run: TrainedRun, manifest: Manifest, split: DataSplit? = nil,
                                cache: FeatureCache? = nil, skipBadRows: Bool = false) throws -> RunEvaluation {
        let classes = run.configuration.classes
        let known = Set(classes)
        let inSplit = manifest.entries.indices.filter { split == nil || manifest.entries[$0].split == split }
        if let split, inSplit.isEmpty {
            let hasColumn = manifest.entries.contains { $0.split != nil }
            throw ReportingError.invalidArgument(hasColumn
                ? "\(manifest.sourceFile ?? "the manifest") has no rows with split '\(split.rawValue)'"
                : "\(manifest.sourceFile ?? "the manifest") has no split column; evaluate every row (no split) instead")
        }
        var kept = inSplit.filter { known.contains(manifest.entries[$0].label) }
        var excluded = [String: Int]()
        for i in inSplit where !known.contains(manifest.entries[i].label) { excluded[manifest.entries[i].label, default: 0] += 1 }
        guard !kept.isEmpty else {
            throw ReportingError.invalidArgument("no rows to evaluate: none of the labels (\(excluded.keys.sorted().joined(separator: ", "))) is one of the run's classes (\(classes.joined(separator: ", ")))")
        }
        let check = try ManifestRowCheck.usableRows(of: manifest, indices: kept, skipBadRows: skipBadRows)
        kept = check.rows
        guard !kept.isEmpty else { throw ReportingError.invalidArgument("no rows to evaluate: every row has a problem") }
        let utterances = try UtteranceStore.load(manifest, indices: kept, classes: classes, pitchPulses: run.needsPitchPulses,
                                                 cache: cache)
        // A functionals classifier decides by its own rule (LIBSVM's one-vs-one votes); a network by its
        // largest posterior, which must be finite.
        let predicted: [Int]
        if run.functionalsClassifier != nil {
            predicted = try run.predictor.predictedClasses(utterances)
        } else {
            let posteriors = try run.predictor.checkedPosteriors(utterances)
            predicted = posteriors.map { p in p.indices.max { p[$0] < p[$1] } ?? 0 }
        }
        let report = try ClassificationReport(classes: classes, truth: utterances.map(\.label), predicted: predicted)
        return RunEvaluation(run: run.directory.path, manifest: manifest.sourceFile, split: split?.rawValue,
                             evaluatedRows: kept.count, excludedByLabel: excluded,
                             skippedRows: check.skippedRows > 0 ? check.skippedRows : nil, report: report)
    }

    /// Markdown: what was evaluated, then the report (``ClassificationReport/markdown``).
    public var markdown: String {
        var s = "Evaluation of \(run) on \(manifest ?? "the manifest")"
        s += split.map { ", split \($0)" } ?? ", all rows"
        s += ": \(evaluatedRows) utterances"
        if !excludedByLabel.isEmpty {
            s += " (left out, label not among the run's classes: "
            s += excludedByLabel.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
        }
        if let skippedRows { s += "; \(skippedRows) row\(skippedRows == 1 ? "" : "s") with problems skipped" }
        return s + "\n\n" + report.markdown
    }
}
