import XCTest
@testable import SERTraining

final class SERTrainingSmokeTests: XCTestCase {
    func testImports() { XCTAssertEqual(Tensor.zeros([2]).count, 2) }
}
