import XCTest
import SERTestSupport
@testable import SERModels

/// STRFNet against a PyTorch mirror (Tests/Fixtures/generate_strfnet_fixtures.py), the Table 1
/// configurations, a gradient check and a learning test on data with a known answer.
final class STRFNetTests: XCTestCase {
    struct Fixture: Decodable {
        struct Config: Decodable {
            var channels, freq, conv, strf_kernels, strf_t, strf_f: Int
            var res: [Int]
            var emb, gru, att: Int
            var mlp: [Int]
            var classes: Int
        }
        var config: Config
        var state: [String: TensorFixture]
        var input: TensorFixture
        var mask: TensorFixture
        var logits_train: TensorFixture
        var projection: TensorFixture
        var grad_input: TensorFixture
        var grads: [String: TensorFixture]
        var logits_eval: TensorFixture
    }

    func configuration(_ c: Fixture.Config) -> STRFNetConfiguration {
        var cfg = STRFNetConfiguration(inputChannels: (0..<c.channels).map { "c\($0)" }, convChannels: c.conv,
                                       strfInputs: [0], classes: c.classes)
        cfg.frequencyBins = c.freq
        cfg.strfKernels = c.strf_kernels
        cfg.strfTimeSupport = c.strf_t
        cfg.strfFrequencySupport = c.strf_f
        cfg.residualChannels = c.res
        cfg.embeddingSize = c.emb
        cfg.gruHidden = c.gru
        cfg.attentionHidden = c.att
        cfg.mlpHidden = c.mlp
        return cfg
    }

    func testMatchesPyTorchMirror() throws {
        let f = try Fixtures.json(Fixture.self, "models/strfnet.json")
        var rng = RandomGenerator(seed: 0)
        let net = try STRFNet(configuration(f.config), rng: &rng)
        try net.loadStateDict(f.state.mapValues(\.tensor))   // strict: every name and shape must match
        let x = f.input.tensor.requiringGrad()
        let logits = try net(x, mask: f.mask.tensor)
        (logits * f.projection.tensor).sum().backward()
        var worst = ("logits", Discrepancy.between(logits.doubles, f.logits_train.data, floor: 1e-2))
        func track(_ name: String, _ d: Discrepancy) {
            XCTAssertLessThan(d.maxRelative, 1e-4, "\(name): \(d)")
            if d.maxRelative > worst.1.maxRelative { worst = (name, d) }
        }
        track("logits", worst.1)
        track("grad input", Discrepancy.between(x.grad!.doubles, f.grad_input.data, floor: 1e-2))
        for (name, p) in net.namedParameters() {
            guard let expected = f.grads[name] else { XCTFail("no PyTorch gradient for \(name)"); continue }
            track("grad \(name)", Discrepancy.between(p.grad?.doubles ?? [], expected.data, floor: 1e-2))
        }
        net.eval()
        let evalLogits = try withNoGrad { try net(f.input.tensor, mask: f.mask.tensor) }
        track("eval logits", Discrepancy.between(evalLogits.doubles, f.logits_eval.data, floor: 1e-2))
        print("STRFNet vs PyTorch: worst \(worst.0): \(worst.1)")
    }

    /// In evaluation mode with nothing to differentiate, STRFNet's front convolution and its residual blocks' convolutions
    /// run with their batch norm (and LeakyReLU) folded in; with a gradient to record the layers run one by one. Both
    /// agree within the bound of the PyTorch convolution fixtures (1e-4 relative, floor 1e-2), with running statistics
    /// and affine parameters far from their initial values, for blocks with a convolution shortcut and with an identity.
    func testFoldedInferenceEqualsLayerByLayer() throws {
        var rng = RandomGenerator(seed: 9)
        func randomiseNorms(_ module: Module) {
            for (name, buffer) in module.namedBuffers() where name.hasSuffix("running_mean") || name.hasSuffix("running_var") {
                let values = Tensor.randn(buffer.shape, using: &rng)
                buffer.assign(name.hasSuffix("running_var") ? values.abs() + 0.5 : values)
            }
            for (name, p) in module.namedParameters() where name.contains("bn") || name.hasPrefix("front_bn") || name.hasPrefix("shortcut.1") {
                p.assign(Tensor.randn(p.shape, using: &rng))
            }
        }
        var worst = 0.0
        func compare(_ label: String, folded: Tensor, layers: Tensor) {
            let d = Discrepancy.between(folded.doubles, layers.doubles, floor: 1e-2)
            print("\(label): folded vs layer by layer \(d)")
            XCTAssertLessThan(d.maxRelative, 1e-4, "\(label): \(d)")
            XCTAssertGreaterThan(d.maxAbsolute, 0, "\(label): the folded path did not run (identical bits)")
            worst = max(worst, d.maxRelative)
        }
        for (inputs, outputs, stride) in [(6, 8, (1, 2)), (8, 8, (1, 1))] {
            let block = ResidualBlock2d(inputs, outputs, stride: stride, negativeSlope: 0.01, rng: &rng)
            randomiseNorms(block)
            block.eval()
            let x = Tensor.randn([3, inputs, 9, 30], using: &rng)
            compare("residual block \(inputs) -> \(outputs) stride \(stride)", folded: withNoGrad { block(x) }, layers: block(x.requiringGrad()))
        }
        var cfg = Table1Feature.spectrogram.configuration()
        cfg.convChannels = 6; cfg.residualChannels = [6]; cfg.embeddingSize = 8; cfg.gruHidden = 4; cfg.attentionHidden = 4; cfg.mlpHidden = [4]
        let net = try STRFNet(cfg, rng: &rng)
        randomiseNorms(net)
        net.eval()
        let x = Tensor.randn([3, 1, 13, 30], using: &rng)
        let conv = try XCTUnwrap(net.conv)
        let front = try XCTUnwrap(withNoGrad { convBatchNormInference(conv, net.frontNorm, x, negativeSlope: cfg.negativeSlope) })
        compare("STRFNet front", folded: front, layers: net.frontNorm(conv(x.requiringGrad())).leakyRelu(slope: cfg.negativeSlope))
        XCTAssertNil(convBatchNormInference(conv, net.frontNorm, x.requiringGrad(), negativeSlope: nil), "a gradient to record: not folded")
        net.train()
        XCTAssertNil(withNoGrad { convBatchNormInference(conv, net.frontNorm, x, negativeSlope: nil) }, "training mode: batch statistics")
        print("folded inference worst: \(worst)")
    }

    func testTable1ConfigurationsBuildAndRun() throws {
        var rng = RandomGenerator(seed: 1)
        for row in Table1Feature.allCases {
            var cfg = row.configuration()
            cfg.strfKernels = 2; cfg.convChannels = cfg.convChannels > 0 ? 4 : 0
            cfg.residualChannels = [4]; cfg.embeddingSize = 8; cfg.gruHidden = 4; cfg.attentionHidden = 4; cfg.mlpHidden = [4]
            let net = try STRFNet(cfg, rng: &rng)
            let y = try net(Tensor.randn([2, row.inputChannels.count, 11, 30], using: &rng))
            XCTAssertEqual(y.shape, [2, 4], row.rawValue)
            XCTAssertEqual(net.strf.count, cfg.strfInputs.count)
            let data = try JSONEncoder().encode(cfg)
            XCTAssertEqual(try JSONDecoder().decode(STRFNetConfiguration.self, from: data), cfg)
        }
        XCTAssertEqual(Table1Feature.allCases.count, 7)
    }

    func testBadConfigurationAndInputAreErrors() throws {
        var rng = RandomGenerator(seed: 2)
        var cfg = STRFNetConfiguration(inputChannels: ["spectrogram"], convChannels: 0, strfInputs: [])
        XCTAssertThrowsError(try STRFNet(cfg, rng: &rng))
        cfg.strfInputs = [3]
        XCTAssertThrowsError(try STRFNet(cfg, rng: &rng)) { XCTAssertTrue("\($0)".contains("strfInputs")) }
        var small = Table1Feature.spectrogram.configuration()
        small.convChannels = 2; small.residualChannels = [2]; small.embeddingSize = 4; small.gruHidden = 2
        let net = try STRFNet(small, rng: &rng)
        XCTAssertThrowsError(try net(Tensor.zeros([2, 1, 10, 40])))   // wrong number of bands
    }

    func testGradientCheck() throws {
        var rng = RandomGenerator(seed: 3)
        var cfg = STRFNetConfiguration(inputChannels: ["a"], convChannels: 2, strfInputs: [0], classes: 2)
        cfg.frequencyBins = 5; cfg.strfKernels = 1; cfg.strfTimeSupport = 3; cfg.strfFrequencySupport = 3
        cfg.residualChannels = [2]; cfg.embeddingSize = 3; cfg.gruHidden = 2; cfg.attentionHidden = 2; cfg.mlpHidden = [3]
        let net = try STRFNet(cfg, rng: &rng)
        let mask = Tensor(shape: [2, 4], scalars: [1, 1, 1, 1, 1, 1, 0, 0] as [Double])
        let r = GradientChecker().check(module: net, inputs: [Tensor.randn([2, 1, 4, 5], using: &rng)]) { v in
            (try? net(v[0], mask: mask)) ?? v[0]
        }
        print("gradcheck STRFNet: \(r)")
        XCTAssertLessThan(r.maxRelativeError, 1e-5)
    }

    /// Class k has its energy in band group k: the network must learn it (loss falls, accuracy » chance).
    func testLearnsABandEnergyTask() throws {
        var rng = RandomGenerator(seed: 4)
        var cfg = Table1Feature.spectrogram.configuration(classes: 3)
        cfg.frequencyBins = 12; cfg.convChannels = 4; cfg.residualChannels = [4]; cfg.embeddingSize = 8
        cfg.gruHidden = 8; cfg.attentionHidden = 8; cfg.mlpHidden = [8]
        let net = try STRFNet(cfg, rng: &rng)
        func batch(_ n: Int) -> (Tensor, [Int]) {
            var data = [Float](), labels = [Int]()
            for _ in 0..<n {
                let k = rng.nextInt(below: 3)
                labels.append(k)
                for _ in 0..<10 { for b in 0..<12 { data.append(Float(rng.nextNormal() * 0.5) + (b / 4 == k ? 1.5 : 0)) } }
            }
            return (Tensor(shape: [n, 1, 10, 12], data: data), labels)
        }
        var adam = PlainAdam(net.parameters())   // the optimiser lives in SERTraining, above this layer
        var losses: [Float] = []
        for _ in 1...60 {
            let (x, y) = batch(16)
            net.zeroGrad()
            let loss = Tensor.crossEntropy(logits: try net(x), targets: y)
            loss.backward()
            losses.append(loss.item)
            adam.step(learningRate: 0.01)
        }
        net.eval()
        let (x, y) = batch(90)
        let predicted = try withNoGrad { try net(x) }.argmax(axis: 1).scalars.map { Int($0) }
        let accuracy = Double(zip(predicted, y).filter { $0 == $1 }.count) / 90
        let early = losses.prefix(5).reduce(0, +) / 5, late = losses.suffix(5).reduce(0, +) / 5
        print("STRFNet learning: loss \(early) -> \(late), held-out accuracy \(accuracy)")
        XCTAssertLessThan(late, early * 0.5)
        XCTAssertGreaterThan(accuracy, 0.8)   // chance is 1/3
    }
}
