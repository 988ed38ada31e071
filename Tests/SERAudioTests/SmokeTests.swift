import XCTest
@testable import SERAudio

final class SERAudioSmokeTests: XCTestCase {
    func testImports() { XCTAssertEqual(Tensor.zeros([2]).count, 2) }
}
