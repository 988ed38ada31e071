import ArgumentParser
import Foundation
import SERTensor

/// `ser-cli bench`: throughput of SwiftSER's kernels next to their raw baselines.
///
/// OpenBLAS chooses its GEMM kernel and blocking when it is loaded, from the CPU and from
/// `OPENBLAS_CORETYPE` / `OPENBLAS_L2_SIZE`. So that figures can be compared with and without those
/// overrides, the command runs once in this process (environment as set) and then re-executes itself
/// (`/proc/self/exe`, same arguments plus the hidden `--child`) with the two variables removed, and
/// reports both runs. The measuring is done by the library (``BenchRegistry``); this file only
/// parses, spawns and prints.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure kernel throughput (matmul GFLOP/s, elementwise and reduction GB/s).",
        discussion: """
        Runs every section (or those named with --only) in this process, then again in a child process \
        with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, unless --no-unset-run is given or neither is set. \
        Each figure is the median of --iterations timed calls after --warmups untimed ones.
        """
    )

    @Option(name: .long, help: "Run only this section (repeatable). See --list.")
    var only: [String] = []

    @Flag(name: .shortAndLong, help: "No progress or status lines on standard error (results and errors only).")
    var quiet = false

    @Flag(name: .long, help: "List the benchmark sections and exit.")
    var list = false

    @Flag(name: .long, help: "Print the results as JSON instead of tables.")
    var json = false

    @Option(name: .long, help: "Also save the JSON results to this file (written atomically).")
    var output: String?

    @Option(name: .long, help: "Timed iterations per case (the median is reported).")
    var iterations = 10

    @Option(name: .long, help: "Untimed warm-up calls per case.")
    var warmups = 3

    @Flag(name: .long, help: "Also profile the model sections: per-op forward and backward milliseconds per training step (3 extra steps per model, untimed).")
    var profile = false

    @Flag(name: .long, help: "Skip the second run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset.")
    var noUnsetRun = false

    /// Set on the re-executed child: run once, print the run as JSON on stdout, nothing else.
    @Flag(name: .long, help: .hidden)
    var child = false

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
        guard warmups >= 0 else { throw ValidationError("--warmups must not be negative") }
        do { _ = try Self.registry().select(only) } catch let e as BenchError {
            throw ValidationError(e.description)
        }
    }

    func run() throws {
        let registry = Self.registry(profileSteps: profile ? 3 : 0)
        if list {
            for s in registry.sections { print("\(s.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(s.summary)") }
            return
        }
        let timer = BenchmarkTimer(warmups: warmups, iterations: iterations)
        if child {
            let run = try registry.run(only: only, label: Self.unsetLabel, timer: timer,
                                       progress: { if !quiet { Self.note("bench [unset run] \($0)") } })
            print(String(decoding: try Self.encoder.encode(run), as: UTF8.self))
            return
        }

        let first = try registry.run(only: only, label: "environment as set", timer: timer,
                                     progress: { if !quiet { Self.note("bench \($0)") } })
        var report = BenchReport(runs: [first])
        var childFailure: String?
        let setVariables = BenchEnvironment.kernelSelectionVariables.filter {
            ProcessInfo.processInfo.environment[$0] != nil
        }
        if noUnsetRun {
            report.notes.append("second run with \(Self.unsetNames) unset skipped (--no-unset-run)")
        } else if setVariables.isEmpty {
            report.notes.append("\(Self.unsetNames) are not set, so the run above already has them unset")
        } else {
            do {
                report.runs.append(try runChild())
            } catch {
                childFailure = "\(error)"
                report.notes.append("run with \(Self.unsetNames) unset failed: \(error)")
            }
        }

        if json {
            print(String(decoding: try Self.encoder.encode(report), as: UTF8.self))
        } else {
            print(Self.format(report))
        }
        if let output {
            let url = URL(fileURLWithPath: output)
            do {
                try Self.encoder.encode(report).write(to: url, options: .atomic)
            } catch {
                throw BenchCommandError.cannotWrite(url.path, error.localizedDescription)
            }
            if !quiet { Self.note("bench: results saved to \(url.path)") }
        }
        if let childFailure {
            Self.note("bench: the second run failed: \(childFailure)")
            throw ExitCode.failure
        }
    }

    // MARK: Child process

    static let unsetLabel = "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset"
    static var unsetNames: String { BenchEnvironment.kernelSelectionVariables.joined(separator: " and ") }

    /// Why the re-executed child produced no run, or the results could not be saved.
    enum BenchCommandError: Error, CustomStringConvertible {
        case exited(status: Int32)
        case unreadable(String)
        case cannotWrite(String, String)

        var description: String {
            switch self {
            case .exited(let status): return "child process exited with status \(status)"
            case .unreadable(let why): return "child process output is not a benchmark run: \(why)"
            case let .cannotWrite(path, why): return "could not write the results to \(path): \(why)"
            }
        }
    }

    /// Re-executes this binary with the same arguments plus `--child`, without the kernel-selection
    /// variables, and decodes the ``BenchRun`` it prints.
    private func runChild() throws -> BenchRun {
        let process = Process()
        let selfExe = "/proc/self/exe"
        process.executableURL = URL(fileURLWithPath: FileManager.default.fileExists(atPath: selfExe)
                                    ? selfExe : CommandLine.arguments[0])
        process.arguments = Array(CommandLine.arguments.dropFirst()) + ["--child"]
        var env = ProcessInfo.processInfo.environment
        for name in BenchEnvironment.kernelSelectionVariables { env[name] = nil }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        if !quiet { Self.note("bench: re-running in a child process with \(Self.unsetNames) unset") }
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchCommandError.exited(status: process.terminationStatus) }
        do {
            return try JSONDecoder().decode(BenchRun.self, from: data)
        } catch {
            throw BenchCommandError.unreadable("\(error)")
        }
    }

    // MARK: Printing

    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return e
    }

    /// A line on stderr (progress and diagnostics; stdout carries only results).
    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func format(_ report: BenchReport) -> String {
        var lines = [String]()
        for (i, run) in report.runs.enumerated() {
            let env = run.environment
            lines.append("== Run \(i + 1) of \(report.runs.count): \(run.label) ==")
            lines.append("OpenBLAS core \(env.openBLASCore), \(env.openBLASThreads) threads; \(env.variableSummary)")
            lines.append("OpenBLAS config: \(env.openBLASConfig)")
            if let kernel = env.gemmKernel { lines.append("float32 GEMM: \(kernel)") }
            lines.append("CPU: \(env.cpuModel ?? "unknown"); SwiftSER kernels on \(env.parallelWorkers) threads; "
                         + "median of \(run.timer.iterations) after \(run.timer.warmups) warm-ups")
            for section in run.sections {
                lines.append("")
                lines.append("\(section.section): \(section.summary)")
                lines.append(contentsOf: table(section.measurements))
                if let profile = section.profile { lines.append(contentsOf: profileTable(profile)) }
            }
            lines.append("")
        }
        if report.runs.count == 2 {
            lines.append("== Run 2 vs run 1 (\(report.runs[1].label) / as set) ==")
            let before = Dictionary(report.runs[0].sections.flatMap { s in s.measurements.map { ("\(s.section)/\($0.name)", $0) } },
                                    uniquingKeysWith: { a, _ in a })
            for s in report.runs[1].sections {
                for m in s.measurements {
                    guard let b = before["\(s.section)/\(m.name)"] else { continue }
                    lines.append("  " + pad("\(s.section) \(m.name)", 34) + " " + num(b.value, 9) + " -> " + num(m.value, 9)
                                 + " \(m.unit)  (x\(String(format: "%.2f", m.value / b.value)))")
                }
            }
            lines.append("")
        }
        for note in report.notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }

    private static func table(_ ms: [BenchMeasurement]) -> [String] {
        guard let first = ms.first else { return ["  (no cases)"] }
        let subject = "\(first.subject) \(first.unit)"
        let baseline = first.baselineName.map { "\($0) \(first.unit)" } ?? ""
        var out = ["  " + pad("case", 24) + lpad(subject, 26) + lpad(baseline, 28) + lpad("ratio", 7)
                   + lpad("median ms", 11) + lpad("max|diff|", 11) + lpad("faults/call", 13) + lpad("sys %", 7)]
        for m in ms {
            var line = "  " + pad(m.name, 24) + num(m.value, 26)
            line += m.baselineValue.map { num($0, 28) } ?? lpad("-", 28)
            line += m.ratio.map { lpad(String(format: "%.2f", $0), 7) } ?? lpad("-", 7)
            line += lpad(String(format: "%.3f", m.timing.medianSeconds * 1e3), 11)
            line += m.maxAbsDifference.map { lpad(String(format: "%.2g", $0), 11) } ?? lpad("-", 11)
            line += m.timing.minorFaultsPerCall.map { lpad(String(format: "%.0f", $0), 13) } ?? lpad("-", 13)
            line += m.timing.systemTimeFraction.map { lpad(String(format: "%.1f", 100 * $0), 7) } ?? lpad("-", 7)
            out.append(line)
        }
        return out
    }

    /// Per-op rows of each profiled case, forward then backward, slowest first; ops under 1% of the
    /// step are folded into one "other" row.
    private static func profileTable(_ entries: [BenchProfileEntry]) -> [String] {
        var out = [String]()
        var cases = [String]()
        for e in entries where !cases.contains(e.caseName) { cases.append(e.caseName) }
        for c in cases {
            let rows = entries.filter { $0.caseName == c }
            let total = rows.reduce(0) { $0 + $1.milliseconds }
            out.append("  profile of \(c): \(String(format: "%.1f", total)) ms per step in recorded ops")
            out.append("    " + pad("phase", 10) + pad("op", 26) + lpad("ms/step", 10) + lpad("share", 8) + lpad("calls/step", 12))
            for phase in ["forward", "backward"] {
                var other = 0.0
                for r in rows where r.phase == phase {
                    if r.milliseconds < 0.01 * total { other += r.milliseconds; continue }
                    out.append("    " + pad(phase, 10) + pad(r.op, 26) + lpad(String(format: "%.1f", r.milliseconds), 10)
                               + lpad(String(format: "%.1f%%", 100 * r.milliseconds / total), 8)
                               + lpad(String(format: "%.0f", r.calls), 12))
                }
                if other > 0 {
                    out.append("    " + pad(phase, 10) + pad("(other ops < 1% each)", 26) + lpad(String(format: "%.1f", other), 10)
                               + lpad(String(format: "%.1f%%", 100 * other / total), 8) + lpad("", 12))
                }
            }
        }
        return out
    }

    private static func pad(_ s: String, _ w: Int) -> String {
        s.count >= w ? s : s + String(repeating: " ", count: w - s.count)
    }

    private static func lpad(_ s: String, _ w: Int) -> String {
        s.count >= w ? " " + s : String(repeating: " ", count: w - s.count) + s
    }

    private static func num(_ v: Double, _ w: Int) -> String {
        lpad(String(format: v >= 100 ? "%.1f" : "%.2f", v), w)
    }
}
