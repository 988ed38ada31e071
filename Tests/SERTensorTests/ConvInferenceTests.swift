import XCTest
import SERTestSupport
@testable import SERTensor

/// ``Tensor/conv2dInference(_:weight:bias:stride:padding:dilation:paddingMode:epilogue:)`` (convolution with an
/// evaluation-mode batch norm and LeakyReLU folded in) against PyTorch's `leaky_relu(batch_norm(conv2d(…)))`
/// (Tests/Fixtures/generate_nn_fixtures.py, the `inference_` cases) on every convolution path, and against the same
/// three ops run one by one.
final class ConvInferenceTests: XCTestCase {
    struct Case: Decodable {
        var name: String
        var inputs: [TensorFixture]
        var output: TensorFixture
        var params: Params
    }
    struct Params: Decodable {
        var running_mean: TensorFixture
        var running_var: TensorFixture
        var negative_slope: Double
        var eps: Double
    }
    struct File: Decodable {
        struct Named: Decodable { var name: String }
        var cases: [Named]
    }

    /// The affine map of an evaluation-mode batch norm, as its definition gives it (float64).
    static func epilogue(gamma: [Double], beta: [Double], mean: [Double], variance: [Double], eps: Double,
                         slope: Double?) -> ConvOutputEpilogue {
        let scale = zip(gamma, variance).map { $0 / ($1 + eps).squareRoot() }
        let shift = (0..<beta.count).map { beta[$0] - mean[$0] * scale[$0] }
        return ConvOutputEpilogue(scale: scale.map(Float.init), shift: shift.map(Float.init), negativeSlope: slope.map(Float.init))
    }

    func cases() throws -> [Case] {
        let names = try Fixtures.json(File.self, "nn/ops.json").cases.map(\.name)
        let count = names.filter { $0.hasPrefix("inference_") }.count
        XCTAssertEqual(count, 2)
        // Every case decodes as an optional inference case (the others have other parameters and decode as nil).
        struct MaybeCase: Decodable {
            var value: Case?
            init(from decoder: Decoder) throws { value = try? Case(from: decoder) }
        }
        struct Cases: Decodable { var cases: [MaybeCase] }
        let kept = try Fixtures.json(Cases.self, "nn/ops.json").cases.compactMap(\.value).filter { $0.name.hasPrefix("inference_") }
        XCTAssertEqual(kept.count, count)
        return kept
    }

    func run(_ c: Case, _ x: [Tensor]) -> Tensor {
        let hasBias = x.count == 5
        let (gamma, beta) = hasBias ? (x[3], x[4]) : (x[2], x[3])
        let e = Self.epilogue(gamma: gamma.doubles, beta: beta.doubles, mean: c.params.running_mean.data,
                              variance: c.params.running_var.data, eps: c.params.eps, slope: c.params.negative_slope)
        switch c.name {
        case "inference_conv2d_bn_leaky_direct":
            return Tensor.conv2dInference(x[0], weight: x[1], bias: x[2], padding: (1, 1, 1, 1), epilogue: e)
        case "inference_conv2d_bn_leaky_wide":
            return Tensor.conv2dInference(x[0], weight: x[1], stride: (1, 2), padding: (1, 1, 1, 1), epilogue: e)
        default:
            XCTFail("unknown case \(c.name)")
            return x[0]
        }
    }

    func testMatchesPyTorchOnEveryConvolutionPath() throws {
        let all = try cases()
        var worst = (0.0, "")
        let saved = ConvPathChoice.current
        defer { ConvPathChoice.current = saved }
        for path in [nil, ConvPathChoice.Path.direct, .rowTiles, .batched] {
            ConvPathChoice.current = path.map { ConvPathChoice(forced: $0, columnTileBytes: $0 == .rowTiles ? 1 : saved.columnTileBytes) } ?? saved
            for c in all {
                let y = run(c, c.inputs.map(\.tensor))
                XCTAssertEqual(y.shape, c.output.shape, c.name)
                let e = Discrepancy.between(y.doubles, c.output.data, floor: 1e-2).maxRelative
                XCTAssertLessThan(e, 1e-4, "\(c.name) on \(path?.rawValue ?? "the chosen path")")
                if e > worst.0 { worst = (e, "\(c.name) on \(path?.rawValue ?? "the chosen path")") }
            }
        }
        print("conv2dInference vs PyTorch, worst: \(worst)")
    }

    /// The folded op and `conv2d → batchNorm (evaluation) → leakyRelu` in float32 against the same three ops in
    /// float64, with the bound of the PyTorch convolution fixtures (1e-4 relative, floor 1e-2); and the activation's
    /// absence.
    func testEqualsTheLayersRunOneByOne() {
        var rng = RandomGenerator(seed: 5)
        for (shape, kernel, stride, bias) in [([2, 4, 6, 35], [6, 4, 3, 3], (1, 1), true), ([3, 5, 7, 20], [9, 5, 3, 3], (1, 2), false),
                                              ([2, 6, 5, 9], [4, 6, 1, 1], (1, 2), true)] {
            let x = Tensor.randn(shape, using: &rng), w = Tensor.randn(kernel, using: &rng)
            let b: Tensor? = bias ? Tensor.randn([kernel[0]], using: &rng) : nil
            let gamma = Tensor.randn([kernel[0]], using: &rng), beta = Tensor.randn([kernel[0]], using: &rng)
            let mean = Tensor.randn([kernel[0]], using: &rng), variance = Tensor.randn([kernel[0]], using: &rng).abs() + 0.5
            let pad = kernel[2] / 2
            let padding = (pad, pad, pad, pad)
            func layers(_ dtype: DType, slope: Double?) -> Tensor {
                let conv = Tensor.conv2d(x.to(dtype), weight: w.to(dtype), bias: b?.to(dtype), stride: stride, padding: padding)
                let normalised = conv.batchNorm(runningMean: mean.to(dtype), runningVar: variance.to(dtype), weight: gamma.to(dtype),
                                                bias: beta.to(dtype), training: false)
                return slope.map { normalised.leakyRelu(slope: $0) } ?? normalised
            }
            for slope in [0.01, nil] as [Double?] {
                let e = Self.epilogue(gamma: gamma.doubles, beta: beta.doubles, mean: mean.doubles, variance: variance.doubles,
                                      eps: 1e-5, slope: slope)
                let fused = Tensor.conv2dInference(x, weight: w, bias: b, stride: stride, padding: padding, epilogue: e)
                let reference = layers(.float64, slope: slope).doubles
                let d = Discrepancy.between(fused.doubles, reference, floor: 1e-2)
                let unfused = Discrepancy.between(layers(.float32, slope: slope).doubles, reference, floor: 1e-2)
                print("conv2dInference \(shape) ⋆ \(kernel), slope \(String(describing: slope)): folded \(d.maxRelative), "
                      + "layer by layer \(unfused.maxRelative) against float64")
                XCTAssertLessThan(d.maxRelative, 1e-4, "\(shape) ⋆ \(kernel), slope \(String(describing: slope)): \(d)")
                if slope == nil {
                    XCTAssertTrue(fused.scalars.contains { $0 < -0.5 }, "without an activation negative outputs stay")
                }
            }
        }
    }
}
