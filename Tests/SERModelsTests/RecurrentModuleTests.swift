import XCTest
import SERTestSupport
@testable import SERModels

/// The LSTM and GRU modules: PyTorch state-dict loading by name, parity with nn.LSTM / nn.GRU
/// (Tests/Fixtures/rnn/, made by generate_rnn_fixtures.py), inter-layer dropout and gradient checks.
final class RecurrentModuleTests: XCTestCase {
    struct TorchCase: Decodable {
        var name: String
        var input: TensorFixture
        var lengths: [Int]?
        var h0: TensorFixture?
        var c0: TensorFixture?
        var output: TensorFixture
        var h_n: TensorFixture
        var proj_output: TensorFixture
        var proj_h: TensorFixture
        var proj_c: TensorFixture?
        var grad_input: TensorFixture
        var grad_parameters: [String: TensorFixture]
    }
    struct TorchFile: Decodable {
        var input_size: Int
        var hidden_size: Int
        var num_layers: Int
        var bidirectional: Bool
        var parameters: [String: TensorFixture]
        var cases: [TorchCase]
    }

    func parity(_ kind: RecurrentKind) throws {
        let file = try Fixtures.json(TorchFile.self, "rnn/\(kind.rawValue).json")
        var rng = RandomGenerator(seed: 1)
        let module: RecurrentLayer = kind == .lstm
            ? LSTM(inputSize: file.input_size, hiddenSize: file.hidden_size, layers: file.num_layers,
                   bidirectional: file.bidirectional, rng: &rng)
            : GRU(inputSize: file.input_size, hiddenSize: file.hidden_size, layers: file.num_layers,
                  bidirectional: file.bidirectional, rng: &rng)
        try module.loadStateDict(file.parameters.mapValues(\.tensor))   // strict: names and shapes must match
        var worst = 0.0
        for c in file.cases {
            module.zeroGrad()
            let x = c.input.tensor.requiringGrad()
            let out: Tensor
            var loss: Tensor
            if let lstm = module as? LSTM {
                let r = try lstm(x, lengths: c.lengths, h0: c.h0?.tensor, c0: c.c0?.tensor)
                out = r.output
                loss = (r.h * c.proj_h.tensor).sum() + (r.c * c.proj_c!.tensor).sum()
            } else if let gru = module as? GRU {
                let r = try gru(x, lengths: c.lengths, h0: c.h0?.tensor)
                out = r.output
                loss = (r.h * c.proj_h.tensor).sum()
            } else { return XCTFail("unexpected module") }
            loss = loss + (out * c.proj_output.tensor).sum()
            loss.backward()
            var errs = [Discrepancy.between(out.doubles, c.output.data, floor: 1e-3),
                        Discrepancy.between(x.grad!.doubles, c.grad_input.data, floor: 1e-3)]
            for (name, p) in module.namedParameters() {
                errs.append(Discrepancy.between(p.grad!.doubles, c.grad_parameters[name]!.data, floor: 1e-3))
            }
            let e = errs.map(\.maxRelative).max()!
            worst = max(worst, e)
            XCTAssertLessThan(e, 1e-4, "\(kind) \(c.name)")
        }
        print("\(kind) module vs PyTorch: worst relative error \(worst)")
    }

    func testLSTMModuleMatchesPyTorch() throws { try parity(.lstm) }
    func testGRUModuleMatchesPyTorch() throws { try parity(.gru) }

    func testParameterNamesFollowPyTorch() {
        var rng = RandomGenerator(seed: 2)
        let lstm = LSTM(inputSize: 4, hiddenSize: 3, layers: 2, bidirectional: true, rng: &rng)
        XCTAssertEqual(lstm.namedParameters().map(\.name).prefix(8), [
            "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
            "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse"])
        XCTAssertEqual(lstm.namedParameters().first?.tensor.shape, [12, 4])
        XCTAssertEqual(lstm.namedParameters()[8].tensor.shape, [12, 6])  // layer 1 sees both directions
        let bound = 1 / Float(3).squareRoot()
        XCTAssertTrue(lstm.parameters().allSatisfy { $0.scalars.allSatisfy { abs($0) <= bound } })
    }

    func testDropoutBetweenLayersOnlyInTraining() throws {
        var rng = RandomGenerator(seed: 3)
        let gru = GRU(inputSize: 3, hiddenSize: 4, layers: 2, dropout: 0.5, rng: &rng)
        let x = Tensor.randn([2, 5, 3], using: &rng)
        gru.eval()
        let a = try gru(x).output.scalars, b = try gru(x).output.scalars
        XCTAssertEqual(a, b, "evaluation is deterministic")
        gru.train()
        let c = try gru(x).output.scalars
        XCTAssertNotEqual(a, c, "training applies dropout between the layers")
        // Layer-by-layer path without dropout equals the fused path.
        let fused = GRU(inputSize: 3, hiddenSize: 4, layers: 2, dropout: 0, rng: &rng)
        let stepped = GRU(inputSize: 3, hiddenSize: 4, layers: 2, dropout: 1e-12, rng: &rng)
        try stepped.loadStateDict(fused.stateDict())
        let d = Discrepancy.between(try stepped(x).output.doubles, try fused(x).output.doubles)
        XCTAssertLessThan(d.maxAbsolute, 1e-5)
    }

    func testGradientCheckThroughModule() throws {
        var rng = RandomGenerator(seed: 4)
        let lstm = LSTM(inputSize: 3, hiddenSize: 2, layers: 2, bidirectional: true, rng: &rng)
        let x = Tensor.randn([2, 4, 3], using: &rng)
        let r = GradientChecker().check(module: lstm, inputs: [x]) { v in
            guard let o = try? lstm(v[0], lengths: [4, 2]) else { XCTFail("lstm threw"); return v[0] }
            return o.output.sum(axes: [1]) + (o.h * o.c).sum(axes: [0]).sum(axes: [1], keepDims: true)
        }
        print("gradcheck LSTM module: \(r)")
        XCTAssertLessThan(r.maxRelativeError, 1e-6)
    }

    func testBadInputThrowsInsteadOfCrashing() {
        var rng = RandomGenerator(seed: 5)
        let gru = GRU(inputSize: 3, hiddenSize: 2, rng: &rng)
        XCTAssertThrowsError(try gru(Tensor.zeros([2, 4, 5])))
        XCTAssertThrowsError(try gru(Tensor.zeros([2, 4, 3]), lengths: [0, 4]))
    }
}
