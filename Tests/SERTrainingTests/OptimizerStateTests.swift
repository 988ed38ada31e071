import Foundation
import SERTestSupport
import XCTest
@testable import SERTraining

/// Checkpointing of optimiser state: export / import round trips, and clear errors on mismatch.
final class OptimizerStateTests: XCTestCase {
    typealias Factory = (TinyNet) throws -> Optimizer

    static let factories: [(String, Factory)] = [
        ("Adam", { m in try Adam(parameters: m.namedParameters(), learningRate: 1e-2, weightDecay: 0.1) }),
        ("AdamW", { m in
            try AdamW(groups: ParameterGroup.groups(from: m, rules: [.init("head", prefix: "out", learningRate: 3e-3)],
                                                     defaultLearningRate: 1e-2))
        }),
        ("SGD", { m in try SGD(parameters: m.namedParameters(), learningRate: 0.02, momentum: 0.9, nesterov: true,
                               weightDecay: 0.01) }),
    ]

    func run(_ model: TinyNet, _ opt: Optimizer, steps: Int, _ f: OptimFixture, schedule: CosineWarmupLR? = nil,
             startingAt first: Int = 0) {
        let x = f.model.x.tensor, t = f.model.target.tensor
        for k in first..<(first + steps) {
            schedule?.apply(to: opt, atStep: k)
            model.lossAndGradients(x, t)
            opt.clipGradNorm(maxNorm: 1.0)
            opt.step()
        }
    }

    /// 5 steps, export, import into a fresh optimiser (and a model restored from the parameters), 5 more steps:
    /// bit-identical to 10 steps straight. A fresh optimiser without the state must not be (the test can fail).
    func testRoundTripContinuesBitExactly() throws {
        let f = try OptimFixture.load()
        let schedule = try CosineWarmupLR(warmupSteps: 3, totalSteps: 10, minFactor: 0.1)
        for (name, make) in Self.factories {
            let straight = TinyNet(f)
            let optStraight = try make(straight)
            run(straight, optStraight, steps: 10, f, schedule: schedule)

            let first = TinyNet(f)
            let optFirst = try make(first)
            run(first, optFirst, steps: 5, f, schedule: schedule)
            let tensors = optFirst.stateDict()
            let scalars = try JSONEncoder().encode(optFirst.scalarState())
            let savedParams = first.stateDict().mapValues { $0.copy() }
            let exported = tensors.mapValues(\.doubles)

            let resumed = TinyNet(f)
            try resumed.loadStateDict(savedParams)
            let optResumed = try make(resumed)
            try optResumed.load(stateDict: tensors)
            try optResumed.load(scalarState: JSONDecoder().decode(OptimizerScalarState.self, from: scalars))
            run(resumed, optResumed, steps: 5, f, schedule: schedule, startingAt: 5)

            let notResumed = TinyNet(f)
            try notResumed.loadStateDict(savedParams)
            let optFresh = try make(notResumed)
            run(notResumed, optFresh, steps: 5, f, schedule: schedule, startingAt: 5)

            XCTAssertEqual(resumed.snapshot(), straight.snapshot(), "\(name): resumed run differs from straight run")
            XCTAssertNotEqual(notResumed.snapshot(), straight.snapshot(), "\(name): state must matter")
            XCTAssertEqual(optResumed.stateDict().mapValues(\.doubles), optStraight.stateDict().mapValues(\.doubles))
            // The exported tensors are copies: continuing the original run does not change them.
            run(first, optFirst, steps: 5, f, schedule: schedule, startingAt: 5)
            XCTAssertEqual(first.snapshot(), straight.snapshot(), name)
            XCTAssertEqual(tensors.mapValues(\.doubles), exported, name)
            XCTAssertEqual(tensors["step.hidden.weight"]?.doubles, [5])
            XCTAssertEqual(optFirst.stateDict()["step.hidden.weight"]?.doubles, [10])
        }
    }

    func testStateDictKeys() throws {
        let f = try OptimFixture.load()
        let model = TinyNet(f)
        let adam = try Adam(parameters: model.namedParameters(), learningRate: 1e-2)
        XCTAssertTrue(adam.stateDict().isEmpty)
        model.lossAndGradients(f.model.x.tensor, f.model.target.tensor)
        adam.step()
        adam.step()
        let names = ["hidden.weight", "hidden.bias", "out.weight"]
        XCTAssertEqual(Set(adam.stateDict().keys),
                       Set(names.flatMap { ["step.\($0)", "exp_avg.\($0)", "exp_avg_sq.\($0)"] }))
        XCTAssertEqual(adam.stateDict()["step.out.weight"]?.doubles, [2])
        XCTAssertEqual(adam.stateDict()["exp_avg.out.weight"]?.shape, [5, 2])

        let sgd = try SGD(parameters: model.namedParameters(), learningRate: 0.1)
        sgd.step()
        XCTAssertEqual(Set(sgd.stateDict().keys), Set(names.map { "step.\($0)" }), "no buffers without momentum")
        let sgdM = try SGD(parameters: model.namedParameters(), learningRate: 0.1, momentum: 0.5)
        sgdM.step()
        XCTAssertEqual(sgdM.stateDict().keys.filter { $0.hasPrefix("momentum_buffer.") }.count, 3)
    }

    func testLoadReportsEveryMismatchAndChangesNothing() throws {
        let f = try OptimFixture.load()
        let model = TinyNet(f)
        let adam = try Adam(parameters: model.namedParameters(), learningRate: 1e-2)
        model.lossAndGradients(f.model.x.tensor, f.model.target.tensor)
        adam.step()
        let good = adam.stateDict()
        try adam.load(stateDict: good)  // its own state loads

        var bad = good
        bad["exp_avg.hidden.weight"] = Tensor.zeros([5, 3])             // wrong shape
        bad["exp_avg_sq.hidden.bias"] = Tensor.zeros([5], dtype: .float64)  // wrong dtype
        bad["exp_avg.encoder.weight"] = Tensor.zeros([2])              // unknown parameter
        bad["momentum_buffer.out.weight"] = Tensor.zeros([5, 2])       // a buffer Adam does not keep
        bad["nodot"] = Tensor.zeros([1])
        bad["step.out.weight"] = Tensor(shape: [], scalars: [1.5])     // not an integer
        let before = adam.stateDict().mapValues(\.doubles)
        XCTAssertThrowsError(try adam.load(stateDict: bad)) { error in
            guard case let OptimizerError.stateDictMismatch(optimizer, problems) = error else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(optimizer, "Adam")
            XCTAssertEqual(problems.count, 6, problems.joined(separator: "\n"))
            let text = "\(error)"
            for key in ["exp_avg.hidden.weight", "exp_avg_sq.hidden.bias", "encoder.weight", "momentum_buffer.out.weight",
                        "nodot", "step.out.weight"] {
                XCTAssertTrue(text.contains(key), "error should name \(key):\n\(text)")
            }
            print(text)
        }
        XCTAssertEqual(adam.stateDict().mapValues(\.doubles), before, "a failed load must change nothing")

        var incomplete = good
        incomplete["exp_avg_sq.out.weight"] = nil
        incomplete["step.hidden.bias"] = nil
        XCTAssertThrowsError(try adam.load(stateDict: incomplete)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("'out.weight' after 1 steps needs buffers [exp_avg, exp_avg_sq], found [exp_avg]"), text)
            XCTAssertTrue(text.contains("'hidden.bias': buffers without 'step.hidden.bias'"), text)
        }
    }

    func testScalarStateMismatch() throws {
        let f = try OptimFixture.load()
        let model = TinyNet(f)
        let adam = try Adam(parameters: model.namedParameters(), learningRate: 1e-2)
        let other = try Adam(parameters: model.namedParameters(), learningRate: 1e-2, beta1: 0.8)
        let sgd = try SGD(parameters: model.namedParameters(), learningRate: 1e-2)
        let grouped = try Adam(groups: ParameterGroup.groups(from: model, rules: [.init("head", prefix: "out", learningRate: 1e-3)],
                                                             defaultLearningRate: 1e-2))
        for (target, expected) in [(other, "beta1"), (sgd, "saved by Adam, this is SGD"), (grouped, "groups: saved")] as [(Optimizer, String)] {
            XCTAssertThrowsError(try target.load(scalarState: adam.scalarState())) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
        // Learning rates are restored.
        let a2 = try Adam(parameters: model.namedParameters(), learningRate: 1e-2)
        adam.setLearningRates(factor: 0.25)
        try a2.load(scalarState: adam.scalarState())
        XCTAssertEqual(a2.learningRates, [2.5e-3])
    }

    func testSchedulesAreCodable() throws {
        let schedules: [LearningRateSchedule] = [
            .constant, .step(try StepLR(stepSize: 4, gamma: 0.3)),
            .cosineWarmup(try CosineWarmupLR(warmupSteps: 2, totalSteps: 9, minFactor: 0.1)),
        ]
        let data = try JSONEncoder().encode(schedules)
        XCTAssertEqual(try JSONDecoder().decode([LearningRateSchedule].self, from: data), schedules)
        // Invalid settings are rejected when decoding, not at the first use.
        let bad = Data(#"{"step":{"_0":{"stepSize":0,"gamma":0.5}}}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(LearningRateSchedule.self, from: bad)) { print("\($0)") }
        XCTAssertThrowsError(try StepLR(stepSize: 0))
        XCTAssertThrowsError(try CosineWarmupLR(warmupSteps: 5, totalSteps: 3))
        XCTAssertThrowsError(try ReduceLROnPlateau(factor: 1.0))
    }
}
