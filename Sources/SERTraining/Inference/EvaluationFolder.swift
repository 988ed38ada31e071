import Foundation

/// Where `evaluate --plots` writes its files (`confusion-matrix.svg`, `report.json`, `report.md`)
/// without ever replacing a run's own records.
public enum EvaluationFolder {
    /// Files that mark a folder as a training run, a cross-validation or one of its folds.
    public static let runRecords = ["config.json", "best.safetensors", "model.safetensors", "checkpoint", "history.json", "result.json", "summary.json"]

    /// `requested` itself, or, when it holds a run's records, a new subfolder `evaluation` (then
    /// `evaluation-2`, `evaluation-3`, …: the first name not taken), so that a run's `report.json` and
    /// `report.md` are never overwritten.
    /// - Returns: the folder to write into, and whether it is a subfolder of `requested`.
    public static func resolve(_ requested: URL) -> (folder: URL, isSubfolder: Bool) {
        let fm = FileManager.default
        guard runRecords.contains(where: { fm.fileExists(atPath: requested.appendingPathComponent($0).path) }) else {
            return (requested, false)
        }
        var n = 1
        while true {
            let name = n == 1 ? "evaluation" : "evaluation-\(n)"
            let candidate = requested.appendingPathComponent(name, isDirectory: true)
            if !fm.fileExists(atPath: candidate.path) { return (candidate, true) }
            n += 1
        }
    }
}
