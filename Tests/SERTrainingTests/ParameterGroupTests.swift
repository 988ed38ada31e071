import SERTestSupport
import XCTest
@testable import SERTraining

/// Parameter groups, freezing, gradient handling and hyperparameter validation.
final class ParameterGroupTests: XCTestCase {
    func model() throws -> TinyNet { TinyNet(try OptimFixture.load()) }

    func testGroupsFromModuleByPrefix() throws {
        let m = try model()
        let groups = try ParameterGroup.groups(
            from: m, rules: [.init("head", prefix: "out", learningRate: 1e-3, weightDecay: 0)],
            defaultLearningRate: 1e-2)
        XCTAssertEqual(groups.map(\.name), ["head", "default"])
        XCTAssertEqual(groups.map(\.parameterNames), [["out.weight"], ["hidden.weight", "hidden.bias"]])
        XCTAssertEqual(groups.map(\.learningRate), [1e-3, 1e-2])
        XCTAssertEqual(groups.map(\.weightDecay), [0, nil])
        XCTAssertTrue(groups[0].parameters[0].tensor === m.out.weight)

        // Whole components only: "hid" is not a prefix of "hidden.weight".
        XCTAssertThrowsError(try ParameterGroup.groups(from: m, rules: [.init("x", prefix: "hid", learningRate: 1)],
                                                       defaultLearningRate: 1)) { error in
            XCTAssertTrue("\(error)".contains("rule 'x' (prefixes [\"hid\"]) matches no parameter"), "\(error)")
        }
        XCTAssertThrowsError(try ParameterGroup.groups(
            from: m, rules: [.init("a", prefix: "out", learningRate: 1), .init("a", prefix: "hidden", learningRate: 1)],
            defaultLearningRate: 1))
        // Everything matched: no default group.
        let all = try ParameterGroup.groups(from: m, rules: [.init(name: "all", prefixes: ["out", "hidden"], learningRate: 1)],
                                            defaultLearningRate: 5)
        XCTAssertEqual(all.map(\.name), ["all"])
        XCTAssertEqual(all[0].parameters.count, 3)
    }

    func testOptimizerRejectsDuplicatesAndBadRates() throws {
        let m = try model()
        let p = m.namedParameters()
        XCTAssertThrowsError(try SGD(groups: [ParameterGroup(name: "a", parameters: p, learningRate: 0.1),
                                              ParameterGroup(name: "b", parameters: [p[0]], learningRate: 0.1)])) { error in
            XCTAssertTrue("\(error)".contains("parameter name 'hidden.weight' appears twice"), "\(error)")
        }
        XCTAssertThrowsError(try SGD(groups: [ParameterGroup(name: "a", parameters: [("x", p[0].tensor), ("y", p[0].tensor)],
                                                             learningRate: 0.1)]))
        XCTAssertThrowsError(try Adam(parameters: p, learningRate: -1))
        XCTAssertThrowsError(try Adam(parameters: p, beta1: 1.0)) { error in
            XCTAssertEqual("\(error)", "Adam: invalid beta1 1.0 (must be in [0, 1))")
        }
        XCTAssertThrowsError(try Adam(parameters: p, eps: -1))
        XCTAssertThrowsError(try AdamW(parameters: p, weightDecay: -0.1))
        XCTAssertThrowsError(try SGD(parameters: p, learningRate: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true))
        XCTAssertThrowsError(try SGD(parameters: p, learningRate: 0.1, nesterov: true))
        XCTAssertNoThrow(try SGD(parameters: p, learningRate: 0.1, momentum: 0.9, nesterov: true))
    }

    /// Plain SGD moves each parameter by exactly −lr·grad, so each group's own learning rate shows.
    func testGroupsUseTheirOwnLearningRates() throws {
        let m = try model()
        let groups = try ParameterGroup.groups(from: m, rules: [.init("head", prefix: "out", learningRate: 0.25)],
                                               defaultLearningRate: 0.5)
        let sgd = try SGD(groups: groups)
        let before = m.snapshot()
        for (_, p) in m.namedParameters() { p.grad = Tensor.ones(p.shape) }
        sgd.step()
        let after = m.snapshot()
        for (name, lr) in [("out.weight", 0.25), ("hidden.weight", 0.5), ("hidden.bias", 0.5)] {
            for (a, b) in zip(after[name]!, before[name]!) { XCTAssertEqual(a, Double(Float(b) - Float(lr)), name) }
        }
        // A schedule scales each group's base learning rate.
        try StepLR(stepSize: 1, gamma: 0.5).apply(to: sgd, atStep: 2)
        XCTAssertEqual(sgd.learningRates, [0.0625, 0.125])
        XCTAssertEqual(sgd.groups.map(\.baseLearningRate), [0.25, 0.5])
    }

    func testFrozenParametersDoNotMove() throws {
        let f = try OptimFixture.load()
        let m = TinyNet(f)
        let adam = try Adam(parameters: m.namedParameters(), learningRate: 1e-2)
        XCTAssertEqual(m.freeze(prefix: "hidden"), ["hidden.weight", "hidden.bias"])
        m.lossAndGradients(f.model.x.tensor, f.model.target.tensor)
        XCTAssertNil(m.hidden.weight.grad)
        // A stale gradient on a frozen parameter must be ignored too.
        m.hidden.weight.grad = Tensor.ones(m.hidden.weight.shape)
        let before = m.snapshot()
        adam.step()
        let after = m.snapshot()
        XCTAssertEqual(after["hidden.weight"], before["hidden.weight"])
        XCTAssertEqual(after["hidden.bias"], before["hidden.bias"])
        XCTAssertNotEqual(after["out.weight"], before["out.weight"])
        XCTAssertEqual(Set(adam.state.keys), ["out.weight"])
        XCTAssertEqual(adam.trainableParameters.count, 1)

        m.unfreeze(prefix: "hidden")
        m.lossAndGradients(f.model.x.tensor, f.model.target.tensor)
        adam.step()
        XCTAssertNotEqual(m.snapshot()["hidden.weight"], after["hidden.weight"])
        XCTAssertEqual(adam.state["hidden.weight"]?.step, 1)
        XCTAssertEqual(adam.state["out.weight"]?.step, 2)
    }

    func testParametersWithoutGradientAreSkippedAndGradientsAreNotModified() throws {
        let a = Tensor([1, 2], requiresGrad: true), b = Tensor([3, 4], requiresGrad: true)
        let c = Tensor([5, 6], requiresGrad: true)
        (a + b).sum().backward()  // a and b may share one gradient tensor
        let shared = a.grad!
        let sgd = try SGD(groups: [ParameterGroup(name: "g", tensors: [a, b, c], learningRate: 0.5)], momentum: 0.9,
                          weightDecay: 0.1)
        sgd.step()
        XCTAssertEqual(c.scalars, [5, 6])
        XCTAssertNil(sgd.state["g.2"])
        XCTAssertEqual(shared.scalars, [1, 1])
        XCTAssertEqual(a.scalars, [Float(1) - 0.5 * (1 + 0.1 * 1), Float(2) - 0.5 * (1 + 0.1 * 2)])
        sgd.zeroGrad()
        XCTAssertNil(a.grad)
        XCTAssertNil(b.grad)
    }

    func testClipGradNormReplacesSharedGradients() throws {
        let a = Tensor([1, 2], requiresGrad: true), b = Tensor([3, 4], requiresGrad: true)
        (a * 3.0 + b * 3.0).sum().backward()
        let ga = a.grad!, gb = b.grad!
        let total = clipGradNorm([a, b], maxNorm: 1)
        XCTAssertEqual(total, 6, accuracy: 1e-12)  // four gradients of 3
        XCTAssertEqual(ga.scalars, [3, 3])
        XCTAssertEqual(gb.scalars, [3, 3])
        XCTAssertFalse(a.grad === ga)
        XCTAssertEqual(a.grad!.doubles[0], 3 / (6 + 1e-6), accuracy: 1e-7)
        XCTAssertEqual(clipGradNorm([a, b], maxNorm: 1), 1, accuracy: 1e-6)

        // A non-finite norm leaves the gradients alone and is reported.
        a.grad = Tensor([.infinity, 1])
        let g = a.grad!
        XCTAssertTrue(clipGradNorm([a], maxNorm: 1).isInfinite)
        XCTAssertTrue(a.grad === g)
        XCTAssertEqual(clipGradNorm([Tensor([1])], maxNorm: 1), 0)
    }
}
