import Foundation

/// Optional timing of backward rules by op name, to find where a backward pass spends its time.
///
/// Off by default (one branch per node when off). Turn on with ``isEnabled`` (or the environment
/// variable `SWIFTSER_PROFILE_BACKWARD=1`), run backward passes, then read ``report()``.
public enum AutogradProfiler {
    nonisolated(unsafe) public static var isEnabled = ProcessInfo.processInfo.environment["SWIFTSER_PROFILE_BACKWARD"] == "1"
    private static let lock = NSLock()
    nonisolated(unsafe) private static var totals: [String: (seconds: Double, calls: Int)] = [:]

    static func record(_ name: String, seconds: Double) {
        lock.lock()
        let t = totals[name] ?? (0, 0)
        totals[name] = (t.seconds + seconds, t.calls + 1)
        lock.unlock()
    }

    /// Accumulated seconds and calls per op, slowest first.
    public static func report() -> [(name: String, seconds: Double, calls: Int)] {
        lock.lock()
        defer { lock.unlock() }
        return totals.map { ($0.key, $0.value.seconds, $0.value.calls) }.sorted { $0.seconds > $1.seconds }
    }

    /// Clears the accumulated timings.
    public static func reset() {
        lock.lock()
        totals = [:]
        lock.unlock()
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
