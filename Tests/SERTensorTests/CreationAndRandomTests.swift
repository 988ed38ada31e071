import XCTest
@testable import SERTensor

final class CreationAndRandomTests: XCTestCase {
    func testFactories() {
        XCTAssertEqual(Tensor.zeros([2, 3]).scalars, [Float](repeating: 0, count: 6))
        XCTAssertEqual(Tensor.ones([2]).scalars, [1, 1])
        XCTAssertEqual(Tensor.full([2, 2], 7).scalars, [7, 7, 7, 7])
        XCTAssertEqual(Tensor.arange(0, 5).scalars, [0, 1, 2, 3, 4])
        XCTAssertEqual(Tensor.arange(1, 2, step: 0.25).scalars, [1, 1.25, 1.5, 1.75])
        XCTAssertEqual(Tensor.arange(5, 0, step: -2).scalars, [5, 3, 1])
        XCTAssertEqual(Tensor.linspace(0, 1, count: 5).scalars, [0, 0.25, 0.5, 0.75, 1])
        XCTAssertEqual(Tensor.linspace(-1, 1, count: 1).scalars, [-1])
        XCTAssertEqual(Tensor(scalar: 3).shape, [])
        XCTAssertEqual(Tensor(scalar: 3).item, 3)
        XCTAssertEqual(Tensor.zeros([0, 3]).count, 0)
    }

    func testSameSeedSameStream() {
        var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7), c = RandomGenerator(seed: 8)
        let x = Tensor.randn([100], using: &a), y = Tensor.randn([100], using: &b), z = Tensor.randn([100], using: &c)
        XCTAssertEqual(x.scalars, y.scalars)
        XCTAssertNotEqual(x.scalars, z.scalars)
    }

    func testStateRoundTripsThroughCodable() throws {
        var a = RandomGenerator(seed: 99)
        _ = a.next()
        let saved = try JSONEncoder().encode(a)
        var b = try JSONDecoder().decode(RandomGenerator.self, from: saved)
        XCTAssertEqual((0..<10).map { _ in a.next() }, (0..<10).map { _ in b.next() })
    }

    func testDistributionMoments() {
        var rng = RandomGenerator(seed: 3)
        let n = 200_000
        let normal = Tensor.randn([n], mean: 2, std: 3, dtype: .float64, using: &rng)
        XCTAssertEqual(normal.mean().doubles[0], 2, accuracy: 0.03)           // 4.5 standard errors
        XCTAssertEqual(normal.variance().doubles[0].squareRoot(), 3, accuracy: 0.03)
        let uniform = Tensor.uniform([n], low: -1, high: 3, dtype: .float64, using: &rng)
        XCTAssertEqual(uniform.mean().doubles[0], 1, accuracy: 0.012)
        XCTAssertEqual(uniform.variance().doubles[0], 16.0 / 12, accuracy: 0.02)
        XCTAssertGreaterThanOrEqual(uniform.min().doubles[0], -1)
        XCTAssertLessThan(uniform.max().doubles[0], 3)
        let bern = Tensor.bernoulli([n], p: 0.3, dtype: .float64, using: &rng)
        XCTAssertEqual(bern.mean().doubles[0], 0.3, accuracy: 0.005)
        XCTAssertEqual(Set(bern.doubles), [0, 1])
    }

    func testLargeElementwiseUsesParallelPathCorrectly() {
        // Above the parallel threshold the result must equal the serial definition element by element.
        var rng = RandomGenerator(seed: 5)
        let a = Tensor.randn([3, 70_001], using: &rng), b = Tensor.randn([70_001], using: &rng)
        let c = a * b
        let av = a.scalars, bv = b.scalars, cv = c.scalars
        for i in stride(from: 0, to: cv.count, by: 997) { XCTAssertEqual(cv[i], av[i] * bv[i % 70_001]) }
        let s = a.sum(axes: [1]).scalars
        for r in 0..<3 {
            let ref = av[(r * 70_001)..<((r + 1) * 70_001)].reduce(0.0) { $0 + Double($1) }
            XCTAssertEqual(Double(s[r]), ref, accuracy: 1e-4 * Swift.max(1, abs(ref)))
        }
    }
}
