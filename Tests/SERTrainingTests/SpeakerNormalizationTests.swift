import Foundation
import XCTest
import SERFeatures
import SERTensor
@testable import SERTraining

/// ``SpeakerNormalization``: statistics against a float64 reference computed utterance by utterance,
/// the normalised output, removal of a speaker-wide channel (a fixed filter), and errors.
final class SpeakerNormalizationTests: XCTestCase {
    /// Broadband speech-like test signal: a harmonic tone with vibrato plus noise.
    static func signal(seconds: Double, f0: Double, seed: UInt64) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        let n = Int(seconds * 16000)
        var phase = 0.0
        return (0..<n).map { i in
            let t = Double(i) / 16000
            phase += 2 * Double.pi * f0 * (1 + 0.05 * sin(2 * Double.pi * 3 * t)) / 16000
            var v = 0.0
            for h in 1...8 { v += sin(Double(h) * phase) / Double(h) }
            return Float(0.1 * v + 0.02 * rng.nextNormal())
        }
    }

    /// A fixed first-order pre-emphasis filter, the same for every utterance of a speaker.
    static func filtered(_ x: [Float]) -> [Float] {
        x.indices.map { i in x[i] - 0.9 * (i > 0 ? x[i - 1] : 0) }
    }

    static func utterance(_ samples: [Float], speaker: String) -> Utterance {
        Utterance(path: "\(speaker).wav", label: 0, speaker: speaker, samples: samples, pitchPulses: nil)
    }

    func testStatisticsMatchAFloat64ReferenceAndEachSpeakerIsStandardised() throws {
        let stack = try FeatureStack(channels: [.spectrogram], normalization: .level)
        let utterances = [
            Self.utterance(Self.signal(seconds: 0.9, f0: 120, seed: 1), speaker: "a"),
            Self.utterance(Self.signal(seconds: 0.6, f0: 150, seed: 2), speaker: "b"),
            Self.utterance(Self.signal(seconds: 1.3, f0: 110, seed: 3), speaker: "a"),
            Self.utterance(Self.signal(seconds: 0.4, f0: 170, seed: 4), speaker: "b"),
            Self.utterance(Self.signal(seconds: 0.7, f0: 100, seed: 5), speaker: "a"),
        ]
        // batchSize 2 pads the groups, so padding must be left out of the statistics.
        let norm = try SpeakerNormalization.estimate(utterances, features: stack, batchSize: 2)
        XCTAssertEqual(Set(norm.speakers.keys), ["a", "b"])
        // Reference: every utterance alone (no padding), pooled per speaker in float64.
        var frames: [String: [[Double]]] = [:]
        for u in utterances {
            let (x, _) = try stack(batchOf: [u])
            let t = x.shape[2], v = x.doubles
            for i in 0..<t { frames[u.speaker, default: []].append(Array(v[(i * 30)..<((i + 1) * 30)])) }
        }
        var worstMean = 0.0, worstScale = 0.0
        for (speaker, rows) in frames {
            let s = try XCTUnwrap(norm.speakers[speaker])
            XCTAssertEqual(s.frames, rows.count)
            for f in 0..<30 {
                let mean = rows.map { $0[f] }.reduce(0, +) / Double(rows.count)
                let variance = rows.map { ($0[f] - mean) * ($0[f] - mean) }.reduce(0, +) / Double(rows.count)
                worstMean = max(worstMean, abs(Double(s.mean[f]) - mean))
                worstScale = max(worstScale, abs(Double(s.inverseScale[f]) * (variance + SpeakerNormalization.varianceFloor).squareRoot() - 1))
            }
        }
        print("speaker statistics vs float64 reference: mean worst abs \(worstMean), scale worst rel \(worstScale)")
        XCTAssertLessThan(worstMean, 1e-4)
        XCTAssertLessThan(worstScale, 1e-4)

        // Applied to a padded batch of all of speaker a's utterances: zero mean, unit variance per band
        // over the real frames, zeros on padding.
        let a = utterances.filter { $0.speaker == "a" }
        let (x, mask) = try stack(batchOf: a)
        let y = try norm.apply(x, mask: mask, speakers: a.map(\.speaker))
        let t = x.shape[2], v = y.doubles, m = mask.doubles
        var sums = [Double](repeating: 0, count: 30), squares = sums, n = 0.0
        for i in 0..<a.count {
            for k in 0..<t {
                let row = v[((i * t) + k) * 30..<((i * t) + k + 1) * 30]
                if m[i * t + k] > 0 {
                    n += 1
                    for (f, value) in row.enumerated() { sums[f] += value; squares[f] += value * value }
                } else {
                    XCTAssertTrue(row.allSatisfy { $0 == 0 }, "padding stays zero")
                }
            }
        }
        let stats = try XCTUnwrap(norm.speakers["a"])
        for f in 0..<30 {
            // Variance v / (v + floor): 1 up to the variance floor (this test signal is nearly stationary).
            let k = Double(stats.inverseScale[f])
            XCTAssertEqual(sums[f] / n, 0, accuracy: 1e-4)
            XCTAssertEqual(squares[f] / n, 1 - SpeakerNormalization.varianceFloor * k * k, accuracy: 1e-4)
        }
    }

    func testASpeakerWideFilterIsRemoved() throws {
        // Speaker b says exactly what a says, through a fixed pre-emphasis filter (a different vocal
        // tract or microphone): per-utterance level normalisation keeps the tilt; speaker
        // normalisation removes it.
        let stack = try FeatureStack(channels: [.spectrogram], normalization: .level)
        let sources = (0..<4).map { Self.signal(seconds: 0.5 + 0.2 * Double($0), f0: 100 + 20 * Double($0), seed: UInt64(10 + $0)) }
        let a = sources.map { Self.utterance($0, speaker: "a") }
        let b = sources.map { Self.utterance(Self.filtered($0), speaker: "b") }
        let norm = try SpeakerNormalization.estimate(a + b, features: stack)
        let (xa, mask) = try stack(batchOf: a)
        let (xb, _) = try stack(batchOf: b)
        let ya = try norm.apply(xa, mask: mask, speakers: a.map(\.speaker))
        let yb = try norm.apply(xb, mask: mask, speakers: b.map(\.speaker))
        func rms(_ p: Tensor, _ q: Tensor) -> Double {
            let d = zip(p.doubles, q.doubles).map { ($0 - $1) * ($0 - $1) }
            return (d.reduce(0, +) / mask.doubles.reduce(0, +) / 30).squareRoot()
        }
        let before = rms(xa, xb), after = rms(ya, yb)
        // For scale: the normalised features have unit variance per band.
        print("speaker-wide filter: rms difference a vs b \(before) (level only) -> \(after) (speaker-normalised)")
        XCTAssertGreaterThan(before, 0.5)
        XCTAssertLessThan(after, 0.1 * before)
    }

    func testUnknownSpeakersAndMismatchedShapesAreErrors() throws {
        let stack = try FeatureStack(channels: [.spectrogram], normalization: .level)
        let u = Self.utterance(Self.signal(seconds: 0.5, f0: 120, seed: 1), speaker: "a")
        let norm = try SpeakerNormalization.estimate([u], features: stack)
        let (x, mask) = try stack(batchOf: [u])
        XCTAssertThrowsError(try norm.apply(x, mask: mask, speakers: ["zz"])) { e in XCTAssertTrue("\(e)".contains("'zz'"), "\(e)") }
        XCTAssertThrowsError(try norm.apply(x, mask: mask, speakers: ["a", "a"]))
        let silent = Self.utterance([], speaker: "quiet")
        XCTAssertThrowsError(try SpeakerNormalization.estimate([silent], features: stack))
    }
}
