import Foundation
import SERTensor

/// `ser-cli cv --jobs N`: the folds of one cross-validation run in N worker processes of this executable at
/// once, each with its share of the cores (`SWIFTSER_THREADS` and `OPENBLAS_NUM_THREADS` set to
/// cores / N, at least 1).
///
/// A worker is the same `cv` command with `--job-worker k` (hidden) and `--fold` naming every fold still to
/// run: it loads their utterances once, then asks its parent for folds one at a time over its standard
/// input and output (it writes `next`, the parent answers a fold number or closes the pipe), so a worker
/// that finishes early takes the next fold. Workers write their lines, tagged with the fold, to the shared
/// standard error, and their folds' files as a plain `cv` does (each fold has its own folder, written
/// atomically). A failed fold stops the hand-out; the workers finish the folds they are on, and the run
/// ends with an error naming the fold. Running the command again resumes.
///
/// Splitting the cores between folds keeps both of a 2-core machine's cores busy through the parts of a
/// training step that run on one thread (Docs/Performance.md); a run gives the same results as `--jobs 1`
/// up to float32 rounding, because kernels split their sums by the thread count.
struct CrossValidationJobs {
    /// Worker processes at once.
    let jobs: Int
    /// The fold numbers to run, in the order they are handed out.
    let folds: [Int]
    /// The worker's `ser-cli` arguments without `--fold`, `--jobs` and `--job-worker`.
    let arguments: [String]

    /// Threads each worker gets: the online processors divided by ``jobs``, at least 1.
    var threadsPerWorker: Int { max(1, Parallel.onlineProcessors / jobs) }

    /// Starts the workers and waits for all of them.
    /// - Throws: ``CrossValidationJobsError`` when a worker cannot start or a fold fails.
    func run() throws {
        signal(SIGPIPE, SIG_IGN)   // a worker that died must not take the parent with it
        let executable = try Self.executable()
        let queue = FoldQueue(folds)
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFTSER_THREADS"] = String(threadsPerWorker)
        environment["OPENBLAS_NUM_THREADS"] = String(threadsPerWorker)
        var workers: [Worker] = []
        for k in 1..<(min(jobs, folds.count) + 1) {
            let worker = Worker(number: k)
            try worker.start(executable: executable,
                             arguments: arguments + folds.flatMap { ["--fold", String($0)] } + ["--job-worker", String(k)],
                             environment: environment)
            workers.append(worker)
        }
        let group = DispatchGroup()
        for worker in workers {
            group.enter()
            Thread.detachNewThread {
                worker.serve(queue)
                group.leave()
            }
        }
        group.wait()
        let failures = workers.compactMap(\.failure)
        guard failures.isEmpty else {
            throw CrossValidationJobsError.failed(failures, unfinished: queue.remaining)
        }
    }

    /// This process's executable (`/proc/self/exe`).
    private static func executable() throws -> URL {
        do {
            return URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        } catch {
            throw CrossValidationJobsError.cannotStart("cannot find this program's executable through /proc/self/exe (\(error.localizedDescription)); run without --jobs")
        }
    }
}

/// Why `cv --jobs` stopped.
enum CrossValidationJobsError: Error, CustomStringConvertible {
    case cannotStart(String)
    /// One line per failed worker; the folds that were not started.
    case failed([String], unfinished: [Int])

    var description: String {
        switch self {
        case .cannotStart(let why): return why
        case let .failed(lines, unfinished):
            return lines.joined(separator: "\n")
                + (unfinished.isEmpty ? "" : "\nnot started: fold \(unfinished.map(String.init).joined(separator: ", "))")
                + "\nthe folds that finished keep their results; run the same command again to resume"
        }
    }
}

/// The folds not yet handed out; shared by the workers' threads.
final class FoldQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [Int]
    private var stopped = false

    init(_ folds: [Int]) { pending = folds }

    /// The next fold to run; nil once every fold is out or ``stop()`` was called.
    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard !stopped, !pending.isEmpty else { return nil }
        return pending.removeFirst()
    }

    /// No more folds are handed out (a fold failed).
    func stop() {
        lock.lock(); defer { lock.unlock() }
        stopped = true
    }

    /// The folds never handed out.
    var remaining: [Int] {
        lock.lock(); defer { lock.unlock() }
        return pending
    }
}

/// One worker process and the parent's side of its pipes.
private final class Worker: @unchecked Sendable {
    let number: Int
    private let process = Process()
    private let toWorker = Pipe()
    private let fromWorker = Pipe()
    /// The fold the worker was last given.
    private var current: Int?
    /// Set when the worker ended badly: a line saying which fold and how.
    private(set) var failure: String?

    init(number: Int) { self.number = number }

    func start(executable: URL, arguments: [String], environment: [String: String]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = toWorker
        process.standardOutput = fromWorker
        // standard error is inherited: the worker's lines go straight to the user
        do { try process.run() } catch {
            throw CrossValidationJobsError.cannotStart("cannot start worker process \(number) (\(executable.path)): \(error.localizedDescription)")
        }
    }

    /// Answers the worker's requests until it ends; a worker that ends with an error stops `queue`.
    func serve(_ queue: FoldQueue) {
        var requests = LineReader(fromWorker.fileHandleForReading)
        let answers = toWorker.fileHandleForWriting
        while let line = requests.next() {
            guard line == "next" else { continue }
            guard let fold = queue.next() else { break }
            current = fold
            do { try answers.write(contentsOf: Data("\(fold)\n".utf8)) } catch { break }
        }
        try? answers.close()
        process.waitUntilExit()
        if process.terminationReason != .exit || process.terminationStatus != 0 {
            queue.stop()
            let how = process.terminationReason == .exit ? "exit status \(process.terminationStatus)" : "signal \(process.terminationStatus)"
            failure = "worker \(number) ended with \(how)" + (current.map { " while running fold \($0)" } ?? " before its first fold")
                + " (its error is above)"
        }
    }
}

/// Lines from a pipe, read as they arrive.
struct LineReader {
    private let handle: FileHandle
    private var buffer = Data()

    init(_ handle: FileHandle) { self.handle = handle }

    /// The next line without its newline; nil at the end of the stream.
    mutating func next() -> String? {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<end], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...end)
                return line
            }
            let chunk = handle.availableData
            guard !chunk.isEmpty else {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
            buffer.append(chunk)
        }
    }
}
