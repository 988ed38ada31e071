import Foundation
import SERTensor
import SERTraining
import XCTest

/// The tiny corpus, configurations and comparisons shared by the distributed tests.
enum DistributedTestSupport {
    /// A demo corpus of 3 speakers × 4 classes × 2 utterances with a split column: speaker 1 trains (8
    /// utterances), the first utterance of each class of speaker 2 validates (4, so that validating after
    /// every step stays cheap), the rest tests. Returns the split manifest.
    static func corpus(in root: URL) throws -> URL {
        let corpus = root.appendingPathComponent("corpus")
        let url = try DemoCorpus.generate(to: corpus, speakers: 3, utterancesPerSpeakerPerClass: 2, seed: 7)
        var m = try Manifest.read(from: url)
        let speakers = m.speakers
        var validated = Set<String>()
        for i in m.entries.indices {
            let e = m.entries[i]
            switch speakers.firstIndex(of: e.speaker) ?? 0 {
            case 0: m.entries[i].split = .train
            case 1 where !validated.contains(e.label):
                m.entries[i].split = .validation
                validated.insert(e.label)
            default: m.entries[i].split = .test
            }
        }
        let split = corpus.appendingPathComponent("split.csv")
        try m.write(to: split)
        return split
    }

    /// A small STRFNet (batch norm, no dropout, class weights) trained `epochs` epochs of one step each, so
    /// that every step's loss is an epoch's `trainLoss` in history.json; batches of 8 one-second segments.
    static func strfnet(epochs: Int) -> TrainingConfiguration {
        var c = TrainingConfiguration.demo()
        c.model.convChannels = 4
        c.model.residualChannels = [4]
        c.model.embeddingSize = 8
        c.model.gruHidden = 6
        c.model.attentionHidden = 6
        c.model.mlpHidden = [6]
        c.model.dropout = 0
        c.batchSize = 8
        c.stepsPerEpoch = 1
        c.segmentSeconds = 1
        c.maxEpochs = epochs
        c.patience = 1000
        c.learningRate = 3e-3
        c.seed = 11
        return c
    }

    /// A 16-channel wav2vec 1.0 (5 encoder, 2 context layers, no dropout), InfoNCE over 4 steps and 5
    /// negatives, batches of 4 × 0.5 s, validated after every update so that history.json holds each
    /// update's training loss.
    static func wav2vec(updates: Int) throws -> Wav2VecPretrainingConfiguration {
        var c = try Wav2VecPretrainingConfiguration(preset: "tiny")
        let ch = 16
        c.model = Wav2VecConfig(
            featureExtractorLayers: [.init(ch, 10, 5), .init(ch, 8, 4), .init(ch, 4, 2), .init(ch, 4, 2), .init(ch, 4, 2)],
            aggregatorLayers: [.init(ch, 3, 1), .init(ch, 3, 1)])
        c.objective = Wav2VecObjective(predictionSteps: 4, negatives: 5, infoNCE: true)
        c.learningRate = 1e-2
        c.warmupUpdates = 5
        c.totalUpdates = updates
        c.batchSize = 4
        c.cropSeconds = 0.5
        c.validationFraction = 0.1
        c.validationInterval = 1
        c.checkpointInterval = 5
        c.seed = 4
        return c
    }

    static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(value).write(to: url, options: .atomic)
    }

    /// The largest absolute difference between two safetensors files' tensors (same names required).
    static func weightDifference(_ a: URL, _ b: URL) throws -> (worst: Double, name: String, tensors: Int) {
        let x = try Safetensors.read(from: a), y = try Safetensors.read(from: b)
        XCTAssertEqual(Set(x.keys), Set(y.keys), "\(a.path) and \(b.path) hold different tensors")
        var worst = 0.0, name = ""
        for (k, t) in x {
            guard let u = y[k] else { continue }
            XCTAssertEqual(t.shape, u.shape, k)
            for (p, q) in zip(t.doubles, u.doubles) where abs(p - q) > worst || !(p - q).isFinite {
                worst = (p - q).isFinite ? abs(p - q) : .infinity
                name = k
            }
        }
        return (worst, name, x.count)
    }

    /// The largest absolute difference between two loss curves of equal length.
    static func curveDifference(_ a: [Double], _ b: [Double]) -> Double {
        XCTAssertEqual(a.count, b.count, "loss curves of different lengths")
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    static func trainLosses(run: URL) throws -> [Double] {
        let data = try Data(contentsOf: run.appendingPathComponent("history.json"))
        return try JSONDecoder().decode([EpochRecord].self, from: data).map(\.trainLoss)
    }

    /// Training losses of the records after update 0 of a pretraining history file.
    static func pretrainingLosses(history: URL) throws -> [Double] {
        let h = try JSONDecoder().decode(Wav2VecPretrainingHistory.self, from: Data(contentsOf: history))
        return h.records.filter { $0.update > 0 }.map(\.trainLoss)
    }

    static func check(_ outcome: CommandLineRunner.Outcome, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        print(String(format: "%@: %.1f s", what, outcome.seconds))
        XCTAssertEqual(outcome.status, 0, "\(what) failed:\n\(outcome.output.suffix(3000))", file: file, line: line)
    }
}
