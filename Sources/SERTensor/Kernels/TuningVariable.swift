import Foundation

/// The `SWIFTSER_*` environment variables that switch SwiftSER's speed mechanisms for comparisons
/// (`SWIFTSER_THREADS`, `SWIFTSER_GEMM_KERNEL`, `SWIFTSER_GEMM_THREADS`, `SWIFTSER_CONV`, `SWIFTSER_CONV_TILE_KB`,
/// `SWIFTSER_POOL_BYTES`, and SERTraining's `SWIFTSER_BATCH_LOADER`; Docs/Performance.md). Each is read once at start-up. A value that does not parse is
/// not silently dropped: the default is used and one line on standard error names the variable and what it accepts.
package enum TuningVariable {
    /// The value of `name` parsed by `parse`; nil when the variable is unset, or when it does not parse (then
    /// `warn` receives the line, by default written to standard error).
    package static func read<T>(_ name: String, expected: String,
                        environment: [String: String] = ProcessInfo.processInfo.environment,
                        warn: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) },
                        _ parse: (String) -> T?) -> T? {
        guard let text = environment[name] else { return nil }
        if let value = parse(text) { return value }
        warn("SwiftSER: ignoring \(name)=\(text) (expected \(expected)); using the default")
        return nil
    }
}
