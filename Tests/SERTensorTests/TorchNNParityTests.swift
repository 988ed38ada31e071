import XCTest
import SERTestSupport
@testable import SERTensor

/// Float32 outputs and gradients of convolution, pooling, normalisation and losses against PyTorch
/// (Tests/Fixtures/generate_nn_fixtures.py). Gradients are of `L = Σ proj ⊙ y` with the stored `proj`.
final class TorchNNParityTests: XCTestCase {
    struct Case: Decodable {
        var name: String
        var inputs: [TensorFixture]
        var output: TensorFixture
        var projection: TensorFixture
        var grads: [TensorFixture]
        var params: Params
    }
    struct Params: Decodable {
        var targets: FlexibleTargets?
        var weights: TensorFixture?
        var smoothing: Double?
        var running_mean: TensorFixture?
        var running_var: TensorFixture?
        var negative_slope: Double?
    }
    /// `targets` is a list of class indices for cross-entropy and a tensor for BCE.
    enum FlexibleTargets: Decodable {
        case indices([Int]), tensor(TensorFixture)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode([Int].self) { self = .indices(i) } else { self = .tensor(try c.decode(TensorFixture.self)) }
        }
    }
    struct File: Decodable { var cases: [Case] }

    func run(_ c: Case, _ x: [Tensor]) -> Tensor {
        switch c.name {
        case "conv1d": return Tensor.conv1d(x[0], weight: x[1], bias: x[2])
        case "conv1d_stride2_pad1": return Tensor.conv1d(x[0], weight: x[1], bias: x[2], stride: 2, padding: .zeros(1, 1))
        case "conv1d_causal_dil2": return Tensor.conv1d(x[0], weight: x[1], padding: .causal, dilation: 2)
        case "conv1d_replicate": return Tensor.conv1d(x[0], weight: x[1], bias: x[2], stride: 3, padding: .replicate(2, 1))
        case "conv2d": return Tensor.conv2d(x[0], weight: x[1], bias: x[2])
        case "conv2d_stride_pad": return Tensor.conv2d(x[0], weight: x[1], bias: x[2], stride: (2, 1), padding: (1, 1, 1, 1))
        case "conv2d_dilation": return Tensor.conv2d(x[0], weight: x[1], dilation: (2, 2))
        case "conv2d_replicate":
            return Tensor.conv2d(x[0], weight: x[1], bias: x[2], stride: (1, 2), padding: (1, 2, 1, 1), paddingMode: .replicate)
        case "conv2d_direct_same": return Tensor.conv2d(x[0], weight: x[1], bias: x[2], padding: (1, 1, 1, 1))
        case "conv2d_direct_wide_kernel": return Tensor.conv2d(x[0], weight: x[1], padding: (1, 1, 2, 2))
        case "conv2d_direct_asymmetric": return Tensor.conv2d(x[0], weight: x[1], bias: x[2], padding: (0, 2, 1, 0))
        case "conv2d_direct_stride_w2": return Tensor.conv2d(x[0], weight: x[1], bias: x[2], stride: (1, 2), padding: (1, 1, 1, 1))
        case "avg_pool2d": return x[0].avgPool2d(kernel: (2, 3), stride: (2, 1))
        case "max_pool2d": return x[0].maxPool2d(kernel: (3, 2), stride: (2, 2))
        case "avg_pool1d": return x[0].avgPool1d(kernel: 3, stride: 2)
        case "max_pool1d": return x[0].maxPool1d(kernel: 4)
        case "batch_norm_train", "batch_norm2d_train", "batch_norm2d_train_rows":
            return x[0].batchNorm(runningMean: nil, runningVar: nil, weight: x[1], bias: x[2], training: true)
        case "batch_norm_eval":
            return x[0].batchNorm(runningMean: c.params.running_mean!.tensor, runningVar: c.params.running_var!.tensor,
                                  weight: x[1], bias: x[2], training: false)
        case "batch_norm2d_leaky_train":
            return x[0].batchNorm(runningMean: nil, runningVar: nil, weight: x[1], bias: x[2], training: true,
                                  negativeSlope: c.params.negative_slope!)
        case "batch_norm_leaky_eval":
            return x[0].batchNorm(runningMean: c.params.running_mean!.tensor, runningVar: c.params.running_var!.tensor,
                                  weight: x[1], bias: x[2], training: false, negativeSlope: c.params.negative_slope!)
        case "group_norm": return x[0].groupNorm(groups: 2, weight: x[1], bias: x[2])
        case "layer_norm": return x[0].layerNorm(weight: x[1], bias: x[2])
        case "layer_norm_2d": return x[0].layerNorm(normalizedDims: 2, weight: x[1], bias: x[2])
        case "cross_entropy", "cross_entropy_weighted", "cross_entropy_smoothed":
            guard case .indices(let t)? = c.params.targets else { XCTFail("targets"); return x[0] }
            return Tensor.crossEntropy(logits: x[0], targets: t, classWeights: c.params.weights?.tensor,
                                       labelSmoothing: c.params.smoothing ?? 0)
        case "bce_with_logits":
            guard case .tensor(let t)? = c.params.targets else { XCTFail("targets"); return x[0] }
            return Tensor.binaryCrossEntropyWithLogits(logits: x[0], targets: t.tensor)
        default:
            XCTFail("unknown case \(c.name)")
            return x[0]
        }
    }

    func testOutputsAndGradientsMatchPyTorch() throws {
        let file = try Fixtures.json(File.self, "nn/ops.json")
        // The inference cases (convolution with batch norm folded in) are ConvInferenceTests'.
        let cases = file.cases.filter { !$0.name.hasPrefix("inference_") }
        XCTAssertEqual(cases.count, 29)
        checkCases(cases, label: "conv/pool/norm/loss")
    }

    /// The 2-D convolutions again on the row-tile path, one output row per tile (several tiles per image,
    /// images split between workers in the backward).
    func testConvolutionsOnRowTilesMatchPyTorch() throws {
        let convolutions = try twoDimensionalConvolutions()
        withConvPath(ConvPathChoice(forced: .rowTiles, columnTileBytes: 1)) {
            checkCases(convolutions, label: "conv2d on row tiles")
        }
    }

    /// The 2-D convolutions that ``DirectConv2d`` can take (padding below the kernel: 3 × 3 "same" over two 32-column
    /// tiles, a 3 × 5 kernel, asymmetric padding, an unpadded 3 × 2 kernel, a column stride of 2), forced onto it
    /// whatever this build would choose.
    func testConvolutionsOnDirectPathMatchPyTorch() throws {
        let names = ["conv2d", "conv2d_direct_same", "conv2d_direct_wide_kernel", "conv2d_direct_asymmetric",
                     "conv2d_direct_stride_w2"]
        let direct = try twoDimensionalConvolutions().filter { names.contains($0.name) }
        XCTAssertEqual(direct.count, names.count)
        withConvPath(ConvPathChoice(forced: .direct, columnTileBytes: ConvPathChoice.current.columnTileBytes)) {
            checkCases(direct, label: "conv2d on the direct path")
        }
    }

    /// The fixture's 2-D convolution cases.
    private func twoDimensionalConvolutions() throws -> [Case] {
        let convolutions = try Fixtures.json(File.self, "nn/ops.json").cases.filter { $0.name.hasPrefix("conv2d") }
        XCTAssertEqual(convolutions.count, 8)
        return convolutions
    }

    /// Runs `body` with every 2-D convolution on the path `choice` forces, restoring the choice after.
    private func withConvPath(_ choice: ConvPathChoice, _ body: () -> Void) {
        let saved = ConvPathChoice.current
        defer { ConvPathChoice.current = saved }
        ConvPathChoice.current = choice
        body()
    }

    /// The convolutions again with every product in each ``FloatGEMMKernel`` (forward and both backward
    /// products, all transpose combinations, ragged tiles), whatever this build would choose by itself.
    func testConvolutionsOnEveryGEMMKernelMatchPyTorch() throws {
        let file = try Fixtures.json(File.self, "nn/ops.json")
        let convolutions = file.cases.filter { $0.name.hasPrefix("conv") }
        XCTAssertEqual(convolutions.count, 12)
        for kernel in FloatGEMMKernel.allCases {
            withEveryProduct(in: kernel) { checkCases(convolutions, label: "convolutions on \(kernel)") }
        }
    }

    private func checkCases(_ cases: [Case], label: String) {
        var worst = (0.0, "")
        for c in cases {
            let xs = c.inputs.map { $0.tensor.requiringGrad() }
            let y = run(c, xs)
            XCTAssertEqual(y.shape, c.output.shape, c.name)
            guard y.shape == c.output.shape else { continue }
            (y * c.projection.tensor).sum().backward()
            var errs = [Discrepancy.between(y.doubles, c.output.data, floor: 1e-2)]
            for (x, g) in zip(xs, c.grads) { errs.append(Discrepancy.between(x.grad?.doubles ?? [], g.data, floor: 1e-2)) }
            let e = errs.map(\.maxRelative).max() ?? 0
            print("PyTorch parity \(c.name): worst relative error \(e)")
            if e > worst.0 { worst = (e, c.name) }
            XCTAssertLessThan(e, 1e-4, "\(c.name): \(errs)")
        }
        print("PyTorch parity (\(label)) worst: \(worst)")
    }
}
