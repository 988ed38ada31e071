import Foundation

/// Optional timing of ops by name, forward and backward, to find where a training step spends its time.
///
/// Off by default (one branch per op when off). Turn on with ``isEnabled`` (or the environment
/// variable `SWIFTSER_PROFILE=1`; `SWIFTSER_PROFILE_BACKWARD=1` is kept as an alias), run steps, then
/// read ``report()``.
///
/// - **Backward**: each backward rule is timed exactly.
/// - **Forward**: an op's forward time is the time since the previous op on the recording path
///   finished (or since ``markForwardStart()``): ops run one after another on the calling thread, so
///   the gaps between consecutive recorded ops are their forward costs. Work between ops that is not
///   itself an op (building index arrays, Swift-side loops in a layer) is charged to the next op.
///   Only ops recorded on the autograd tape are seen, so profile forward passes with gradients on,
///   from one calling thread.
/// - Gradient accumulation (summing two gradients that reach one tensor) is reported as
///   `accumulate` under backward.
public enum AutogradProfiler {
    /// Which half of a training step a timing belongs to.
    public enum Phase: String, Sendable, Comparable {
        case forward, backward
        /// Report order: forward before backward.
        public static func < (a: Phase, b: Phase) -> Bool { a == .forward && b == .backward }
    }

    /// One op's accumulated cost.
    public struct Entry: Sendable {
        public var phase: Phase
        public var name: String
        public var seconds: Double
        public var calls: Int
    }

    nonisolated(unsafe) public static var isEnabled: Bool = {
        let env = ProcessInfo.processInfo.environment
        return env["SWIFTSER_PROFILE"] == "1" || env["SWIFTSER_PROFILE_BACKWARD"] == "1"
    }()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var totals: [String: Entry] = [:]
    nonisolated(unsafe) private static var forwardMark: Double = 0

    static func record(_ phase: Phase, _ name: String, seconds: Double) {
        let key = phase.rawValue + "/" + name
        lock.lock()
        var e = totals[key] ?? Entry(phase: phase, name: name, seconds: 0, calls: 0)
        e.seconds += seconds
        e.calls += 1
        totals[key] = e
        lock.unlock()
    }

    /// Starts the clock for the next forward op (call at the start of a forward pass, so that the
    /// time before it is not charged to its first op).
    public static func markForwardStart() {
        lock.lock()
        forwardMark = now()
        lock.unlock()
    }

    /// Charges the time since the last mark to the forward op `name`, and moves the mark.
    static func recordForward(_ name: String) {
        let t = now()
        lock.lock()
        let seconds = forwardMark > 0 ? t - forwardMark : 0
        forwardMark = t
        lock.unlock()
        record(.forward, name, seconds: seconds)
    }

    /// Accumulated seconds and calls per phase and op: forward first, slowest first within a phase.
    public static func report() -> [Entry] {
        lock.lock()
        defer { lock.unlock() }
        return totals.values.sorted { $0.phase != $1.phase ? $0.phase < $1.phase : $0.seconds > $1.seconds }
    }

    /// Clears the accumulated timings and the forward mark.
    public static func reset() {
        lock.lock()
        totals = [:]
        forwardMark = 0
        lock.unlock()
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
