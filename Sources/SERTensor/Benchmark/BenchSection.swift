/// A named group of benchmarks that `ser-cli bench` can run and `--only NAME` can select.
///
/// Each layer contributes sections (SERTensor: ``MatmulBenchmark``, ``ElementwiseBenchmark``,
/// ``ReductionBenchmark``; upper layers add features, models, training); the CLI keeps the list.
/// A section allocates its inputs, times its cases with the given ``BenchmarkTimer``, checks that
/// each case and its baseline computed the same values, and returns plain Codable results.
package protocol BenchSection {
    /// Registry name, lower-case, no spaces (e.g. `"matmul"`).
    var name: String { get }
    /// One-line description of what is measured.
    var summary: String { get }
    /// Runs every case. `progress` receives a short line before each case (for stderr).
    func run(timer: BenchmarkTimer, progress: (String) -> Void) -> BenchSectionResult
}

/// Errors selecting or running benchmark sections.
package enum BenchError: Error, CustomStringConvertible, Equatable {
    /// `--only` named a section that does not exist.
    case unknownSection(String, available: [String])

    package var description: String {
        switch self {
        case let .unknownSection(name, available):
            return "unknown benchmark section '\(name)'; available sections: \(available.joined(separator: ", "))"
        }
    }
}

/// An ordered list of sections with selection by name.
package struct BenchRegistry {
    package var sections: [any BenchSection]

    package init(_ sections: [any BenchSection]) {
        self.sections = sections
    }

    /// Names of all sections, in order.
    package var names: [String] { sections.map(\.name) }

    /// The sections named in `only` (in registry order), or all of them when `only` is empty.
    /// Throws ``BenchError/unknownSection(_:available:)`` for a name not in the registry.
    package func select(_ only: [String]) throws -> [any BenchSection] {
        if only.isEmpty { return sections }
        for name in only where !names.contains(name) {
            throw BenchError.unknownSection(name, available: names)
        }
        return sections.filter { only.contains($0.name) }
    }

    /// Runs the selected sections in this process and collects a ``BenchRun``.
    package func run(only: [String] = [], label: String, timer: BenchmarkTimer,
                    progress: (String) -> Void = { _ in }) throws -> BenchRun {
        let chosen = try select(only)
        let environment = BenchEnvironment.current()
        var results = [BenchSectionResult]()
        for section in chosen {
            results.append(section.run(timer: timer, progress: { progress("\(section.name): \($0)") }))
        }
        return BenchRun(label: label, environment: environment, timer: timer, sections: results)
    }
}
