import XCTest
import SERTestSupport
@testable import SERModels

/// A small model with nested modules, a Sequential and a sibling whose name extends another's.
final class TinyModel: Module, UnaryLayer {
    let conv: Conv1d
    let norm: BatchNorm1d
    let head: Sequential
    let headx: Linear

    init(rng: inout RandomGenerator) {
        conv = Conv1d(2, 3, kernelSize: 3, padding: .zeros(1, 1), rng: &rng)
        norm = BatchNorm1d(3)
        head = Sequential(Linear(3, 4, rng: &rng), ReLU(), Dropout(0.5, rng: &rng), Linear(4, 2, rng: &rng))
        headx = Linear(2, 2, bias: false, rng: &rng)
        super.init()
        registerModule("conv", conv)
        registerModule("norm", norm)
        registerModule("head", head)
        registerModule("headx", headx)
    }

    /// `[batch, 2, time]` → `[batch, 2]`.
    func callAsFunction(_ x: Tensor) -> Tensor {
        let h = norm(conv(x)).relu().mean(axes: [2])
        return headx(head(h))
    }
}

final class ModuleTests: XCTestCase {
    func makeModel(seed: UInt64 = 1) -> TinyModel {
        var rng = RandomGenerator(seed: seed)
        return TinyModel(rng: &rng)
    }

    func testDottedNamesFollowPyTorch() {
        let m = makeModel()
        XCTAssertEqual(m.namedParameters().map(\.name), [
            "conv.weight", "conv.bias", "norm.weight", "norm.bias",
            "head.0.weight", "head.0.bias", "head.3.weight", "head.3.bias", "headx.weight",
        ])
        XCTAssertEqual(m.namedBuffers().map(\.name), ["norm.running_mean", "norm.running_var", "norm.num_batches_tracked"])
        XCTAssertEqual(m.namedModules().map(\.name),
                       ["", "conv", "norm", "head", "head.0", "head.1", "head.2", "head.3", "headx"])
        XCTAssertEqual(Set(m.stateDict().keys), Set(m.namedParameters().map(\.name) + m.namedBuffers().map(\.name)))
        XCTAssertEqual(m.namedParameters(prefix: "model.").first?.name, "model.conv.weight")
    }

    func testSequentialNamesAndAppend() {
        var rng = RandomGenerator(seed: 3)
        let s = Sequential([Linear(4, 5, rng: &rng), Tanh()])
        s.append(Linear(5, 2, bias: false, rng: &rng))
        XCTAssertEqual(s.count, 3)
        XCTAssertEqual(s.namedParameters().map(\.name), ["0.weight", "0.bias", "2.weight"])
        XCTAssertTrue(s[1] is Tanh)
        let y = s(Tensor.ones([7, 4]))
        XCTAssertEqual(y.shape, [7, 2])
    }

    func testParameterCount() {
        var rng = RandomGenerator(seed: 4)
        XCTAssertEqual(Linear(400, 300, rng: &rng).parameterCount, 400 * 300 + 300)
        XCTAssertEqual(Linear(400, 300, bias: false, rng: &rng).parameterCount, 400 * 300)
        XCTAssertEqual(Conv1d(16, 32, kernelSize: 5, rng: &rng).parameterCount, 32 * 16 * 5 + 32)
        XCTAssertEqual(Conv2d(1, 64, kernelSize: 3, rng: &rng).parameterCount, 64 * 9 + 64)
        XCTAssertEqual(BatchNorm1d(3).parameterCount, 6)  // buffers do not count
        XCTAssertEqual(BatchNorm2d(3, affine: false).parameterCount, 0)
        XCTAssertEqual(MLP(inputSize: 6, hiddenSizes: [8, 7], outputSize: 3, rng: &rng).parameterCount,
                       6 * 8 + 8 + 8 * 7 + 7 + 7 * 3 + 3)
        XCTAssertEqual(SelfAttentionPooling(inputSize: 6, rng: &rng).parameterCount, 6 * 256 + 256 + 256)
        XCTAssertEqual(makeModel().parameterCount, 3 * 2 * 3 + 3 + 3 + 3 + 3 * 4 + 4 + 4 * 2 + 2 + 2 * 2)
    }

    func testFreezeAndUnfreezeByPrefixMatchWholeComponents() {
        let m = makeModel()
        XCTAssertEqual(m.freeze(prefix: "head"), ["head.0.weight", "head.0.bias", "head.3.weight", "head.3.bias"])
        XCTAssertTrue(m.headx.weight.requiresGrad, "'head' must not match 'headx'")
        XCTAssertEqual(m.freeze(prefix: "hea"), [], "a partial component matches nothing")
        XCTAssertEqual(m.trainableParameters().count, 5)
        XCTAssertEqual(m.unfreeze(prefix: "head.3"), ["head.3.weight", "head.3.bias"])
        XCTAssertFalse((m.head[0] as! Linear).weight.requiresGrad)
        XCTAssertTrue((m.head[3] as! Linear).weight.requiresGrad)
        m.freeze()
        XCTAssertTrue(m.trainableParameters().isEmpty)
        m.unfreeze()
        XCTAssertEqual(m.trainableParameters().count, 9)

        // A frozen parameter gets no gradient; the others still do.
        m.freeze(prefix: "conv")
        let x = Tensor.randn([4, 2, 6], using: &rngForData)
        m(x).sum().backward()
        XCTAssertNil(m.conv.weight.grad)
        XCTAssertNotNil(m.headx.weight.grad)
        m.zeroGrad()
        XCTAssertNil(m.headx.weight.grad)
    }

    var rngForData = RandomGenerator(seed: 99)

    func testTrainEvalPropagatesToEveryDescendant() {
        let m = makeModel()
        XCTAssertTrue(m.namedModules().allSatisfy { $0.module.isTraining })
        m.eval()
        XCTAssertTrue(m.namedModules().allSatisfy { !$0.module.isTraining })
        // In evaluation mode dropout is the identity and batch norm uses (and keeps) its running statistics.
        let x = Tensor.randn([4, 2, 6], using: &rngForData)
        let before = m.norm.runningMean!.scalars
        let y1 = m(x).scalars, y2 = m(x).scalars
        XCTAssertEqual(y1, y2)
        XCTAssertEqual(m.norm.runningMean!.scalars, before)
        XCTAssertEqual(m.norm.numBatchesTracked!.item, 0)
        m.train()
        XCTAssertTrue(m.namedModules().allSatisfy { $0.module.isTraining })
        _ = m(x)
        XCTAssertNotEqual(m.norm.runningMean!.scalars, before)
        XCTAssertEqual(m.norm.numBatchesTracked!.item, 1)
    }

    func testLoadStateDictReportsEveryProblemAndWritesNothing() {
        let m = makeModel(seed: 1), other = makeModel(seed: 2)
        var state = other.stateDict()
        state["conv.weight"] = Tensor.zeros([3, 2, 5])  // mis-shaped
        state["head.3.bias"] = nil  // missing
        state["head.4.weight"] = Tensor.zeros([2])  // unexpected
        let snapshot = m.stateDict().mapValues(\.scalars)
        XCTAssertThrowsError(try m.loadStateDict(state)) { error in
            guard let e = error as? StateDictError else { return XCTFail("wrong error \(error)") }
            XCTAssertEqual(e.missing, ["head.3.bias"])
            XCTAssertEqual(e.unexpected, ["head.4.weight"])
            XCTAssertEqual(e.misShaped.map(\.name), ["conv.weight"])
            XCTAssertEqual(e.misShaped.first?.expected, [3, 2, 3])
            XCTAssertEqual(e.misShaped.first?.found, [3, 2, 5])
            XCTAssertEqual(e.module, "TinyModel")
            let text = e.description
            for key in ["head.3.bias", "head.4.weight", "conv.weight", "[3, 2, 3]", "[3, 2, 5]"] {
                XCTAssertTrue(text.contains(key), "description lacks \(key): \(text)")
            }
        }
        XCTAssertEqual(m.stateDict().mapValues(\.scalars), snapshot, "a failed load must not write anything")

        // Non-strict: missing and unexpected keys are tolerated, a shape mismatch never is.
        XCTAssertThrowsError(try m.loadStateDict(state, strict: false))
        XCTAssertEqual(m.stateDict().mapValues(\.scalars), snapshot)
        state["conv.weight"] = other.conv.weight
        XCTAssertNoThrow(try m.loadStateDict(state, strict: false))
        XCTAssertEqual(m.conv.weight.scalars, other.conv.weight.scalars)
        XCTAssertNotEqual((m.head[3] as! Linear).bias!.scalars, (other.head[3] as! Linear).bias!.scalars)

        // Strict load of a complete state dict copies values into the existing tensors.
        let weight = m.headx.weight
        XCTAssertNoThrow(try m.loadStateDict(other.stateDict()))
        XCTAssertTrue(weight === m.headx.weight)
        XCTAssertEqual(m.stateDict().mapValues(\.scalars), other.stateDict().mapValues(\.scalars))
        XCTAssertTrue(m.headx.weight.requiresGrad)
    }
}
