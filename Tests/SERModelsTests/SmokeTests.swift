import XCTest
@testable import SERModels

final class SERModelsSmokeTests: XCTestCase {
    func testImports() { XCTAssertEqual(Tensor.zeros([2]).count, 2) }
}
