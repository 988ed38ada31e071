import XCTest
import SERTestSupport
@testable import SERModels

/// The Fig. 1 classifier with segment classifiers against a PyTorch mirror
/// (Tests/Fixtures/generate_w2v_classifier_fixtures.py), frame arithmetic, errors and learning.
final class Wav2VecClassifierTests: XCTestCase {
    struct Fixture: Decodable {
        struct Config: Decodable { var input, channels: Int; var kernels, strides: [Int]; var layers, hidden, head, nseg, classes: Int }
        var config: Config
        var state: [String: TensorFixture]
        var input: TensorFixture
        var lengths: [Int]
        var targets: [Int]
        var class_weights: TensorFixture
        var logits: TensorFixture
        var segment_logits: [TensorFixture]
        var mask: TensorFixture
        var loss: Double
        var grad_input: TensorFixture
        var grads: [String: TensorFixture]
    }

    func testMatchesPyTorchMirror() throws {
        let f = try Fixtures.json(Fixture.self, "models/w2v_classifier.json")
        var cfg = Wav2VecClassifierConfiguration(segmentClassifiers: f.config.nseg, classes: f.config.classes)
        cfg.inputSize = f.config.input; cfg.cnnChannels = f.config.channels; cfg.cnnKernels = f.config.kernels
        cfg.cnnStrides = f.config.strides; cfg.lstmLayers = f.config.layers; cfg.lstmHidden = f.config.hidden
        cfg.headHidden = f.config.head
        var rng = RandomGenerator(seed: 0)
        let net = try Wav2VecClassifier(cfg, rng: &rng)
        try net.loadStateDict(f.state.mapValues(\.tensor))
        let x = f.input.tensor.requiringGrad()
        let out = try net(x, lengths: f.lengths)
        let loss = Wav2VecClassifier.loss(out, targets: f.targets, classWeights: f.class_weights.tensor)
        loss.backward()
        var worst = 0.0
        func track(_ name: String, _ d: Discrepancy) {
            XCTAssertLessThan(d.maxRelative, 1e-4, "\(name): \(d)")
            worst = max(worst, d.maxRelative)
        }
        track("logits", Discrepancy.between(out.logits.doubles, f.logits.data, floor: 1e-2))
        for (s, e) in zip(out.segmentLogits, f.segment_logits) { track("segment", Discrepancy.between(s.doubles, e.data, floor: 1e-2)) }
        XCTAssertEqual(out.frameMask.doubles, f.mask.data)
        track("loss", Discrepancy.between([Double(loss.item)], [f.loss], floor: 1e-2))
        track("grad input", Discrepancy.between(x.grad!.doubles, f.grad_input.data, floor: 1e-2))
        for (name, p) in net.namedParameters() {
            track("grad \(name)", Discrepancy.between(p.grad?.doubles ?? [], f.grads[name]?.data ?? [], floor: 1e-2))
        }
        print("Wav2VecClassifier vs PyTorch: worst relative error \(worst)")
    }

    func testFrameArithmeticAndNames() throws {
        let cfg = Wav2VecClassifierConfiguration()
        XCTAssertEqual(cfg.minimumInputFrames, 26)
        XCTAssertEqual(cfg.outputFrames(300), 69)   // 300 → 149 → 73 → 71 → 69
        var n = 300
        for (k, s) in zip(cfg.cnnKernels, cfg.cnnStrides) { n = (n - k) / s + 1 }
        XCTAssertEqual(cfg.outputFrames(300), n)
        XCTAssertEqual(cfg.outputFrames(25), 0)
        var rng = RandomGenerator(seed: 1)
        var small = Wav2VecClassifierConfiguration(segmentClassifiers: 2)
        small.inputSize = 4; small.cnnChannels = 3; small.lstmLayers = 1; small.lstmHidden = 2; small.headHidden = 3
        let net = try Wav2VecClassifier(small, rng: &rng)
        let names = Set(net.namedParameters().map(\.name))
        for n in ["cnn.0.weight", "cnn.6.bias", "lstm.weight_ih_l0_reverse", "head.0.weight", "head.2.bias", "seg.1.2.weight"] {
            XCTAssertTrue(names.contains(n), n)
        }
        XCTAssertThrowsError(try net(Tensor.zeros([2, 20, 4])))                 // shorter than 26 frames
        XCTAssertThrowsError(try net(Tensor.zeros([2, 30, 5])))                 // wrong feature size
        XCTAssertThrowsError(try net(Tensor.zeros([2, 30, 4]), lengths: [30]))  // one length for two utterances
        let out = try net(Tensor.randn([2, 30, 4], using: &rng))
        let post = try XCTUnwrap(Wav2VecClassifier.framePosteriors(out))
        XCTAssertEqual(post.shape, [2, small.outputFrames(30), 4])
        for s in post.sum(axes: [2]).scalars { XCTAssertEqual(s, 1, accuracy: 1e-5) }
    }

    /// Utterances whose frames carry the class in one feature dimension: the classifier (with segment
    /// heads) must learn it; the segment heads' frame posteriors must also pick the right class.
    func testLearnsAndSegmentHeadsGiveFramePosteriors() throws {
        var rng = RandomGenerator(seed: 2)
        var cfg = Wav2VecClassifierConfiguration(segmentClassifiers: 2, classes: 3)
        cfg.inputSize = 6; cfg.cnnChannels = 8; cfg.lstmLayers = 1; cfg.lstmHidden = 6; cfg.headHidden = 8
        let net = try Wav2VecClassifier(cfg, rng: &rng)
        func batch(_ n: Int) -> (Tensor, [Int]) {
            var d = [Float](), y = [Int]()
            for _ in 0..<n {
                let k = rng.nextInt(below: 3); y.append(k)
                for _ in 0..<30 { for j in 0..<6 { d.append(Float(rng.nextNormal() * 0.5) + (j == k ? 1.2 : 0)) } }
            }
            return (Tensor(shape: [n, 30, 6], data: d), y)
        }
        var adam = PlainAdam(net.parameters())
        var losses: [Float] = []
        for _ in 1...80 {
            let (x, y) = batch(12)
            net.zeroGrad()
            let loss = Wav2VecClassifier.loss(try net(x), targets: y)
            loss.backward()
            losses.append(loss.item)
            adam.step(learningRate: 0.01)
        }
        net.eval()
        let (x, y) = batch(60)
        let out = try withNoGrad { try net(x) }
        let acc = Double(zip(out.logits.argmax(axis: 1).scalars, y).filter { Int($0) == $1 }.count) / 60
        let frameVotes = Wav2VecClassifier.framePosteriors(out)!.mean(axes: [1]).argmax(axis: 1).scalars
        let segAcc = Double(zip(frameVotes, y).filter { Int($0) == $1 }.count) / 60
        print("Wav2VecClassifier learning: loss \(losses.prefix(5).reduce(0, +) / 5) -> \(losses.suffix(5).reduce(0, +) / 5), accuracy \(acc), frame-posterior accuracy \(segAcc)")
        XCTAssertLessThan(losses.suffix(5).reduce(0, +), losses.prefix(5).reduce(0, +) * 0.5)
        XCTAssertGreaterThan(acc, 0.8)
        XCTAssertGreaterThan(segAcc, 0.8)
    }
}
