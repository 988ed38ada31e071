import XCTest
@testable import SERFeatures

final class SERFeaturesSmokeTests: XCTestCase {
    func testImports() { XCTAssertEqual(Tensor.zeros([2]).count, 2) }
}
