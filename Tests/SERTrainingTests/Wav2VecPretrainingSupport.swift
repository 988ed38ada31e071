import Foundation
import SERTensor
@testable import SERModels
@testable import SERTraining

/// Synthetic "speech" for the pretraining tests: sequences of segments 60–200 ms long, each a pause (30%) or a steady
/// harmonic tone (70%) with a random level and timbre (five harmonics with random weights) at 100, 200 or 400 Hz.
/// These fundamentals divide the 160-sample hop, so a tone looks the same in every frame it fills even to a
/// phase-sensitive random encoder: frames 30–60 ms ahead are predictable from the present when the segment goes on,
/// and distractors from other segments look different.
enum SyntheticSpeech {
    static func utterance(seconds: Double, seed: UInt64) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        let n = Int(seconds * 16000)
        var out = [Float](repeating: 0, count: n)
        var i = 0
        while i < n {
            let length = Swift.min(n - i, Int(rng.uniform(0.06, 0.2) * 16000))
            let pause = rng.nextUniform() < 0.3
            let gain = rng.uniform(0.2, 0.8)
            let f0 = [100.0, 200.0, 400.0][rng.nextInt(below: 3)]
            let weights = (0..<5).map { _ in rng.uniform(0, 1) }
            if !pause {
                for k in 0..<length {
                    let phase = 2 * Double.pi * f0 * Double(i + k) / 16000
                    var v = 0.0
                    for (h, w) in weights.enumerated() { v += w * sin(Double(h + 1) * phase) }
                    out[i + k] = Float(gain * v / 3)
                }
            }
            i += length
        }
        for k in 0..<n { out[k] += Float(0.002 * rng.uniform(-1, 1)) }
        return out
    }

    static func corpus(files: Int, seconds: Double, seed: UInt64) -> [Wav2VecPretrainingCorpus.Recording] {
        (0..<files).map { .init(path: "synthetic/\($0).wav", samples: utterance(seconds: seconds, seed: seed &+ UInt64($0))) }
    }

    /// A 16-channel model (5 encoder layers as wav2vec base, 2 context layers), 4 steps, 5 negatives (chance 1/6),
    /// InfoNCE loss, batches of 4 × 0.5 s, lr 1e-2.
    static func configuration(updates: Int) throws -> Wav2VecPretrainingConfiguration {
        var c = try Wav2VecPretrainingConfiguration(preset: "tiny")
        let ch = 16
        c.model = Wav2VecConfig(
            featureExtractorLayers: [.init(ch, 10, 5), .init(ch, 8, 4), .init(ch, 4, 2), .init(ch, 4, 2), .init(ch, 4, 2)],
            aggregatorLayers: [.init(ch, 3, 1), .init(ch, 3, 1)])
        c.objective = Wav2VecObjective(predictionSteps: 4, negatives: 5, infoNCE: true)
        c.learningRate = 1e-2
        c.warmupUpdates = 10
        c.totalUpdates = updates
        c.batchSize = 4
        c.cropSeconds = 0.5
        c.validationFraction = 0.25
        c.validationInterval = 50
        c.checkpointInterval = 50
        c.seed = 4
        return c
    }
}
