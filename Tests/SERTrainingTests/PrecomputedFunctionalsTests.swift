import Foundation
import SERModels
import XCTest
@testable import SERTraining

/// ``PrecomputedFunctionals`` computes each utterance once and tells segments of one file apart by their samples.
final class PrecomputedFunctionalsTests: XCTestCase {
    /// Functionals = [sum of samples, count]; counts its calls.
    final class Counting: FunctionalsProvider, @unchecked Sendable {
        let lock = NSLock()
        var calls = 0
        var featureSet: String { "counting" }
        var names: [String] { ["sum", "count"] }
        func functionals(_ u: Utterance) throws -> [Double] {
            lock.lock(); calls += 1; lock.unlock()
            return [Double(u.samples.reduce(0, +)), Double(u.samples.count)]
        }
    }

    func testLooksUpByPathAndContent() throws {
        let base = Counting()
        // Two segments of one file (same path, other samples) and a second file.
        let a = Utterance(path: "/c/f.wav", label: 0, speaker: "s", samples: [1, 2, 3])
        let b = Utterance(path: "/c/f.wav", label: 1, speaker: "s", samples: [4, 5, 6])
        let c = Utterance(path: "/c/g.wav", label: 0, speaker: "t", samples: [1, 2, 3])
        let pre = try PrecomputedFunctionals(base, utterances: [a, b, c])
        XCTAssertEqual(base.calls, 3)
        XCTAssertEqual(try pre.functionals(a), [6, 3])
        XCTAssertEqual(try pre.functionals(b), [15, 3])
        XCTAssertEqual(try pre.rows([c, a]), [[6, 3], [6, 3]])
        XCTAssertEqual(base.calls, 3, "known utterances are not computed again")
        // An utterance it has not seen is computed by the base provider.
        XCTAssertEqual(try pre.functionals(Utterance(path: "/c/f.wav", label: 0, speaker: "s", samples: [1, 2])), [3, 2])
        XCTAssertEqual(base.calls, 4)
        XCTAssertEqual(pre.names, ["sum", "count"])
    }

    /// A precomputed provider wrapped again (a run's table of a cross-validation's table) keeps the rows it has and
    /// computes only new utterances, with the original base.
    func testWrappingAPrecomputedProviderComputesOnlyNewUtterances() throws {
        let base = Counting()
        let a = Utterance(path: "/c/f.wav", label: 0, speaker: "s", samples: [1, 2, 3])
        let b = Utterance(path: "/c/g.wav", label: 1, speaker: "t", samples: [4, 5])
        let outer = try PrecomputedFunctionals(try PrecomputedFunctionals(base, utterances: [a]), utterances: [a, b, a])
        XCTAssertEqual(base.calls, 2, "a is not computed again, b once")
        XCTAssertTrue(outer.base is Counting, "the table does not wrap another table")
        XCTAssertEqual(try outer.rows([b, a]), [[9, 2], [6, 3]])
        XCTAssertEqual(base.calls, 2)
    }
}
