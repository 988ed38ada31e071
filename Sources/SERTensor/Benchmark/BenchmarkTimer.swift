#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Summary of repeated timings of one piece of work, in seconds.
package struct BenchTiming: Codable, Sendable, Equatable {
    /// Median of the timed iterations (the figure every benchmark reports).
    package var medianSeconds: Double
    /// Fastest timed iteration.
    package var minSeconds: Double
    /// Slowest timed iteration.
    package var maxSeconds: Double
    /// Number of timed iterations (warm-ups excluded).
    package var iterations: Int
    /// Number of untimed warm-up calls made first.
    package var warmups: Int
    /// Minor page faults per timed call (all threads); nil where not measured.
    package var minorFaultsPerCall: Double?
    /// System CPU time as a fraction of all CPU time over the timed calls; nil where not measured.
    package var systemTimeFraction: Double?

    package init(medianSeconds: Double, minSeconds: Double, maxSeconds: Double, iterations: Int, warmups: Int) {
        self.medianSeconds = medianSeconds
        self.minSeconds = minSeconds
        self.maxSeconds = maxSeconds
        self.iterations = iterations
        self.warmups = warmups
    }

    /// Summarises raw samples (seconds). The median of an even count is the mean of the middle two.
    package init(samples: [Double], warmups: Int) {
        precondition(!samples.isEmpty, "BenchTiming: no samples")
        let s = samples.sorted()
        let mid = s.count / 2
        medianSeconds = s.count % 2 == 1 ? s[mid] : 0.5 * (s[mid - 1] + s[mid])
        minSeconds = s[0]
        maxSeconds = s[s.count - 1]
        iterations = s.count
        self.warmups = warmups
    }
}

/// Times a closure: `warmups` untimed calls, then `iterations` timed calls; reports the median.
/// Use ``measure(_:against:)`` to compare two ways of doing the same work.
///
/// Time is read from `clock_gettime(CLOCK_MONOTONIC)`, which never jumps with wall-clock changes.
/// The median is robust to the occasional slow iteration on a shared machine.
package struct BenchmarkTimer: Sendable, Codable, Equatable {
    /// Untimed calls before measuring (caches, page faults, thread pools, lazy initialisation).
    package var warmups: Int
    /// Timed calls; at least 1.
    package var iterations: Int

    package init(warmups: Int = 3, iterations: Int = 10) {
        precondition(warmups >= 0 && iterations >= 1, "BenchmarkTimer: need warmups >= 0 and iterations >= 1")
        self.warmups = warmups
        self.iterations = iterations
    }

    /// Seconds on the monotonic clock since an arbitrary fixed origin.
    @inline(__always)
    package static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Runs `body` `warmups + iterations` times and summarises the timed calls, with their page
    /// faults and system-time share (``ResourceUsage``).
    package func measure(_ body: () -> Void) -> BenchTiming {
        for _ in 0..<warmups { body() }
        var samples = [Double]()
        samples.reserveCapacity(iterations)
        let usage0 = ResourceUsage.now()
        for _ in 0..<iterations {
            let t0 = BenchmarkTimer.now()
            body()
            samples.append(BenchmarkTimer.now() - t0)
        }
        let usage = ResourceUsage.now().since(usage0)
        var timing = BenchTiming(samples: samples, warmups: warmups)
        timing.minorFaultsPerCall = Double(usage.minorFaults) / Double(iterations)
        timing.systemTimeFraction = usage.systemFraction
        return timing
    }

    /// Times `subject` and `baseline` with their iterations interleaved (subject, baseline, subject, …),
    /// so that a change in machine load during the measurement affects both alike and their ratio
    /// stays meaningful on a shared machine. Each gets `warmups` untimed calls first.
    package func measure(_ subject: () -> Void, against baseline: () -> Void) -> (subject: BenchTiming, baseline: BenchTiming) {
        for _ in 0..<warmups { subject(); baseline() }
        var s = [Double](), b = [Double]()
        s.reserveCapacity(iterations)
        b.reserveCapacity(iterations)
        for _ in 0..<iterations {
            var t0 = BenchmarkTimer.now()
            subject()
            s.append(BenchmarkTimer.now() - t0)
            t0 = BenchmarkTimer.now()
            baseline()
            b.append(BenchmarkTimer.now() - t0)
        }
        return (BenchTiming(samples: s, warmups: warmups), BenchTiming(samples: b, warmups: warmups))
    }
}

/// Keeps a value alive so the optimiser cannot delete the work that produced it.
@inline(never) @_optimize(none)
package func benchmarkKeep<T>(_ value: T) {
    _ = value
}
