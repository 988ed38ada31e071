import Foundation
import XCTest
import SERTestSupport
@testable import SERModels

/// ``EmotionRecognizer`` and the model file: a round trip through the file gives the network's own
/// posteriors, `classify` equals the window-by-window reference (mean of the window posteriors, speaker
/// statistics over all windows) whatever the streaming batch size, other rates are resampled, and broken
/// files and input are refused with messages naming the problem.
final class EmotionRecognizerTests: XCTestCase {
    static let classes = ["neutral", "happy", "sad", "angry"]

    /// A small STRFNet on spectrogram + pitch-pulse channels with per-recording speaker normalisation.
    static func tinyModel(seed: UInt64 = 7, channels: [FeatureChannel] = [.spectrogram, .pitchpulse],
                          speakerNormalization: EmotionModelInput.SpeakerNormalizationPolicy = .perRecording)
        throws -> (EmotionModelDescription, STRFNet) {
        var c = STRFNetConfiguration(inputChannels: channels.map(\.rawValue), convChannels: 4, strfInputs: [], classes: classes.count)
        c.residualChannels = [4]
        c.embeddingSize = 8
        c.gruHidden = 6
        c.attentionHidden = 6
        c.mlpHidden = [6]
        var rng = RandomGenerator(seed: seed)
        let net = try STRFNet(c, rng: &rng)
        let input = EmotionModelInput(frames: .logMel, channels: channels, logMel: .paper(sampleRate: 16000),
                                      normalization: .level, speakerNormalization: speakerNormalization)
        let description = EmotionModelDescription(classes: classes, sampleRate: 16000,
                                                  members: [EmotionModelMember(kind: .strfnet, input: input, strfnet: c)],
                                                  provenance: ["note": "untrained, for tests"])
        return (description, net)
    }

    /// A vowel-like test sound: harmonics of a gliding pitch with a slow amplitude envelope.
    static func sound(seconds: Double, rate: Int, seed: UInt64 = 3) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        let n = Int(seconds * Double(rate))
        var phase = 0.0
        return (0..<n).map { i in
            let t = Double(i) / Double(rate)
            phase += 2 * Double.pi * (140 + 40 * sin(2 * Double.pi * 0.7 * t)) / Double(rate)
            let envelope = 0.5 + 0.4 * sin(2 * Double.pi * 2.3 * t)
            let voiced = (1...6).reduce(0.0) { $0 + sin(Double($1) * phase) / Double($1) }
            return Float(0.2 * envelope * voiced + 0.01 * (rng.nextUniform() * 2 - 1))
        }
    }

    var directory: URL!
    override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory("recognizer") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func testModelFileRoundTripAndClassifyEqualTheWindowReference() throws {
        let (description, net) = try Self.tinyModel()
        let url = directory.appendingPathComponent("model.safetensors")
        try EmotionModelFile.write(description, members: [net], to: url)
        let recognizer = try EmotionRecognizer(contentsOf: url)
        XCTAssertEqual(recognizer.modelDescription, description)
        XCTAssertEqual(recognizer.classes, Self.classes)
        let loaded = try XCTUnwrap(recognizer.networks.first as? STRFNet)
        for (name, t) in net.stateDict() { XCTAssertEqual(loaded.stateDict()[name]?.scalars, t.scalars, name) }

        // Reference: every 3 s window every 1 s, classified in one call by the network's predictor (speaker
        // statistics over all windows at once), then averaged.
        let samples = Self.sound(seconds: 4.4, rate: 16000)
        let windows = AnalysisWindows.standard
        let ranges = windows.ranges(samples: samples.count, sampleRate: 16000)
        XCTAssertEqual(ranges.count, 3, "starts 0 and 1 s and the end-aligned 1.4 s")
        let pulses = try PitchPulseExtraction.signal(samples: samples, sampleRate: 16000)
        let pieces = ranges.map { Utterance(path: "x", label: 0, speaker: "", samples: Array(samples[$0]), pitchPulses: Array(pulses[$0])) }
        let stack = try FeatureStack(channels: [.spectrogram, .pitchpulse], logMel: .paper(sampleRate: 16000), normalization: .level)
        let reference = try Predictor(model: net, features: stack, speakerNormalization: true).posteriors(pieces)
        let mean = (0..<4).map { c in reference.map { $0[c] }.reduce(0, +) / Double(reference.count) }

        var worst = 0.0
        for batchSize in [2, 16] {   // 2: uneven chunks; 16: all windows in one batch
            recognizer.batchSize = batchSize
            let p = try recognizer.classify(try AudioBuffer(samples: samples, sampleRate: 16000))
            XCTAssertEqual(p.timeline.points.count, 3)
            for (a, b) in zip(p.timeline.points, reference) { for c in 0..<4 { worst = max(worst, abs(a.posteriors[c] - b[c])) } }
            for c in 0..<4 { worst = max(worst, abs(p.posteriors[c] - mean[c])) }
            XCTAssertEqual(p.posteriors.reduce(0, +), 1, accuracy: 1e-6)
            XCTAssertEqual(p.label, Self.classes[mean.indices.max { mean[$0] < mean[$1] } ?? 0])
            XCTAssertEqual(p.posterior(of: p.label), p.posteriors.max())
            XCTAssertEqual(p.duration, 4.4, accuracy: 1e-9)
            XCTAssertEqual(p.warnings, [])
            XCTAssertNil(p.frameTimeline)
        }
        print("recogniser vs window reference (batch sizes 2, 16): worst posterior difference \(worst)")
        XCTAssertLessThan(worst, 1e-6, "streaming the windows in batches changes nothing beyond float rounding")

    }

    func testOtherRatesAreResampledAndTimelinesTakeOtherWindows() throws {
        let (description, net) = try Self.tinyModel(channels: [.spectrogram])
        let recognizer = try EmotionRecognizer(description: description, networks: [net])
        let samples = Self.sound(seconds: 4.3, rate: 16000)
        // The same sound rendered at 44.1 kHz is resampled to 16 kHz first: close to the 16 kHz result.
        let high = try recognizer.classify(try AudioBuffer(samples: Self.sound(seconds: 4.3, rate: 44100), sampleRate: 44100))
        let low = try recognizer.classify(try AudioBuffer(samples: samples, sampleRate: 16000))
        let gap = zip(high.posteriors, low.posteriors).map { abs($0 - $1) }.max() ?? 1
        print("44.1 kHz vs 16 kHz rendering of the same sound: worst posterior difference \(gap)")
        XCTAssertLessThan(gap, 0.02)
        XCTAssertEqual(high.timeline.points.count, 3)

        // timeline(_:window:hop:) with other windows.
        let t = try recognizer.timeline(try AudioBuffer(samples: samples, sampleRate: 16000), window: 2, hop: 2)
        XCTAssertEqual(t.points.map(\.start), [0, 2, 2.3], accuracy: 1e-9)
        XCTAssertThrowsError(try recognizer.timeline(try AudioBuffer(samples: samples, sampleRate: 16000), window: 1, hop: 2))
    }

    /// A model that trims silence classifies a recording padded with silence as it classifies the sound alone, with
    /// the timeline on the recording's clock; the file says format version 2 (version 1 without trimming).
    func testSilenceTrimmingIsPartOfTheModel() throws {
        var (description, net) = try Self.tinyModel(channels: [.spectrogram])
        XCTAssertEqual(description.formatVersion, 1)
        description.silenceTrimming = SilenceTrimming()
        XCTAssertEqual(description.formatVersion, 2)
        let url = directory.appendingPathComponent("trimmed.safetensors")
        try EmotionModelFile.write(description, members: [net], to: url)
        let recognizer = try EmotionRecognizer(contentsOf: url)
        XCTAssertEqual(recognizer.modelDescription.silenceTrimming, SilenceTrimming())

        let sound = Self.sound(seconds: 4.0, rate: 16000)
        let padded = [Float](repeating: 0, count: 24000) + sound + [Float](repeating: 0, count: 16000)
        let kept = SilenceTrimming().keptRange(padded)
        // The padding goes, the sound stays (to within one 1024-sample frame of its edges).
        XCTAssertLessThanOrEqual(kept.lowerBound, 24000)
        XCTAssertGreaterThan(kept.lowerBound, 24000 - 1024)
        XCTAssertGreaterThanOrEqual(kept.upperBound, 24000 + sound.count)
        XCTAssertLessThan(kept.upperBound, 24000 + sound.count + 1024)
        let alone = try recognizer.classify(try AudioBuffer(samples: Array(padded[kept]), sampleRate: 16000))
        let inSilence = try recognizer.classify(try AudioBuffer(samples: padded, sampleRate: 16000))
        XCTAssertEqual(inSilence.posteriors, alone.posteriors)
        XCTAssertEqual(inSilence.duration, 6.5, accuracy: 1e-9)
        let offset = Double(kept.lowerBound) / 16000
        XCTAssertEqual(inSilence.timeline.points.map(\.start), alone.timeline.points.map { $0.start + offset }, accuracy: 1e-9)
        // Whole utterances are trimmed too.
        let utterance = { (x: [Float]) in Utterance(path: "u", label: 0, speaker: "s", samples: x) }
        XCTAssertEqual(try recognizer.posteriors([utterance(padded)]), try recognizer.posteriors([utterance(Array(padded[kept]))]))
        // Without trimming the padding changes the answer (the test can fail).
        let plain = try EmotionRecognizer(description: try Self.tinyModel(channels: [.spectrogram]).0, networks: [net])
        XCTAssertNotEqual(try plain.posteriors([utterance(padded)]), try plain.posteriors([utterance(Array(padded[kept]))]))
        // A version-1 description that claims trimming is refused.
        var old = description
        old.formatVersion = 1
        XCTAssertThrowsError(try old.validate(file: "m")) { XCTAssertTrue("\($0)".contains("format version 2"), "\($0)") }
    }

    func testWarningsAndBadInput() throws {
        let (description, net) = try Self.tinyModel(channels: [.spectrogram], speakerNormalization: .none)
        let recognizer = try EmotionRecognizer(description: description, networks: [net])
        let silent = try recognizer.classify(try AudioBuffer(samples: [Float](repeating: 0, count: 32000), sampleRate: 16000))
        XCTAssertEqual(silent.warnings, [.silent(peakDBFS: -.infinity)])
        XCTAssertTrue("\(silent.warnings[0])".contains("silent"))
        let short = try recognizer.classify(try AudioBuffer(samples: Self.sound(seconds: 0.4, rate: 8000), sampleRate: 8000))
        XCTAssertEqual(short.warnings, [.tooShort(seconds: 0.4, minimumSeconds: EmotionRecognizer.minimumReliableSeconds)])
        XCTAssertEqual(short.timeline.points.count, 1)
        XCTAssertEqual(short.posteriors.reduce(0, +), 1, accuracy: 1e-6)

        XCTAssertThrowsError(try recognizer.classify(try AudioBuffer(samples: [], sampleRate: 16000))) { e in
            XCTAssertEqual(e as? EmotionModelError, .emptyAudio(source: "the recording"))
        }
        var bad = Self.sound(seconds: 2, rate: 16000)
        bad[123] = .nan
        XCTAssertThrowsError(try recognizer.classify(try AudioBuffer(samples: bad, sampleRate: 16000))) { e in
            XCTAssertEqual(e as? EmotionModelError, .nonFiniteAudio(source: "the recording", sample: 123))
        }
        let missing = directory.appendingPathComponent("nothing.wav")
        XCTAssertThrowsError(try recognizer.classify(contentsOf: missing)) { e in XCTAssertTrue("\(e)".contains(missing.path), "\(e)") }
    }

    func testBrokenModelFilesAreRefusedNamingTheProblem() throws {
        let (description, net) = try Self.tinyModel()
        let url = directory.appendingPathComponent("model.safetensors")

        // A member kind from a later version: refused, naming the kind and the kinds this version runs.
        var future = description
        future.members[0].kind = "gradient-boosting"
        try ModelArchive.save(MemberList([net]), kind: EmotionModelFile.kind, configuration: future, to: url)
        XCTAssertThrowsError(try EmotionRecognizer(contentsOf: url)) { e in
            XCTAssertEqual(e as? EmotionModelError,
                           .unsupportedMemberKind(file: url.path, member: 0, kind: "gradient-boosting",
                                                  known: ["strfnet", "wav2vec-classifier", "functionals"]))
            print("unknown member kind: \(e)")
        }
        // A newer format version.
        var newer = description
        newer.formatVersion = EmotionModelDescription.currentFormatVersion + 1
        try ModelArchive.save(MemberList([net]), kind: EmotionModelFile.kind, configuration: newer, to: url)
        XCTAssertThrowsError(try EmotionRecognizer(contentsOf: url)) { e in XCTAssertTrue("\(e)".contains("newer"), "\(e)") }
        // A NaN weight: refused, naming the tensor.
        let (_, poisoned) = try Self.tinyModel()
        let gru = try XCTUnwrap(poisoned.stateDict().keys.sorted().first { $0.contains("gru") })
        let weight = try XCTUnwrap(poisoned.stateDict()[gru])
        withNoGrad { weight.assign(Tensor(shape: weight.shape, data: weight.scalars.enumerated().map { $0.offset == 1 ? Float.nan : $0.element })) }
        try ModelArchive.save(MemberList([poisoned]), kind: EmotionModelFile.kind, configuration: description, to: url)
        XCTAssertThrowsError(try EmotionRecognizer(contentsOf: url)) { e in
            XCTAssertEqual(e as? EmotionModelError, .nonFiniteWeight(file: url.path, tensor: "members.0.\(gru)"))
        }
        // Weights of another architecture.
        var wider = description
        wider.members[0].strfnet?.gruHidden = 7
        try ModelArchive.save(MemberList([net]), kind: EmotionModelFile.kind, configuration: wider, to: url)
        XCTAssertThrowsError(try EmotionRecognizer(contentsOf: url)) { e in
            guard case .weightsMismatch(let file, 0, _)? = e as? EmotionModelError else { return XCTFail("\(e)") }
            XCTAssertEqual(file, url.path)
        }
        // Not a model file at all: a plain module file.
        try net.save(to: url)
        XCTAssertThrowsError(try EmotionRecognizer(contentsOf: url)) { e in
            guard case .unreadable? = e as? EmotionModelError else { return XCTFail("\(e)") }
        }
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
