import Foundation
import XCTest
@testable import SERTensor

/// Issue 14, defect 1: a state dict with NaN or infinite values never loads; the error names the file
/// and each tensor, and the module keeps its weights.
final class NonFiniteStateDictTests: XCTestCase {
    final class TwoTensors: Module {
        var weight: Tensor!
        var bias: Tensor!
        override init() {
            super.init()
            weight = registerParameter("weight", Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]))
            bias = registerBuffer("bias", Tensor(shape: [2], data: [0.5, -0.5]))
        }
    }

    func testNonFiniteTensorsAreRefusedByName() throws {
        let module = TwoTensors()
        let damaged: [String: Tensor] = ["weight": Tensor(shape: [2, 3], data: [1, .nan, 3, .infinity, 5, 6]),
                                         "bias": Tensor(shape: [2], data: [0, -.infinity])]
        XCTAssertThrowsError(try module.loadStateDict(damaged)) { error in
            let e = error as? StateDictError
            XCTAssertEqual(e?.nonFinite, [.init(name: "bias", count: 1, size: 2), .init(name: "weight", count: 2, size: 6)])
        }
        XCTAssertEqual(module.weight.scalars, [1, 2, 3, 4, 5, 6], "nothing was written")

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ser-nonfinite-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Safetensors.write(damaged, to: url)
        XCTAssertThrowsError(try TwoTensors().load(from: url)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(url.path), message)
            XCTAssertTrue(message.contains("weight: 2 of 6 values are not finite"), message)
            XCTAssertTrue(message.contains("bias: 1 of 2 values are not finite"), message)
        }
        XCTAssertEqual(Tensor(shape: [3], data: [1, .nan, -.infinity]).nonFiniteCount, 2)
        XCTAssertEqual(Tensor(shape: [2], scalars: [Double.nan, 1]).nonFiniteCount, 1)
    }
}
