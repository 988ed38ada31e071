import Foundation

/// Reports and plots of cross-validation folders (as written by ``CrossValidationRunner``):
///
///     <dir>/config.json
///     <dir>/<fold name>/result.json, history.json, best.safetensors, checkpoint/
///     <dir>/summary.json, summary.md            (when every fold has a result)
///
/// ``writePlots(in:)`` adds `confusion-test.svg` and `training-curves.svg` to every fold folder with a
/// result, and `confusion-pooled.svg` next to the summary. ``merge(_:into:)`` combines fold results
/// found in several folders (folds run on different machines) into one summary.
public enum CrossValidationReports {
    public static let resultFile = "result.json"
    public static let historyFile = "history.json"

    /// Fold result files under `inputs`: a file is taken as it is; a folder contributes its own
    /// `result.json` if it has one, else the `result.json` of each immediate subfolder. Sorted by path,
    /// duplicates (the same file reached twice) removed.
    /// - Throws: ``ReportingError/missingRunFile(run:file:hint:)`` for an input that does not exist or
    ///   holds no result.
    public static func resultFiles(in inputs: [URL]) throws -> [URL] {
        let fm = FileManager.default
        var found = [URL]()
        for input in inputs {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: input.path, isDirectory: &isDir) else {
                throw ReportingError.missingRunFile(run: input.path, file: "file or folder", hint: "check the path")
            }
            if !isDir.boolValue { found.append(input); continue }
            let own = input.appendingPathComponent(resultFile)
            if fm.fileExists(atPath: own.path) { found.append(own); continue }
            let children = ((try? fm.contentsOfDirectory(at: input, includingPropertiesForKeys: nil)) ?? [])
                .map { $0.appendingPathComponent(resultFile) }
                .filter { fm.fileExists(atPath: $0.path) }
            guard !children.isEmpty else {
                throw ReportingError.missingRunFile(run: input.path, file: "\(resultFile) (in it or in its fold folders)",
                                                    hint: "give cross-validation output folders or fold result files")
            }
            found += children
        }
        var seen = Set<String>()
        return found.map(\.standardizedFileURL).filter { seen.insert($0.path).inserted }.sorted { $0.path < $1.path }
    }

    /// Merges the fold results under `inputs` (see ``resultFiles(in:)``) and writes `summary.json`,
    /// `summary.md` and `confusion-pooled.svg` into `output`.
    /// - Throws: ``FoldMergeError`` (missing, duplicated or inconsistent folds) or ``ReportingError``.
    @discardableResult
    public static func merge(_ inputs: [URL], into output: URL) throws -> CrossValidationSummary {
        let files = try resultFiles(in: inputs)
        let summary = try CrossValidationSummary.merge(files: files)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try summary.write(json: output.appendingPathComponent("summary.json"), markdown: output.appendingPathComponent("summary.md"))
        try writeSummaryPlot(summary, in: output)
        return summary
    }

    /// Writes `confusion-pooled.svg` (all folds' test utterances together).
    public static func writeSummaryPlot(_ summary: CrossValidationSummary, in directory: URL) throws {
        try ReportFiles.write(ConfusionMatrixPlot.svg(summary.pooled, title: "\(summary.protocolName): all folds pooled"),
                              to: directory.appendingPathComponent("confusion-pooled.svg"))
    }

    /// Writes the plots of every fold folder in `directory` that has a result, and the pooled confusion
    /// matrix when `summary.json` exists. Returns the files written.
    @discardableResult
    public static func writePlots(in directory: URL) throws -> [URL] {
        let fm = FileManager.default
        var written = [URL]()
        let children = ((try? fm.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []).sorted { $0.path < $1.path }
        for fold in children {
            let resultURL = fold.appendingPathComponent(resultFile)
            guard fm.fileExists(atPath: resultURL.path) else { continue }
            let result = try FoldResult.read(from: resultURL)
            let confusion = fold.appendingPathComponent("confusion-test.svg")
            try ReportFiles.write(ConfusionMatrixPlot.svg(result.test, title: "Test: \(result.foldName)"), to: confusion)
            written.append(confusion)
            if let history = try readHistory(in: fold) {
                let curves = fold.appendingPathComponent("training-curves.svg")
                try ReportFiles.write(TrainingCurvesPlot.svg(history: history, title: "Training curves: \(result.foldName)"), to: curves)
                written.append(curves)
            }
        }
        let summaryURL = directory.appendingPathComponent("summary.json")
        if fm.fileExists(atPath: summaryURL.path) {
            let summary: CrossValidationSummary
            do { summary = try JSONDecoder().decode(CrossValidationSummary.self, from: Data(contentsOf: summaryURL)) } catch {
                throw ReportingError.unreadableRunFile(file: summaryURL.path, reason: DecodingErrorText.describe(error))
            }
            try writeSummaryPlot(summary, in: directory)
            written.append(directory.appendingPathComponent("confusion-pooled.svg"))
        }
        return written
    }

    /// The epoch history a ``Trainer`` wrote in `directory`, or nil when there is none.
    /// - Throws: ``ReportingError/unreadableRunFile(file:reason:)`` for a malformed file.
    public static func readHistory(in directory: URL) throws -> [EpochRecord]? {
        let url = directory.appendingPathComponent(historyFile)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do { return try JSONDecoder().decode([EpochRecord].self, from: Data(contentsOf: url)) } catch {
            throw ReportingError.unreadableRunFile(file: url.path, reason: "not a training history: \(DecodingErrorText.describe(error))")
        }
    }
}
