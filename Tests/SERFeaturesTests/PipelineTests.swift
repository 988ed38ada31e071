import XCTest
import SERTestSupport
@testable import SERFeatures

/// The feature stack (the Table 1 input channels), the pitch-pulse signal path and the disk cache.
final class PipelineTests: XCTestCase {
    /// A 150 Hz pulse-rich vowel-like tone, 1 s at 16 kHz.
    func tone(_ f0: Double = 150, seconds: Double = 1) -> [Float] {
        (0..<Int(16000 * seconds)).map { i in
            let t = Double(i) / 16000
            return Float(0.3 * sin(2 * .pi * f0 * t) + 0.15 * sin(2 * .pi * 2 * f0 * t) + 0.05 * sin(2 * .pi * 3 * f0 * t))
        }
    }

    func testStackMatchesSingleExtractorsChannelByChannel() throws {
        let stack = try FeatureStack(channels: [.pitchpulse, .spectrogram])
        let a = tone(), b = Array(tone(210).prefix(12000))
        let pa = try PitchPulseExtraction.signal(samples: a, sampleRate: 16000)
        let pb = try PitchPulseExtraction.signal(samples: b, sampleRate: 16000)
        var audio = a, pulses = pa
        audio += b + [Float](repeating: 0, count: 4000)
        pulses += pb + [Float](repeating: 0, count: 4000)
        let (x, mask) = try stack(audio: Tensor(shape: [2, 16000], data: audio), pitchPulses: Tensor(shape: [2, 16000], data: pulses),
                                  lengths: [16000, 12000])
        let frames = x.shape[2]
        XCTAssertEqual(x.shape, [2, 2, frames, 30])
        XCTAssertEqual(mask.shape, [2, frames])
        let extractor = try LogMelExtractor(config: .paper(sampleRate: 16000))
        let alone = try extractor.extract(b)          // [frames_b, 30]
        let fb = alone.shape[0]
        XCTAssertEqual(Int(mask.sum(axes: [1]).scalars[1]), fb)
        // Item 1, channel 1 (spectrogram) equals the extractor on the unpadded signal.
        let got = x.narrowed(axis: 0, start: 1, length: 1).narrowed(axis: 1, start: 1, length: 1).reshaped([frames, 30])
            .narrowed(axis: 0, start: 0, length: fb)
        XCTAssertLessThan(Discrepancy.between(got.doubles, alone.doubles).maxAbsolute, 1e-5)
        // Channel 0 is the log-mel of the pulse signal.
        let pulseAlone = try extractor.extract(pb)
        let gotPulse = x.narrowed(axis: 0, start: 1, length: 1).narrowed(axis: 1, start: 0, length: 1).reshaped([frames, 30])
            .narrowed(axis: 0, start: 0, length: fb)
        XCTAssertLessThan(Discrepancy.between(gotPulse.doubles, pulseAlone.doubles).maxAbsolute, 1e-5)
        XCTAssertThrowsError(try stack(audio: Tensor.zeros([1, 1600]))) { XCTAssertEqual($0 as? FeatureStackError, .missingPitchPulses) }
    }

    func testPitchPulseSignalKeepsWaveformValuesAtPulsesOnly() throws {
        let x = tone()
        let p = try PitchPulseExtraction.signal(samples: x, sampleRate: 16000)
        XCTAssertEqual(p.count, x.count)
        let nonZero = p.indices.filter { p[$0] != 0 }
        // About 150 pulses per second in the voiced part, each the waveform's own value.
        XCTAssertGreaterThan(nonZero.count, 100)
        XCTAssertLessThan(nonZero.count, 200)
        XCTAssertTrue(nonZero.allSatisfy { p[$0] == x[$0] })
        // Too short for Praat's analysis window: no pulses, not an error.
        XCTAssertEqual(try PitchPulseExtraction.signal(samples: Array(x.prefix(300)), sampleRate: 16000), [Float](repeating: 0, count: 300))
        XCTAssertThrowsError(try PitchPulseExtraction.signal(samples: [Float.nan] + x, sampleRate: 16000))
    }

    func testCacheStoresReusesAndRecomputesCorruptEntries() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = try FeatureCache(directory: dir)
        let input: [Float] = [1, 2, 3]
        var calls = 0
        let compute = { () -> [Float] in calls += 1; return [4, 5, 6] }
        XCTAssertEqual(try cache.values(for: input, settings: "s1", compute: compute), [4, 5, 6])
        XCTAssertEqual(try cache.values(for: input, settings: "s1", compute: compute), [4, 5, 6])
        XCTAssertEqual(calls, 1, "second call must hit the cache")
        _ = try cache.values(for: input, settings: "s2", compute: compute)
        XCTAssertEqual(calls, 2, "different settings, different entry")
        _ = try cache.values(for: [1, 2, 4], settings: "s1", compute: compute)
        XCTAssertEqual(calls, 3, "different content, different entry")
        // Corrupt every entry: they are recomputed, not trusted.
        for f in try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil) {
            try Data([0x93, 0x4e, 0x55]).write(to: f)
        }
        XCTAssertEqual(try cache.values(for: input, settings: "s1", compute: compute), [4, 5, 6])
        XCTAssertEqual(calls, 4)
        XCTAssertEqual(try cache.values(for: input, settings: "s1", compute: compute), [4, 5, 6])
        XCTAssertEqual(calls, 4, "the recomputed entry was rewritten")
    }

    func testUtteranceNormalizationIsGainInvariantAndIgnoresPadding() throws {
        let stack = try FeatureStack(channels: [.spectrogram], normalization: .utterance)
        // Broadband content (tone plus noise) keeps every band far above the log floor at both gains.
        var rng = RandomGenerator(seed: 1)
        let a = tone().map { $0 + Float(rng.nextNormal() * 0.1) }
        let b = Array(tone(180).prefix(9000)).map { $0 + Float(rng.nextNormal() * 0.1) }
        func run(_ gain: Float) throws -> (Tensor, Tensor) {
            let audio = a.map { $0 * gain } + b.map { $0 * gain } + [Float](repeating: 0, count: 7000)
            return try stack(audio: Tensor(shape: [2, 16000], data: audio), lengths: [16000, 9000])
        }
        let (x1, mask) = try run(1), (x2, _) = try run(0.5)
        // 6 dB quieter: the same normalised features, up to the effect of the log floor (1e-6) on the quietest bands.
        let d = Discrepancy.between(x1.doubles, x2.doubles)
        print("gain invariance:", d)
        XCTAssertLessThan(d.maxAbsolute, 1e-2)
        // Item 1: zero mean and unit variance per band over its real frames; zeros on padding.
        let real = Int(mask.sum(axes: [1]).scalars[1])
        let item = x1.narrowed(axis: 0, start: 1, length: 1).reshaped([x1.shape[2], 30])
        let body = item.narrowed(axis: 0, start: 0, length: real)
        for v in body.mean(axes: [0]).scalars { XCTAssertEqual(v, 0, accuracy: 1e-4) }
        for v in body.variance(axes: [0], unbiased: false).scalars { XCTAssertEqual(v, 1, accuracy: 1e-3) }
        XCTAssertTrue(item.narrowed(axis: 0, start: real, length: x1.shape[2] - real).scalars.allSatisfy { $0 == 0 })
    }

    func testLevelNormalizationRemovesGainButKeepsSpectralShape() throws {
        let plain = try FeatureStack(channels: [.spectrogram])
        let level = try FeatureStack(channels: [.spectrogram], normalization: .level)
        var rng = RandomGenerator(seed: 2)
        let a = tone().map { $0 + Float(rng.nextNormal() * 0.1) }
        let b = Array(tone(180).prefix(9000)).map { $0 + Float(rng.nextNormal() * 0.1) }
        func audio(_ gain: Float) -> Tensor {
            Tensor(shape: [2, 16000], data: a.map { $0 * gain } + b.map { $0 * gain } + [Float](repeating: 0, count: 7000))
        }
        let lengths = [16000, 9000]
        let (raw, mask) = try plain(audio: audio(1), lengths: lengths)
        let (x1, _) = try level(audio: audio(1), lengths: lengths)
        let (x2, _) = try level(audio: audio(0.25), lengths: lengths)
        // 12 dB quieter: the same features, up to the log floor's effect on the quietest bands.
        let d = Discrepancy.between(x1.doubles, x2.doubles)
        print("level normalisation, gain invariance:", d)
        XCTAssertLessThan(d.maxAbsolute, 1e-2)
        // Reference: the plain log-mel minus its mean over each item's real frames and all bands,
        // computed here element by element in float64.
        let frames = raw.shape[2], bands = raw.shape[3]
        let r = raw.doubles, m = mask.doubles, y = x1.doubles
        var worst = 0.0
        for item in 0..<2 {
            var sum = 0.0, n = 0.0
            for t in 0..<frames where m[item * frames + t] > 0 {
                for f in 0..<bands { sum += r[(item * frames + t) * bands + f]; n += 1 }
            }
            let mean = sum / n
            for t in 0..<frames {
                for f in 0..<bands {
                    let k = (item * frames + t) * bands + f
                    let expected = m[item * frames + t] > 0 ? r[k] - mean : 0
                    worst = Swift.max(worst, abs(y[k] - expected))
                }
            }
        }
        print("level normalisation vs reference: worst abs error \(worst)")
        XCTAssertLessThan(worst, 1e-4)
        XCTAssertGreaterThan(Int(mask.sum().item), 0)
    }
}
