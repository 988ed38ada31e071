import Foundation
import SERAudio
import XCTest
@testable import SERTraining

/// The demo corpus generator: determinism, files and manifest, levels, and that the emotions and
/// speakers differ in the ways the profiles say, measured from the audio.
///
/// The measured corpus is tiny (8 speakers × 4 classes × 1 utterance), generated once per run.
final class DemoCorpusTests: XCTestCase {
    static let seed: UInt64 = 11
    nonisolated(unsafe) static var directory: URL?
    nonisolated(unsafe) static var generationError: Error?

    override class func setUp() {
        super.setUp()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("democorpus-\(UUID().uuidString)")
        do {
            _ = try DemoCorpus.generate(to: dir, speakers: 8, utterancesPerSpeakerPerClass: 1, seed: seed)
            directory = dir
        } catch {
            generationError = error
        }
    }

    override class func tearDown() {
        if let directory { try? FileManager.default.removeItem(at: directory) }
        super.tearDown()
    }

    /// The shared corpus: (manifest rows as [path, label, speaker, gender], folder).
    func corpus(file: StaticString = #filePath, line: UInt = #line) throws -> (rows: [[String]], directory: URL) {
        if let error = DemoCorpusTests.generationError { throw error }
        let dir = try XCTUnwrap(DemoCorpusTests.directory, file: file, line: line)
        let text = try String(contentsOf: dir.appendingPathComponent(DemoCorpus.manifestFileName), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "path,label,speaker,gender", file: file, line: line)
        return (lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }, dir)
    }

    /// One file of the shared corpus, read back and measured.
    struct Measured {
        var label: String, speaker: String, gender: String
        var samples: [Float]
        /// Median F0 (Hz) of the voiced frames, active level (dBFS), alpha ratio of voiced frames (dB).
        var f0: Double?, level: Double, alphaRatio: Double
    }

    nonisolated(unsafe) static var measured: [Measured]?

    /// Every file of the shared corpus, read back and measured once per run.
    func readCorpus() throws -> [Measured] {
        if let cached = DemoCorpusTests.measured { return cached }
        let (rows, dir) = try corpus()
        let result = try rows.map { row -> Measured in
            let (info, buffer) = try AudioFile.read(dir.appendingPathComponent(row[0]))
            XCTAssertEqual(info.sampleRate, 16_000)
            let x = buffer.samples
            let voiced = DemoMeasure.voicedFrames(x)
            let f0 = voiced.isEmpty ? nil : voiced.map(\.f0).sorted()[voiced.count / 2]
            return Measured(label: row[1], speaker: row[2], gender: row[3], samples: x, f0: f0,
                            level: DemoMeasure.activeLevel(x),
                            alphaRatio: DemoMeasure.alphaRatio(x, frames: voiced.map(\.start)))
        }
        DemoCorpusTests.measured = result
        return result
    }

    // MARK: Determinism

    func testSameSeedGivesBitIdenticalSamplesAndOtherSeedsDiffer() {
        let a = DemoCorpus.utterances(speakers: 2, utterancesPerSpeakerPerClass: 1, seed: 5)
        let b = DemoCorpus.utterances(speakers: 2, utterancesPerSpeakerPerClass: 1, seed: 6)
        XCTAssertEqual(a.count, 8)
        let first = a[0].samples(), again = a[0].samples()
        XCTAssertEqual(first, again, "same utterance, same samples")
        XCTAssertEqual(a[0].speaker.id, b[0].speaker.id)
        XCTAssertEqual(a[0].emotion, b[0].emotion)
        XCTAssertNotEqual(first, b[0].samples(), "another corpus seed gives other audio")
        XCTAssertNotEqual(first, a[1].samples(), "another utterance gives other audio")
    }

    func testUtteranceDependsOnlyOnSeedSpeakerEmotionAndNumber() {
        let small = DemoCorpus.utterances(speakers: 2, utterancesPerSpeakerPerClass: 1, emotions: [.sad, .angry], seed: 9)
        let large = DemoCorpus.utterances(speakers: 3, utterancesPerSpeakerPerClass: 2, seed: 9)
        for u in small {
            let match = large.first { $0.speaker.id == u.speaker.id && $0.emotion == u.emotion && $0.index == u.index }
            XCTAssertEqual(match, u, "\(u.relativePath) differs between corpus sizes")
        }
        XCTAssertEqual(Set(large.map(\.seed)).count, large.count, "every utterance has its own seed")
    }

    func testWrittenFilesAreByteIdenticalAcrossRuns() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("democorpus-twice-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let one = try DemoCorpus.generate(to: base.appendingPathComponent("a"), speakers: 1,
                                          utterancesPerSpeakerPerClass: 1, emotions: [.neutral, .angry], seed: 3)
        let two = try DemoCorpus.generate(to: base.appendingPathComponent("b"), speakers: 1,
                                          utterancesPerSpeakerPerClass: 1, emotions: [.neutral, .angry], seed: 3)
        XCTAssertEqual(try Data(contentsOf: one), try Data(contentsOf: two))
        for path in ["wav/S01/S01_neutral_001.wav", "wav/S01/S01_angry_001.wav"] {
            let a = try Data(contentsOf: base.appendingPathComponent("a/" + path))
            let b = try Data(contentsOf: base.appendingPathComponent("b/" + path))
            XCTAssertEqual(a, b, path)
            XCTAssertGreaterThan(a.count, 44 + 2 * 16_000, "\(path) holds at least 1 s of 16-bit audio")
        }
    }

    // MARK: Files and manifest

    func testManifestListsEveryFileWithBalancedCounts() throws {
        let (rows, dir) = try corpus()
        XCTAssertEqual(rows.count, 32)
        XCTAssertTrue(rows.allSatisfy { $0.count == 4 }, "4 columns per row")
        let perLabel = Dictionary(rows.map { ($0[1], 1) }, uniquingKeysWith: +)
        let perSpeaker = Dictionary(rows.map { ($0[2], 1) }, uniquingKeysWith: +)
        XCTAssertEqual(perLabel, ["neutral": 8, "happy": 8, "sad": 8, "angry": 8])
        XCTAssertEqual(perSpeaker.count, 8)
        XCTAssertTrue(perSpeaker.values.allSatisfy { $0 == 4 })
        let genders = Dictionary(rows.map { ($0[2], $0[3]) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(genders.values.filter { $0 == "F" }.count, 4)
        XCTAssertEqual(genders.values.filter { $0 == "M" }.count, 4)
        XCTAssertEqual(Set(rows.map { $0[0] }).count, 32, "paths are unique")
        for row in rows {
            XCTAssertFalse(row[0].hasPrefix("/"), "paths are relative to the manifest's folder")
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(row[0]).path), row[0])
        }
        let summary = try String(contentsOf: dir.appendingPathComponent(DemoCorpus.summaryFileName), encoding: .utf8)
        XCTAssertTrue(summary.contains("32 utterances"), summary)
        XCTAssertTrue(summary.contains("angry"), summary)
    }

    func testFilesReadBackAsTheSynthesisedSamples() throws {
        let (rows, dir) = try corpus()
        let utterances = DemoCorpus.utterances(speakers: 8, utterancesPerSpeakerPerClass: 1, seed: DemoCorpusTests.seed)
        XCTAssertEqual(utterances.map(\.relativePath), rows.map { $0[0] }, "manifest order is the utterance order")
        var worst: Float = 0
        for u in [utterances[0], utterances[13], utterances[31]] {
            let expected = u.samples()
            let (info, buffer) = try AudioFile.read(dir.appendingPathComponent(u.relativePath))
            XCTAssertEqual(info.sampleRate, DemoCorpus.sampleRate)
            XCTAssertEqual(info.channels, 1)
            XCTAssertEqual(buffer.samples.count, expected.count)
            for (a, b) in zip(buffer.samples, expected) { worst = max(worst, abs(a - b)) }
        }
        print("DemoCorpus: worst |file − synthesis| = \(worst) (16-bit quantisation: ≤ 2^-16)")
        XCTAssertLessThanOrEqual(worst, 1.0 / 65_536 + 1e-7)
    }

    func testDurationsLevelsAndNoClippingOrNaN() throws {
        let files = try readCorpus()
        var durations = [Double](), levels = [Double](), peaks = [Double]()
        for f in files {
            XCTAssertTrue(f.samples.allSatisfy { $0.isFinite })
            durations.append(Double(f.samples.count) / 16_000)
            peaks.append(Double(f.samples.map(abs).max() ?? 0))
            levels.append(f.level)
        }
        print(String(format: "DemoCorpus: durations %.2f–%.2f s, peaks ≤ %.2f dBFS, active levels %.1f…%.1f dBFS",
                     durations.min()!, durations.max()!, 20 * log10(peaks.max()!), levels.min()!, levels.max()!))
        XCTAssertTrue(durations.allSatisfy { (1.5...4.0).contains($0) }, "\(durations)")
        // Peak limit −1 dBFS (0.891) plus the −70 dBFS noise floor and half an LSB.
        XCTAssertTrue(peaks.allSatisfy { $0 <= 0.8913 + 0.0015 }, "\(peaks)")
        XCTAssertTrue(levels.allSatisfy { (-40.0 ... -12.0).contains($0) }, "\(levels)")
        // Silence is not digital zero (noise floor) but far below speech.
        let quietest = files.map { DemoMeasure.frameLevels($0.samples).min() ?? 0 }
        XCTAssertTrue(quietest.allSatisfy { (-90.0 ... -55.0).contains($0) }, "\(quietest)")
    }

    // MARK: Emotions and speakers, measured from the audio

    func testEmotionsDifferInPitchLevelAndSpectralTilt() throws {
        let files = try readCorpus()
        var pitch = [String: [Double]](), level = [String: [Double]](), alpha = [String: [Double]]()
        for f in files {
            let f0 = try XCTUnwrap(f.f0, "no voiced frames in a \(f.label) file")
            pitch[f.label, default: []].append(12 * log2(f0))
            level[f.label, default: []].append(f.level)
            alpha[f.label, default: []].append(f.alphaRatio)
        }
        func mean(_ xs: [Double]?) -> Double { (xs ?? []).reduce(0, +) / Double(max(xs?.count ?? 0, 1)) }
        let p = pitch.mapValues { mean($0) }, l = level.mapValues { mean($0) }, a = alpha.mapValues { mean($0) }
        for label in ["neutral", "happy", "sad", "angry"] {
            print("DemoCorpus: \(label.padding(toLength: 8, withPad: " ", startingAt: 0)) "
                  + String(format: "mean F0 %6.1f Hz  active level %6.1f dBFS  alpha ratio %6.1f dB",
                           pow(2, p[label]! / 12), l[label]!, a[label]!))
        }
        // Semitone differences of the class means (each over 8 speakers).
        XCTAssertGreaterThan(p["angry"]! - p["neutral"]!, 1)
        XCTAssertGreaterThan(p["happy"]! - p["neutral"]!, 1)
        XCTAssertGreaterThan(p["neutral"]! - p["sad"]!, 0.5)
        XCTAssertGreaterThan(l["angry"]! - l["sad"]!, 3, "angry is louder than sad (dB)")
        XCTAssertGreaterThan(l["happy"]! - l["sad"]!, 1.5)
        XCTAssertGreaterThan(a["angry"]! - a["sad"]!, 3, "angry has a flatter spectrum than sad (dB)")
        XCTAssertGreaterThan(a["angry"]! - a["neutral"]!, 1)
    }

    func testSpeakersDifferInPitch() throws {
        let files = try readCorpus()
        var perSpeaker = [String: [Double]](), gender = [String: String]()
        for f in files {
            if let f0 = f.f0 { perSpeaker[f.speaker, default: []].append(log2(f0)) }
            gender[f.speaker] = f.gender
        }
        let medianF0 = perSpeaker.mapValues { pow(2, $0.sorted()[$0.count / 2]) }
        for (s, f0) in medianF0.sorted(by: { $0.key < $1.key }) {
            print("DemoCorpus: speaker \(s) (\(gender[s]!)) median F0 " + String(format: "%.0f Hz", f0))
        }
        let female = medianF0.filter { gender[$0.key] == "F" }.map(\.value)
        let male = medianF0.filter { gender[$0.key] == "M" }.map(\.value)
        XCTAssertEqual(female.count, 4)
        XCTAssertEqual(male.count, 4)
        XCTAssertGreaterThan(female.min()!, male.max()! * 1.1, "every female speaker above every male one")
        XCTAssertGreaterThan(female.max()! / female.min()!, 1.1, "female speakers differ")
        XCTAssertGreaterThan(male.max()! / male.min()!, 1.1, "male speakers differ")
        let traits = DemoCorpus.speakers(count: 8, seed: DemoCorpusTests.seed)
        XCTAssertEqual(Set(traits.map(\.formantScale)).count, 8)
        XCTAssertTrue(traits.allSatisfy { $0.gender == .female ? $0.formantScale > 1.05 : $0.formantScale < 1.05 })
    }

    // MARK: Errors

    func testInvalidArgumentsAndUnwritableFolderThrow() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("democorpus-bad-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (speakers, per, emotions) in [(0, 1, DemoEmotion.allCases), (100, 1, DemoEmotion.allCases),
                                          (2, 0, DemoEmotion.allCases), (2, 1, []), (2, 1, [.sad, .sad])] {
            XCTAssertThrowsError(try DemoCorpus.generate(to: dir, speakers: speakers, utterancesPerSpeakerPerClass: per,
                                                         emotions: emotions)) { error in
                guard case DemoCorpusError.invalidArgument = error else { return XCTFail("\(error)") }
                XCTAssertTrue("\(error)".contains("must be"), "\(error)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path), "nothing is written for invalid arguments")

        // A regular file where the folder should be.
        try Data("x".utf8).write(to: dir)
        XCTAssertThrowsError(try DemoCorpus.generate(to: dir.appendingPathComponent("corpus"), speakers: 1,
                                                     utterancesPerSpeakerPerClass: 1)) { error in
            guard case DemoCorpusError.cannotCreateDirectory(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasPrefix(dir.path), path)
        }
    }
}

/// Simple measurements on 16 kHz audio, independent of the generator's internals.
enum DemoMeasure {
    static let rate = 16_000.0

    /// Frame levels in dBFS (30 ms frames, 20 ms hop).
    static func frameLevels(_ x: [Float]) -> [Double] {
        stride(from: 0, to: max(x.count - 480, 0), by: 320).map { start in
            var s = 0.0
            for i in start..<(start + 480) { s += Double(x[i]) * Double(x[i]) }
            return 10 * log10(max(s / 480, 1e-20))
        }
    }

    /// Active speech level: power mean of the frames within 35 dB of the loudest, in dBFS.
    static func activeLevel(_ x: [Float]) -> Double {
        let levels = frameLevels(x)
        let top = levels.max() ?? -200
        let active = levels.filter { $0 > top - 35 }
        let power = active.map { pow(10, $0 / 10) }.reduce(0, +) / Double(max(active.count, 1))
        return 10 * log10(max(power, 1e-20))
    }

    /// Alpha ratio in dB: energy in 1–4 kHz over energy below 1 kHz (4th-order Butterworth high-
    /// and low-passes), summed over the 30 ms frames starting at `frames`. Higher is a flatter
    /// spectrum (less spectral tilt).
    static func alphaRatio(_ x: [Float], frames: [Int]) -> Double {
        let input = x.map(Double.init)
        var high = butterworth(butterworth(input, cutoff: 1000, highPass: true), cutoff: 1000, highPass: true)
        high = butterworth(butterworth(high, cutoff: 4000, highPass: false), cutoff: 4000, highPass: false)
        let low = butterworth(butterworth(input, cutoff: 1000, highPass: false), cutoff: 1000, highPass: false)
        var eh = 0.0, el = 0.0
        for start in frames {
            for i in start..<min(start + 480, x.count) {
                eh += high[i] * high[i]
                el += low[i] * low[i]
            }
        }
        return 10 * log10(max(eh, 1e-30) / max(el, 1e-30))
    }

    /// A 2nd-order Butterworth (Q = 1/√2) high- or low-pass (Audio EQ Cookbook), direct form I.
    static func butterworth(_ x: [Double], cutoff: Double, highPass: Bool) -> [Double] {
        let w0 = 2 * Double.pi * cutoff / rate, alpha = sin(w0) / (2 * 0.5.squareRoot())
        let cw = cos(w0), a0 = 1 + alpha
        let b0 = (highPass ? (1 + cw) / 2 : (1 - cw) / 2) / a0
        let b1 = (highPass ? -(1 + cw) : 1 - cw) / a0
        let a1 = -2 * cw / a0, a2 = (1 - alpha) / a0
        var y = [Double](repeating: 0, count: x.count)
        var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0
        for i in 0..<x.count {
            let v = b0 * x[i] + b1 * x1 + b0 * x2 - a1 * y1 - a2 * y2
            x2 = x1; x1 = x[i]; y2 = y1; y1 = v
            y[i] = v
        }
        return y
    }

    /// Voiced frames and their F0: 30 ms windows every 40 ms within 25 dB of the loudest, whose
    /// normalised autocorrelation peaks above 0.6 at a lag in 60–450 Hz. The lag is the shortest
    /// local maximum within 10% of the highest (so a multiple of the period is not taken).
    static func voicedFrames(_ x: [Float]) -> [(start: Int, f0: Double)] {
        let window = 480, minLag = Int(rate / 450), maxLag = Int(rate / 60)
        let hop = 640
        let energies = stride(from: 0, to: max(x.count - window - maxLag - 1, 0), by: hop).map { start -> Double in
            var s = 0.0
            for i in start..<(start + window) { s += Double(x[i]) * Double(x[i]) }
            return s
        }
        let top = energies.max() ?? 0
        var result = [(start: Int, f0: Double)]()
        var r = [Double](repeating: 0, count: maxLag + 2)
        x.withUnsafeBufferPointer { p in
            for (k, energy) in energies.enumerated() where energy > top * pow(10, -2.5) {
                let start = k * hop
                for lag in (minLag - 1)...(maxLag + 1) {
                    var xy = 0.0, yy = 0.0
                    for i in start..<(start + window) {
                        let a = Double(p[i]), b = Double(p[i + lag])
                        xy += a * b
                        yy += b * b
                    }
                    r[lag] = xy / max((energy * yy).squareRoot(), 1e-20)
                }
                let peaks = (minLag...maxLag).filter { r[$0] >= r[$0 - 1] && r[$0] >= r[$0 + 1] }
                let highest = peaks.map { r[$0] }.max() ?? 0
                if highest > 0.6, let lag = peaks.first(where: { r[$0] >= 0.9 * highest }) {
                    result.append((start, rate / Double(lag)))
                }
            }
        }
        return result
    }
}
