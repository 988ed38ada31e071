import XCTest
import SERTestSupport
@testable import SERModels

/// Early fusion in ``STRFNet``: utterance functionals concatenated to the pooled embedding. The standardisation
/// arithmetic, the input checks, a finite-difference gradient check through both inputs, and a task whose
/// answer lies only in the utterance functionals.
final class STRFNetEarlyFusionTests: XCTestCase {
    func tinyConfiguration(functionals: Int, classes: Int = 2) -> STRFNetConfiguration {
        var cfg = STRFNetConfiguration(inputChannels: ["a"], convChannels: 2, strfInputs: [], classes: classes)
        cfg.frequencyBins = 5; cfg.residualChannels = [2]; cfg.embeddingSize = 3; cfg.gruHidden = 2
        cfg.attentionHidden = 2; cfg.mlpHidden = [4]
        cfg.utteranceFunctionals = UtteranceFunctionalsInput(featureSet: "test", count: functionals)
        return cfg
    }

    func testStandardisationClipAndInputChecks() throws {
        var rng = RandomGenerator(seed: 1)
        let net = try STRFNet(tinyConfiguration(functionals: 3), rng: &rng)
        XCTAssertEqual(net.mlp.inputSize, 4 + 3, "pooled (2 × 2 bidirectional GRU) + 3 functionals")
        XCTAssertEqual(Set(net.namedBuffers().map(\.name)).isSuperset(of: ["utterance_norm.mean", "utterance_norm.scale"]), true)
        try net.setUtteranceStandardization(mean: [1, 2, 3], scale: [2, 0.5, 1])
        let input = try net.utteranceInput([[3, 2, 3], [1, 100, -10]])
        // (3−1)/2 = 1, 0, 0; 0, (100−2)/0.5 = 196 → clipped to 5, −13 → −5.
        XCTAssertEqual(input.shape, [2, 3])
        XCTAssertEqual(input.scalars, [1, 0, 0, 0, 5, -5])
        XCTAssertThrowsError(try net.utteranceInput([[1, 2]])) { XCTAssertTrue("\($0)".contains("[3]"), "\($0)") }
        XCTAssertThrowsError(try net.utteranceInput([[1, .nan, 2]]))
        XCTAssertThrowsError(try net.setUtteranceStandardization(mean: [0, 0, 0], scale: [1, 0, 1]))
        let x = Tensor.randn([2, 1, 4, 5], using: &rng)
        XCTAssertThrowsError(try net(x)) { XCTAssertTrue("\($0)".contains("utterance functionals [2, 3]"), "\($0)") }
        XCTAssertThrowsError(try net(x, utterance: Tensor.zeros([2, 2])))
        // Without early fusion: no buffers, no utterance input accepted.
        var plain = tinyConfiguration(functionals: 1)
        plain.utteranceFunctionals = nil
        let plainNet = try STRFNet(plain, rng: &rng)
        XCTAssertThrowsError(try plainNet(x, utterance: Tensor.zeros([2, 1])))
        XCTAssertThrowsError(try plainNet.utteranceInput([[1]]))
        XCTAssertFalse(plainNet.namedBuffers().contains { $0.name.hasPrefix("utterance_norm") })
        // The output depends on the functionals.
        net.eval()
        let a = try net(x, utterance: try net.utteranceInput([[1, 2, 3], [1, 2, 3]]))
        let b = try net(x, utterance: try net.utteranceInput([[5, 2, 3], [1, 2, 3]]))
        XCTAssertNotEqual(a.scalars[0 ..< 2], b.scalars[0 ..< 2])
        XCTAssertEqual(a.scalars[2 ..< 4], b.scalars[2 ..< 4], "other items are independent")
    }

    func testGradientCheckThroughBothInputs() throws {
        var rng = RandomGenerator(seed: 3)
        let net = try STRFNet(tinyConfiguration(functionals: 3), rng: &rng)
        let mask = Tensor(shape: [2, 4], scalars: [1, 1, 1, 1, 1, 1, 0, 0] as [Double])
        let inputs = [Tensor.randn([2, 1, 4, 5], using: &rng), Tensor.randn([2, 3], using: &rng)]
        let r = GradientChecker().check(module: net, inputs: inputs) { v in
            (try? net(v[0], mask: mask, utterance: v[1])) ?? v[0]
        }
        print("gradcheck early-fused STRFNet: \(r)")
        XCTAssertLessThan(r.maxRelativeError, 1e-5)
    }

    /// The class is only in the functionals (the time–frequency input is noise): the fused network learns it.
    func testLearnsFromTheFunctionalsAlone() throws {
        var rng = RandomGenerator(seed: 4)
        let net = try STRFNet(tinyConfiguration(functionals: 4, classes: 2), rng: &rng)
        func batch(_ n: Int) throws -> (Tensor, Tensor, [Int]) {
            var rows = [[Double]](), labels = [Int]()
            for _ in 0..<n {
                let k = rng.nextInt(below: 2)
                labels.append(k)
                rows.append((0..<4).map { j in rng.nextNormal() * 0.5 + (j == k ? 2 : 0) })
            }
            return (Tensor.randn([n, 1, 4, 5], using: &rng), try net.utteranceInput(rows), labels)
        }
        var adam = PlainAdam(net.parameters())
        var losses: [Float] = []
        for _ in 1...60 {
            let (x, u, y) = try batch(16)
            net.zeroGrad()
            let loss = Tensor.crossEntropy(logits: try net(x, utterance: u), targets: y)
            loss.backward()
            losses.append(loss.item)
            adam.step(learningRate: 0.02)
        }
        net.eval()
        let (x, u, y) = try batch(100)
        let predicted = try withNoGrad { try net(x, utterance: u) }.argmax(axis: 1).scalars.map { Int($0) }
        let accuracy = Double(zip(predicted, y).filter { $0 == $1 }.count) / 100
        let early = losses.prefix(5).reduce(0, +) / 5, late = losses.suffix(5).reduce(0, +) / 5
        print("early fusion learning: loss \(early) -> \(late), held-out accuracy \(accuracy)")
        XCTAssertLessThan(late, early * 0.5)
        XCTAssertGreaterThan(accuracy, 0.9)
    }
}
