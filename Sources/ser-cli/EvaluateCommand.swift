import ArgumentParser
import Foundation
import SERTraining

/// `ser-cli evaluate`: a trained run on a manifest (``RunEvaluation``).
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a trained run on a manifest: UA, WA, per-class precision/recall/F1, confusion matrix.",
        discussion: """
        Loads the run in --run (a `train` output folder or a `cv` fold folder: its config.json and model.safetensors, \
        or best.safetensors for runs trained before model files existed) and classifies every utterance whole. Rows \
        whose label is not one of the run's classes are left out and counted. A functionals SVM predicts by its \
        pairwise vote (as scikit-learn's SVC.predict), and with per-speaker standardisation each speaker's \
        statistics come from that speaker's rows evaluated.
        """
    )

    @Option(name: .customLong("run"), help: ArgumentHelp("Run folder.", valueName: "dir"))
    var runDirectory: String

    @Option(name: .long, help: ArgumentHelp("Manifest to evaluate on.", valueName: "file"))
    var manifest: String

    @Option(name: .long, help: ArgumentHelp("Only rows of this split: train, val or test (default: every row).", valueName: "split"))
    var split: String?

    @Flag(name: .long, help: "Leave out manifest rows whose audio cannot be used (listed, and counted) instead of stopping.")
    var skipBadRows = false

    @Flag(name: .shortAndLong, help: "No progress or status lines on standard error (results and errors only).")
    var quiet = false

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Write confusion-matrix.svg, report.json and report.md into this folder (into a new subfolder `evaluation`, `evaluation-2`, … when it is a run folder, whose own reports are kept).", valueName: "dir"))
    var plots: String?

    @Option(name: .long, help: ArgumentHelp("Folder caching pitch-pulse signals.", valueName: "dir"))
    var cache: String?

    func run() throws {
        var part: DataSplit?
        if let split {
            guard let s = DataSplit(rawValue: split) else {
                throw ValidationError("--split '\(split)' is not one of \(DataSplit.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            part = s
        }
        // A run folder's own report.json / report.md are never replaced: write into a new subfolder.
        let plotsFolder = plots.map { EvaluationFolder.resolve(URL(fileURLWithPath: $0, isDirectory: true)) }
        // Writable before any work (a new subfolder is only made when the files are written).
        if let plotsFolder { try OutputFolder.prepare(plotsFolder.isSubfolder ? plotsFolder.folder.deletingLastPathComponent() : plotsFolder.folder) }
        let trained = try TrainedRun.load(from: URL(fileURLWithPath: runDirectory, isDirectory: true))
        let result = try RunEvaluation.evaluate(run: trained, manifest: try readManifest(manifest), split: part,
                                                cache: try cache.map { try FeatureCache(directory: URL(fileURLWithPath: $0, isDirectory: true)) },
                                                skipBadRows: skipBadRows)
        if json {
            print(String(decoding: try ReportFiles.json(result), as: UTF8.self), terminator: "")
        } else {
            print(result.markdown, terminator: "")
        }
        if let plots, let (dir, isSubfolder) = plotsFolder {
            if isSubfolder && !quiet {
                FileHandle.standardError.write(Data("note: \(plots) holds a run; its own reports are kept and the evaluation goes to \(dir.path)\n".utf8))
            }
            try ReportFiles.write(ConfusionMatrixPlot.svg(result.report, title: "Evaluation\(part.map { " (\($0.rawValue))" } ?? ""): \(trained.directory.lastPathComponent)"),
                                  to: dir.appendingPathComponent("confusion-matrix.svg"))
            try ReportFiles.write(try ReportFiles.json(result), to: dir.appendingPathComponent("report.json"))
            try ReportFiles.write(result.markdown, to: dir.appendingPathComponent("report.md"))
            if !quiet { FileHandle.standardError.write(Data("wrote confusion-matrix.svg, report.json and report.md to \(dir.path)\n".utf8)) }
        }
    }
}
