import Foundation
import ArgumentParser
import SERTraining

/// The worker side of `cv --jobs` (``CrossValidationJobs``): the command a worker runs, the arguments it is started
/// with, and the watch that ends it with its parent.
extension CrossValidateCommand {
    /// A `--jobs` worker: runs the folds its parent hands out (``CrossValidationJobs``), writing lines without
    /// redrawn progress bars, tagged with the fold or the worker. Ends when the parent process does.
    func runWorker(_ number: Int, runner: CrossValidationRunner) throws {
        var runner = runner
        let printer = TrainingProgressPrinter(quiet: quiet, redraws: false)
        runner.progress = { label, event in
            if let event { printer.handle(event, label: label) } else { printer.line("[worker \(number)] \(label)") }
        }
        ParentWatch.start(number: number)
        var requests = LineReader(FileHandle.standardInput)
        _ = try runner.run(only: folds) {
            try FileHandle.standardOutput.write(contentsOf: Data("next\n".utf8))
            guard let line = requests.next() else { return nil }
            guard let fold = Int(line) else { throw ValidationError("worker \(number): the parent sent '\(line)', not a fold number") }
            return fold
        }
    }

    /// This command's arguments for a worker: without `--jobs`, `--fold` and `--job-worker` (and their values).
    static func workerArguments() -> [String] {
        let dropped = ["--jobs", "--fold", "--job-worker"]
        var kept: [String] = []
        var skipValue = false
        for argument in CommandLine.arguments.dropFirst() {
            if skipValue { skipValue = false; continue }
            if dropped.contains(argument) { skipValue = true; continue }
            if dropped.contains(where: { argument.hasPrefix($0 + "=") }) { continue }
            kept.append(argument)
        }
        return kept
    }
}


/// Ends a `--jobs` worker when its parent process ends (the parent was killed): the fold stops where it is,
/// and its last checkpoint, written atomically, lets the same command resume.
enum ParentWatch {
    static func start(number: Int) {
        let parent = getppid()
        Thread.detachNewThread {
            while true {
                Thread.sleep(forTimeInterval: 1)
                if getppid() != parent {
                    FileHandle.standardError.write(Data("[worker \(number)] the cv process that started this worker ended; stopping\n".utf8))
                    exit(3)
                }
            }
        }
    }
}
