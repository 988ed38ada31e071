import CBLAS
import Foundation

/// Which OpenBLAS kernel ran, and the environment that selects it.
///
/// OpenBLAS picks its kernels when the library is loaded, from the CPU and from
/// `OPENBLAS_CORETYPE` (forces a core type, e.g. `Haswell`) and `OPENBLAS_L2_SIZE` (overrides the
/// detected L2 cache size, which sets GEMM blocking); `OPENBLAS_NUM_THREADS` caps its threads. Changing
/// them needs a new process, which is why `ser-cli bench` re-executes itself to time both settings.
package struct BenchEnvironment: Codable, Sendable, Equatable {
    /// The environment variables that influence OpenBLAS's kernel choice and threading.
    package static let openBLASVariables = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS"]
    /// The variables `ser-cli bench` removes for its second run.
    package static let kernelSelectionVariables = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]

    /// `openblas_get_corename()`, e.g. `"Haswell"` or `"Zen"`.
    package var openBLASCore: String
    /// `openblas_get_config()`: version, build options, core and thread limit.
    package var openBLASConfig: String
    /// `openblas_get_num_threads()`.
    package var openBLASThreads: Int
    /// The values of ``openBLASVariables`` in this process (nil: unset).
    package var variables: [String: String?]
    /// Threads SwiftSER's own kernels split work across (``Parallel/workerCount``).
    package var parallelWorkers: Int
    /// CPU model from `/proc/cpuinfo`, when readable.
    package var cpuModel: String?
    /// Who ran the float32 products (``FloatGEMMKernel/summary``); nil in results written before it was recorded.
    package var gemmKernel: String?

    package init(openBLASCore: String, openBLASConfig: String, openBLASThreads: Int, variables: [String: String?],
                parallelWorkers: Int, cpuModel: String?, gemmKernel: String?) {
        self.gemmKernel = gemmKernel
        self.openBLASCore = openBLASCore
        self.openBLASConfig = openBLASConfig
        self.openBLASThreads = openBLASThreads
        self.variables = variables
        self.parallelWorkers = parallelWorkers
        self.cpuModel = cpuModel
    }

    /// The environment of the current process.
    package static func current() -> BenchEnvironment {
        let env = ProcessInfo.processInfo.environment
        var vars = [String: String?]()
        for name in openBLASVariables { vars[name] = .some(env[name]) }
        _ = GEMMThreading.mode                                // OpenBLAS's thread count as the runs will have it
        return BenchEnvironment(openBLASCore: cString(openblas_get_corename()),
                                openBLASConfig: cString(openblas_get_config()),
                                openBLASThreads: Int(openblas_get_num_threads()),
                                variables: vars,
                                parallelWorkers: Parallel.workerCount,
                                cpuModel: cpuModelName(),
                                gemmKernel: FloatGEMMKernel.summary)
    }

    /// `NAME=value` for each OpenBLAS variable, `NAME unset` when absent.
    package var variableSummary: String {
        BenchEnvironment.openBLASVariables.map { name in
            if let v = variables[name] ?? nil { return "\(name)=\(v)" }
            return "\(name) unset"
        }.joined(separator: ", ")
    }

    private static func cString(_ p: UnsafeMutablePointer<CChar>?) -> String {
        guard let p else { return "unknown" }
        return String(cString: p).trimmingCharacters(in: .whitespaces)
    }

    private static func cpuModelName() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}
