import SERTestSupport
import XCTest
@testable import SERTraining

/// Tests/Fixtures/optim/optim.json, written by Tests/Fixtures/generate_optim_fixtures.py (PyTorch).
struct OptimFixture: Decodable {
    struct Model: Decodable {
        var x: TensorFixture
        var target: TensorFixture
        var params: [String: TensorFixture]
    }
    struct Hyper: Decodable {
        var lr: Double
        var weight_decay: Double?
        var betas: [Double]?
        var eps: Double?
        var momentum: Double?
        var dampening: Double?
        var nesterov: Bool?
    }
    struct Group: Decodable {
        var name: String
        var parameters: [String]
        var lr: Double?
        var weight_decay: Double?
    }
    struct Step: Decodable {
        /// 1-based: the parameters after this many updates.
        var step: Int
        var loss: Double
        var grad_norm: Double?
        var params: [String: TensorFixture]
    }
    struct Trajectory: Decodable {
        var name: String
        var optimizer: String
        var dtype: String
        var hyper: Hyper
        var groups: [Group]
        var clip: Double?
        var steps: [Step]
    }
    struct Clipping: Decodable {
        var max_norm: Double
        var grads: [TensorFixture]
        var total_norm: Double
        var clipped: [TensorFixture]
    }
    struct Schedule: Decodable {
        var name: String
        var base_lrs: [Double]
        var lrs: [[Double]]
        var step_size: Int?
        var gamma: Double?
        var warmup_steps: Int?
        var total_steps: Int?
        var min_factor: Double?
    }
    struct Plateau: Decodable {
        var mode: String
        var factor: Double
        var patience: Int
        var threshold: Double
        var cooldown: Int
        var min_lr: Double
        var base_lrs: [Double]
        var metrics: [Double]
        var lrs: [[Double]]
    }
    var torch: String
    var model: Model
    var trajectories: [Trajectory]
    var clipping: [Clipping]
    var schedules: [Schedule]
    var plateau: [Plateau]

    static func load() throws -> OptimFixture { try Fixtures.json(OptimFixture.self, "optim/optim.json") }
}

extension TensorFixture {
    /// A float32-encoded fixture (shortest decimal that round-trips in float32) converted exactly to `dtype`:
    /// the values are rounded to float32 first, as PyTorch converted the float32 tensors.
    func float32Values(as dtype: DType) -> Tensor { tensor.to(dtype) }
}

/// `x ↦ x·weight (+ bias)`; weight is [in, out] so that names and layout match the fixture.
final class Affine: Module {
    let weight: Tensor
    let bias: Tensor?

    init(weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias
        super.init()
        registerParameter("weight", weight)
        if let bias { registerParameter("bias", bias) }
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let y = x.matmul(weight)
        return bias.map { y + $0 } ?? y
    }
}

/// The fixture's model: `y = tanh(x·hidden.weight + hidden.bias)·out.weight`, loss `mean((y − t)²)`.
final class TinyNet: Module {
    let hidden: Affine
    let out: Affine

    init(_ p: [String: Tensor]) {
        hidden = Affine(weight: p["hidden.weight"]!, bias: p["hidden.bias"]!)
        out = Affine(weight: p["out.weight"]!, bias: nil)
        super.init()
        registerModule("hidden", hidden)
        registerModule("out", out)
    }

    /// A fresh copy of the fixture's initial parameters in `dtype`.
    convenience init(_ f: OptimFixture, dtype: DType = .float32) {
        self.init(f.model.params.mapValues { $0.float32Values(as: dtype) })
    }

    func loss(_ x: Tensor, _ t: Tensor) -> Tensor {
        (out(hidden(x).tanh()) - t).square().mean()
    }

    /// Zero the gradients, compute the loss and back-propagate; returns the loss.
    @discardableResult
    func lossAndGradients(_ x: Tensor, _ t: Tensor) -> Double {
        zeroGrad()
        let l = loss(x, t)
        l.backward()
        return Double(l.item)
    }

    /// Copies of the parameter values by name.
    func snapshot() -> [String: [Double]] {
        Dictionary(uniqueKeysWithValues: namedParameters().map { ($0.name, $0.tensor.doubles) })
    }
}
