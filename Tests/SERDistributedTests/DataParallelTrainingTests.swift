import Foundation
import SERTraining
import XCTest

/// `mpirun -np 2 ser-cli train|wav2vec pretrain … --distributed` against one process on the same global
/// batch: the per-step losses and the final weights agree to float32 summation order, and a 2-rank run
/// stopped and resumed equals an uninterrupted one bit for bit.
///
/// STRFNet has batch norm, whose batch statistics are those of each rank's share (as PyTorch DDP
/// without SyncBatchNorm), so its exact one-process counterpart computes the same two shares one after
/// the other (`--micro-batches 2`); the plain one-process run differs by what per-share statistics change
/// (Docs/Scaling.md gives the measured difference). wav2vec 1.0 normalises per item, so 2 ranks equal the plain one-process run.
final class DataParallelTrainingTests: XCTestCase {
    static let root = FileManager.default.temporaryDirectory.appendingPathComponent("ser-mpi-\(UUID().uuidString)")
    static var manifest: URL { root.appendingPathComponent("corpus/split.csv") }

    override class func setUp() {
        super.setUp()
        do { _ = try DistributedTestSupport.corpus(in: root) } catch { XCTFail("could not build the test corpus: \(error)") }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: root)
        super.tearDown()
    }

    func dir(_ name: String) -> URL { Self.root.appendingPathComponent(name) }

    func testSTRFNetTwoRanksEqualOneProcessAndResume() throws {
        _ = try CommandLineRunner.requireMPI()
        let config = dir("strfnet.json")
        try DistributedTestSupport.writeJSON(DistributedTestSupport.strfnet(epochs: 20), to: config)
        func train(_ name: String, _ extra: [String]) -> [String] {
            ["train", "--manifest", Self.manifest.path, "--output", dir(name).path, "--config", config.path] + extra
        }
        DistributedTestSupport.check(try CommandLineRunner.mpi(ranks: 2, train("ranks2", ["--distributed"])), "2-rank training")
        DistributedTestSupport.check(try CommandLineRunner.cli(train("shares2", ["--micro-batches", "2"])), "1-process training in 2 shares")

        let ranks = try DistributedTestSupport.trainLosses(run: dir("ranks2"))
        let shares = try DistributedTestSupport.trainLosses(run: dir("shares2"))
        XCTAssertEqual(ranks.count, 20)
        let lossDiff = DistributedTestSupport.curveDifference(ranks, shares)
        let weights = try DistributedTestSupport.weightDifference(dir("ranks2").appendingPathComponent("checkpoint/model.safetensors"),
                                                                  dir("shares2").appendingPathComponent("checkpoint/model.safetensors"))
        print("STRFNet, 20 steps of 8 items: 2 ranks vs 1 process in 2 shares: worst loss difference \(lossDiff), worst weight "
              + "difference \(weights.worst) (\(weights.name), \(weights.tensors) tensors)")
        // Float32 summation order only: the same shares, gradients summed in another order.
        XCTAssertLessThanOrEqual(lossDiff, 1e-5)
        XCTAssertLessThanOrEqual(weights.worst, 1e-5)
        // The run learns: the loss of the last five steps is below that of the first five.
        XCTAssertLessThan(ranks.suffix(5).reduce(0, +), ranks.prefix(5).reduce(0, +))

        // Stopped after 10 epochs and resumed to 20, on 2 ranks: the same run.
        DistributedTestSupport.check(try CommandLineRunner.mpi(ranks: 2, train("resumed", ["--distributed", "--epochs", "10"])), "first half")
        DistributedTestSupport.check(try CommandLineRunner.mpi(ranks: 2, train("resumed", ["--distributed", "--epochs", "20", "--resume"])),
                                     "resumed half")
        let resumed = try DistributedTestSupport.trainLosses(run: dir("resumed"))
        let resumedWeights = try DistributedTestSupport.weightDifference(dir("ranks2").appendingPathComponent("checkpoint/model.safetensors"),
                                                                         dir("resumed").appendingPathComponent("checkpoint/model.safetensors"))
        print("STRFNet, 2 ranks resumed after 10 of 20 steps vs uninterrupted: loss \(DistributedTestSupport.curveDifference(ranks, resumed)), "
              + "weights \(resumedWeights.worst)")
        XCTAssertEqual(resumed, ranks)
        XCTAssertEqual(resumedWeights.worst, 0)
    }

    func testWav2VecPretrainingTwoRanksEqualOneProcessAndResume() throws {
        _ = try CommandLineRunner.requireMPI()
        let config = dir("wav2vec.json")
        try DistributedTestSupport.writeJSON(DistributedTestSupport.wav2vec(updates: 20), to: config)
        let audio = Self.root.appendingPathComponent("corpus/wav").path
        for name in ["w2v-ranks2", "w2v-plain", "w2v-resumed"] {
            try FileManager.default.createDirectory(at: dir(name), withIntermediateDirectories: true)
        }
        func pretrain(_ name: String, _ extra: [String]) -> [String] {
            ["wav2vec", "pretrain", "--audio", audio, "--config", config.path, "--output", dir(name).appendingPathComponent("model.safetensors").path] + extra
        }
        DistributedTestSupport.check(try CommandLineRunner.mpi(ranks: 2, pretrain("w2v-ranks2", ["--distributed"])), "2-rank pretraining")
        DistributedTestSupport.check(try CommandLineRunner.cli(pretrain("w2v-plain", [])), "1-process pretraining")
        let ranks = try DistributedTestSupport.pretrainingLosses(history: dir("w2v-ranks2").appendingPathComponent("model.history.json"))
        let plain = try DistributedTestSupport.pretrainingLosses(history: dir("w2v-plain").appendingPathComponent("model.history.json"))
        XCTAssertEqual(ranks.count, 20)
        let lossDiff = DistributedTestSupport.curveDifference(ranks, plain)
        let weights = try DistributedTestSupport.weightDifference(dir("w2v-ranks2").appendingPathComponent("model.safetensors"),
                                                                  dir("w2v-plain").appendingPathComponent("model.safetensors"))
        print("wav2vec pretraining, 20 updates of 4 crops: 2 ranks vs 1 process: worst loss difference \(lossDiff), worst weight "
              + "difference \(weights.worst) (\(weights.name), \(weights.tensors) tensors)")
        XCTAssertLessThanOrEqual(lossDiff, 1e-5)
        XCTAssertLessThanOrEqual(weights.worst, 1e-5)

        DistributedTestSupport.check(try CommandLineRunner.mpi(ranks: 2, pretrain("w2v-resumed", ["--distributed", "--stop-after", "10"])),
                                     "first half")
        DistributedTestSupport.check(try CommandLineRunner.mpi(ranks: 2, pretrain("w2v-resumed", ["--distributed", "--resume"])), "resumed half")
        let resumed = try DistributedTestSupport.pretrainingLosses(history: dir("w2v-resumed").appendingPathComponent("model.history.json"))
        let resumedWeights = try DistributedTestSupport.weightDifference(dir("w2v-ranks2").appendingPathComponent("model.safetensors"),
                                                                         dir("w2v-resumed").appendingPathComponent("model.safetensors"))
        print("wav2vec pretraining, 2 ranks resumed after 10 of 20 updates vs uninterrupted: loss "
              + "\(DistributedTestSupport.curveDifference(ranks, resumed)), weights \(resumedWeights.worst)")
        XCTAssertEqual(resumed, ranks)
        XCTAssertEqual(resumedWeights.worst, 0)
    }
}
