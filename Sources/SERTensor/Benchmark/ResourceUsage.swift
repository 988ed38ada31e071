#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let RUSAGE_SELF_ID = __rusage_who_t(RUSAGE_SELF.rawValue)
#else
private let RUSAGE_SELF_ID = RUSAGE_SELF
#endif

/// The process's CPU time and page-fault counters (`getrusage(RUSAGE_SELF)`), all threads together.
///
/// Two readings taken around a piece of work give what the work cost beyond wall time: user and
/// system CPU seconds, and *minor* page faults (a page mapped and touched for the first time, or
/// mapped again after being returned to the kernel). A training step that reuses its buffers maps
/// almost nothing new; one that allocates fresh large buffers pays a fault per 4 KiB page and shows
/// it as system time.
package struct ResourceUsage: Sendable, Equatable {
    /// CPU seconds in user mode, all threads.
    package var userSeconds: Double
    /// CPU seconds in the kernel on the process's behalf, all threads.
    package var systemSeconds: Double
    /// Page faults served without I/O.
    package var minorFaults: Int

    /// The counters now.
    package static func now() -> ResourceUsage {
        var u = rusage()
        getrusage(RUSAGE_SELF_ID, &u)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return ResourceUsage(userSeconds: seconds(u.ru_utime), systemSeconds: seconds(u.ru_stime),
                             minorFaults: Int(u.ru_minflt))
    }

    /// The usage between `earlier` and `self`.
    package func since(_ earlier: ResourceUsage) -> ResourceUsage {
        ResourceUsage(userSeconds: userSeconds - earlier.userSeconds, systemSeconds: systemSeconds - earlier.systemSeconds,
                      minorFaults: minorFaults - earlier.minorFaults)
    }

    /// System time as a fraction of all CPU time (0 when no CPU time was used).
    package var systemFraction: Double {
        let total = userSeconds + systemSeconds
        return total > 0 ? systemSeconds / total : 0
    }
}
