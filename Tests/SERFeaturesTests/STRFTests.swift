import XCTest
import SERTestSupport
@testable import SERFeatures

/// The learnable STRF banks against a PyTorch construction of the same formulas
/// (Tests/Fixtures/generate_strf_fixtures.py), plus finite-difference checks of their gradients.
final class STRFTests: XCTestCase {
    struct Case: Decodable {
        var name: String
        var timeSupport: Double
        var frequencySupport: Int?
        var frameRate: Double?
        var binsPerOctave: Double?
        var octaveSupport: Double?
        var params: [String: TensorFixture]
        var input: TensorFixture
        var output: TensorFixture
        var projection: TensorFixture
        var grads: [String: TensorFixture]
    }
    struct File: Decodable { var cases: [Case] }

    func bank(for c: Case) -> Module & STRFBankProtocolForTests {
        var rng = RandomGenerator(seed: 0)
        let k = c.params["rates"]!.shape[0]
        if c.name == "gabor" {
            return GaborSTRF(kernels: k, timeSupport: Int(c.timeSupport), frequencySupport: c.frequencySupport!, rng: &rng)
        }
        return WaveletSTRF(kernels: k, frameRate: c.frameRate!, binsPerOctave: c.binsPerOctave!, timeSupport: c.timeSupport,
                           octaveSupport: c.octaveSupport!, rng: &rng)
    }

    func testMatchesPyTorch() throws {
        let file = try Fixtures.json(File.self, "strf/strf.json")
        XCTAssertEqual(file.cases.count, 2)
        for c in file.cases {
            for dtype in [DType.float32, .float64] {
                let b = bank(for: c)
                b.convert(to: dtype)
                try b.loadStateDict(c.params.mapValues { $0.tensor(dtype) })
                let x = c.input.tensor(dtype).requiringGrad()
                let y = b.apply(x)
                XCTAssertEqual(y.shape, c.output.shape)
                (y * c.projection.tensor(dtype)).sum().backward()
                var worst = Discrepancy.between(y.doubles, c.output.data, floor: 1).maxRelative
                print("  output: \(Discrepancy.between(y.doubles, c.output.data, floor: 1))")
                for (name, p) in b.namedParameters() {
                    let d = Discrepancy.between(p.grad!.doubles, c.grads[name]!.data, floor: 1)
                    print("  \(name): \(d)")
                    worst = max(worst, d.maxRelative)
                }
                worst = max(worst, Discrepancy.between(x.grad!.doubles, c.grads["input"]!.data, floor: 1).maxRelative)
                print("STRF \(c.name) \(dtype) vs PyTorch: worst relative error \(worst)")
                // Errors relative to max(|expected|, 1): outputs are sums with cancellation, so tiny elements
                // would otherwise dominate. The fixture stores 10 significant digits, which bounds what
                // float64 can show (~1e-9); float32 accumulation gives a few 1e-6.
                XCTAssertLessThan(worst, dtype == .float64 ? 1e-7 : 1e-4, "\(c.name) \(dtype)")
            }
        }
    }

    func testGradientsByFiniteDifferences() {
        var rng = RandomGenerator(seed: 3)
        let x = Tensor.randn([1, 9, 8], dtype: .float64, using: &rng)
        let gabor = GaborSTRF(kernels: 2, timeSupport: 5, frequencySupport: 3, rng: &rng)
        let rg = GradientChecker().check(module: gabor, inputs: [x]) { v in gabor(v[0]) }
        print("gradcheck Gabor STRF: \(rg)")
        XCTAssertLessThan(rg.maxRelativeError, 1e-6)
        let wavelet = WaveletSTRF(kernels: 2, frameRate: 50, binsPerOctave: 4, timeSupport: 0.1, octaveSupport: 1, rng: &rng)
        let rw = GradientChecker().check(module: wavelet, inputs: [x]) { v in wavelet(v[0]) }
        print("gradcheck wavelet STRF: \(rw)")
        XCTAssertLessThan(rw.maxRelativeError, 1e-6)
    }

    func testShapesAndOddSupports() {
        var rng = RandomGenerator(seed: 1)
        let g = GaborSTRF(kernels: 4, timeSupport: 20, frequencySupport: 6, rng: &rng)
        XCTAssertEqual(g.timeSupport, 21)
        XCTAssertEqual(g.frequencySupport, 7)
        XCTAssertEqual(g.kernels().shape, [8, 1, 21, 7])
        XCTAssertEqual(g(Tensor.zeros([2, 30, 30])).shape, [2, 8, 30, 30])
        XCTAssertEqual(g.namedParameters().map(\.name), ["rates", "scales"])
        XCTAssertTrue(g.rates.scalars.allSatisfy { $0 >= 0 && $0 < Float.pi })
    }
}

/// Lets the test treat both banks alike.
protocol STRFBankProtocolForTests { func apply(_ x: Tensor) -> Tensor }
extension GaborSTRF: STRFBankProtocolForTests { func apply(_ x: Tensor) -> Tensor { self(x) } }
extension WaveletSTRF: STRFBankProtocolForTests { func apply(_ x: Tensor) -> Tensor { self(x) } }
