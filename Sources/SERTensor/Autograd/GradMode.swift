#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether operations record the autograd graph on the current thread.
///
/// Recording is on by default. ``withNoGrad(_:)`` turns it off for a scope (evaluation, optimiser
/// updates, backward passes themselves). The flag is per thread, so worker threads are unaffected.
public enum GradMode {
    nonisolated(unsafe) private static var key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    /// True when ops record gradients on this thread.
    @inline(__always)
    public static var isEnabled: Bool {
        // The key holds nil (enabled) or a non-nil marker (disabled), so no allocation is needed.
        pthread_getspecific(key) == nil
    }

    @inline(__always)
    static func set(enabled: Bool) {
        pthread_setspecific(key, enabled ? nil : UnsafeRawPointer(bitPattern: 1))
    }
}

/// Runs `body` with gradient recording turned off on this thread, restoring the previous state after.
@discardableResult
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    let was = GradMode.isEnabled
    GradMode.set(enabled: false)
    defer { GradMode.set(enabled: was) }
    return try body()
}
