import Foundation

/// A thread-safe pool of ``RealFFT`` plans, keyed by size.
///
/// ``withPlan(size:_:)`` lends a plan for exclusive use by the calling thread and takes it back afterwards,
/// so parallel workers each hold their own KissFFT configuration while the twiddle tables are built only
/// once per concurrently used plan. At most ``maximumIdlePlansPerSize`` idle plans are kept per size.
public final class RealFFTPlanCache: @unchecked Sendable {
    /// The process-wide cache used by the spectrogram code.
    public static let shared = RealFFTPlanCache()

    /// Idle plans kept per size; more are freed on return.
    public let maximumIdlePlansPerSize: Int

    private let lock = NSLock()
    private var idle: [Int: [RealFFT]] = [:]

    public init(maximumIdlePlansPerSize: Int = 16) {
        self.maximumIdlePlansPerSize = maximumIdlePlansPerSize
    }

    /// Takes an idle plan of `size` or builds one; `nil` when `size` is not a valid real-FFT size.
    public func checkOut(size: Int) -> RealFFT? {
        lock.lock()
        if let plan = idle[size]?.popLast() {
            lock.unlock()
            return plan
        }
        lock.unlock()
        return RealFFT(size: size)
    }

    /// Returns a plan obtained from ``checkOut(size:)``; the caller must not use it afterwards.
    public func checkIn(_ plan: RealFFT) {
        lock.lock()
        defer { lock.unlock() }
        if idle[plan.size, default: []].count < maximumIdlePlansPerSize { idle[plan.size, default: []].append(plan) }
    }

    /// Runs `body` with a plan of `size` held exclusively for its duration.
    /// `nil` is passed when `size` is not a valid real-FFT size (odd or < 2).
    public func withPlan<R>(size: Int, _ body: (RealFFT?) throws -> R) rethrows -> R {
        let plan = checkOut(size: size)
        defer { if let plan { checkIn(plan) } }
        return try body(plan)
    }

    /// Number of idle plans held for `size` (for tests).
    public func idleCount(size: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return idle[size]?.count ?? 0
    }
}
