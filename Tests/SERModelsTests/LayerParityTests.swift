import XCTest
import SERTestSupport
@testable import SERModels

/// Layers against PyTorch (Tests/Fixtures/generate_layer_fixtures.py): each layer loads the PyTorch
/// state dict by PyTorch's key names (strictly, so every name must match), then its float32 output,
/// the gradients of `L = Σ proj ⊙ y` with respect to the input and to every parameter, and the buffers
/// after the forward pass (batch-norm running statistics) must match PyTorch's.
/// Relative error is `|a − e| / max(|e|, 1e-2)`.
final class LayerParityTests: XCTestCase {
    struct Case: Decodable {
        var name: String
        var train: Bool
        var state: [String: TensorFixture]
        var input: TensorFixture
        var mask: TensorFixture?
        var output: TensorFixture
        var projection: TensorFixture
        var grad_input: TensorFixture
        var grads: [String: TensorFixture]
        var buffers_after: [String: TensorFixture]
    }
    struct File: Decodable { var cases: [Case] }

    /// The Swift layer matching each PyTorch case (same hyper-parameters as the generator).
    func makeLayer(_ name: String) -> Module? {
        var rng = RandomGenerator(seed: 7)
        switch name {
        case "linear": return Linear(5, 3, rng: &rng)
        case "linear_3d_nobias": return Linear(5, 3, bias: false, rng: &rng)
        case "conv1d_stride2_pad1": return Conv1d(3, 4, kernelSize: 3, stride: 2, padding: .zeros(1, 1), rng: &rng)
        case "conv1d_replicate_dilation2":
            return Conv1d(3, 4, kernelSize: 3, padding: .replicate(2, 2), dilation: 2, rng: &rng)
        case "conv2d_stride_pad":
            return Conv2d(2, 3, kernelSize: (3, 2), stride: (2, 1), padding: .symmetric(height: 1, width: 1), rng: &rng)
        case "conv2d_replicate_nobias_dilation":
            return Conv2d(2, 3, kernelSize: (3, 3), padding: .symmetric(height: 1, width: 1), paddingMode: .replicate,
                          dilation: (1, 2), bias: false, rng: &rng)
        case "batchnorm1d_train", "batchnorm1d_2d_input_train", "batchnorm1d_eval": return BatchNorm1d(3)
        case "batchnorm1d_cumulative_train": return BatchNorm1d(3, momentum: nil)
        case "batchnorm2d_train", "batchnorm2d_eval": return BatchNorm2d(2)
        case "groupnorm": return GroupNorm(numGroups: 2, numChannels: 4)
        case "layernorm": return LayerNorm(5)
        case "layernorm_2d": return LayerNorm([3, 5])
        case "mlp_relu_dropout_eval":
            return MLP(inputSize: 6, hiddenSizes: [8, 7], outputSize: 3, activation: .relu, dropout: 0.3, rng: &rng)
        case "mlp_leaky_train":
            return MLP(inputSize: 6, hiddenSizes: [8], outputSize: 3, activation: .leakyRelu(negativeSlope: 0.1), rng: &rng)
        case "self_attention_pooling_masked", "self_attention_pooling":
            return SelfAttentionPooling(inputSize: 6, hiddenSize: 8, rng: &rng)
        case "masked_mean_pooling": return MaskedMeanPooling()
        default: return nil
        }
    }

    func forward(_ layer: Module, _ x: Tensor, mask: Tensor?) -> Tensor? {
        if let pool = layer as? SelfAttentionPooling { return pool(x, mask: mask) }
        if let pool = layer as? MaskedMeanPooling { return pool(x, mask: mask) }
        return (layer as? any UnaryLayer)?(x)
    }

    func testLayersMatchPyTorch() throws {
        let file = try Fixtures.json(File.self, "layers/layers.json")
        XCTAssertEqual(file.cases.count, 20)
        var worst = (error: 0.0, what: "")
        for c in file.cases {
            guard let layer = makeLayer(c.name) else { XCTFail("no layer for case \(c.name)"); continue }
            try layer.loadStateDict(c.state.mapValues(\.tensor), strict: true)
            layer.train(c.train)
            let x = c.input.tensor.requiringGrad()
            guard let y = forward(layer, x, mask: c.mask?.tensor) else { XCTFail("\(c.name): not callable"); continue }
            XCTAssertEqual(y.shape, c.output.shape, c.name)
            guard y.shape == c.output.shape else { continue }
            (y * c.projection.tensor).sum().backward()

            var checks: [(String, Discrepancy)] = [
                ("output", Discrepancy.between(y.doubles, c.output.data, floor: 1e-2)),
                ("grad input", Discrepancy.between(x.grad?.doubles ?? [], c.grad_input.data, floor: 1e-2)),
            ]
            let params = Dictionary(uniqueKeysWithValues: layer.namedParameters().map { ($0.name, $0.tensor) })
            XCTAssertEqual(Set(params.keys), Set(c.grads.keys), "\(c.name): parameter names")
            for (name, g) in c.grads.sorted(by: { $0.key < $1.key }) {
                checks.append(("grad \(name)", Discrepancy.between(params[name]?.grad?.doubles ?? [], g.data, floor: 1e-2)))
            }
            let buffers = Dictionary(uniqueKeysWithValues: layer.namedBuffers().map { ($0.name, $0.tensor) })
            XCTAssertEqual(Set(buffers.keys), Set(c.buffers_after.keys), "\(c.name): buffer names")
            for (name, b) in c.buffers_after.sorted(by: { $0.key < $1.key }) {
                checks.append(("buffer \(name)", Discrepancy.between(buffers[name]?.doubles ?? [], b.data, floor: 1e-2)))
            }
            let (what, d) = checks.max { $0.1.maxRelative < $1.1.maxRelative }!
            print("PyTorch layer parity \(c.name): worst relative error \(d.maxRelative) in \(what) (\(d))")
            if d.maxRelative > worst.error { worst = (d.maxRelative, "\(c.name) \(what) element \(d.worstIndex)") }
            for (w, e) in checks { XCTAssertLessThanOrEqual(e.maxRelative, 1e-4, "\(c.name) \(w): \(e)") }
        }
        print("PyTorch layer parity worst: \(worst.error) at \(worst.what)")
    }
}
