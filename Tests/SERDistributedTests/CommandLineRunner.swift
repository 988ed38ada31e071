import Foundation
import XCTest

/// Runs the built `ser-cli`, alone or under `mpirun`, for the distributed tests.
///
/// `ser-cli` is the executable next to the test bundle (`swift build --build-tests` builds both), or
/// `$SWIFTSER_CLI`. `mpirun` is taken from `$PATH`; the tests skip, saying why, only when it is absent
/// (`make test` installs openmpi-bin through scripts/ensure-deps.sh). MPI runs are local and loopback
/// only: shared memory and self transports, `--oversubscribe` (2 ranks on however few cores), and
/// root allowed (CI runs as root).
enum CommandLineRunner {
    struct Outcome {
        var status: Int32
        var output: String
        var seconds: Double
    }

    static var serCLI: URL {
        if let path = ProcessInfo.processInfo.environment["SWIFTSER_CLI"] { return URL(fileURLWithPath: path) }
        return Bundle.main.bundleURL.appendingPathComponent("ser-cli")
    }

    static var mpirun: URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let url = URL(fileURLWithPath: String(dir)).appendingPathComponent("mpirun")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// `mpirun -np <ranks>` options for a local, loopback-only job that also works as root in a container.
    static func mpirunArguments(ranks: Int) -> [String] {
        ["-np", "\(ranks)", "--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,vader",
         "--mca", "btl_vader_single_copy_mechanism", "none"]
    }

    struct MissingExecutable: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func checkCLI() throws {
        guard FileManager.default.isExecutableFile(atPath: serCLI.path) else {
            throw MissingExecutable(message: "ser-cli not found at \(serCLI.path): run `swift build --build-tests` first (make test does)")
        }
    }

    static func requireMPI() throws -> URL {
        try checkCLI()
        guard let mpirun else {
            throw XCTSkip("mpirun not found on PATH: install openmpi-bin (scripts/ensure-deps.sh, run by make test, does)")
        }
        return mpirun
    }

    /// Runs `ser-cli arguments` in one process.
    static func cli(_ arguments: [String]) throws -> Outcome {
        try run(serCLI, arguments)
    }

    /// Runs `mpirun … ser-cli arguments` with `ranks` ranks.
    static func mpi(ranks: Int, _ arguments: [String]) throws -> Outcome {
        try run(try requireMPI(), mpirunArguments(ranks: ranks) + [serCLI.path] + arguments)
    }

    /// Starts `executable arguments` and returns the process (output to `log`), for tests that act on it while it runs.
    static func start(_ executable: URL, _ arguments: [String], log: URL, environment: [String: String]? = nil) throws -> Process {
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.environment = environment ?? Self.environment
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        return p
    }

    /// Runs `executable arguments` to the end, with ``environment`` plus `extraEnvironment`.
    static func run(_ executable: URL, _ arguments: [String], extraEnvironment: [String: String] = [:]) throws -> Outcome {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("swiftser-cli-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let started = Date()
        let p = try start(executable, arguments, log: log, environment: environment.merging(extraEnvironment) { $1 })
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, output: (try? String(contentsOf: log, encoding: .utf8)) ?? "",
                       seconds: Date().timeIntervalSince(started))
    }

    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        return env
    }
}
