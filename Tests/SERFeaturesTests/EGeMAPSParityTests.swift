import Foundation
import SERAudio
import SERTensor
import SERTestSupport
import XCTest
@testable import SERFeatures

/// eGeMAPS v02 against openSMILE itself (opensmile-python 2.6.0) on the committed fixture sounds
/// (Tests/Fixtures/egemaps, made by Tests/Fixtures/generate_egemaps.py): a male /a/ with jitter and
/// shimmer, a female /i/ with an F0 glide, vowel–noise–vowel, a vowel at 22.05 kHz, white noise, silence.
///
/// Measured (see Docs/Functionals.md): every descriptor not derived from the LPC formants agrees to
/// ≤ 1.0e-5 of its column's range on every frame; the formant columns agree on most frames but LPC roots of
/// some frames are ill-conditioned and move with the rounding ahead of them (the double window product and
/// KissFFT against openSMILE's float product and Ooura `rdft`; every later stage is bit-exact,
/// EGeMAPSFormantStageTests); required ≥ 70 % of frames within 1 %, measured 79–100 % (lowest:
/// vowel_o_22k F3 bandwidth, 15 of 19 frames); functionals agree to ≤ 8.5e-5 relative except the formant
/// group (≤ 13.2 %) and the unvoiced spectral means (≤ 2.6 %, openSMILE's end-of-input frame bookkeeping).
/// The last 3 LLD rows are excluded: openSMILE's formant level ends earlier than its F0 level there.
final class EGeMAPSParityTests: XCTestCase {
    struct Expected: Decodable {
        struct File: Decodable {
            var sampleRate: Int
            var sampleCount: Int
            var lowLevelDescriptorRows: Int
            var functionals: [Double]
        }
        var opensmile: String
        var lowLevelDescriptorNames: [String]
        var functionalNames: [String]
        var files: [String: File]
    }

    static let expected: Expected? = try? Fixtures.json(Expected.self, "egemaps/expected.json")

    /// LLD columns computed from the LPC formants (F1–F3 frequency, bandwidth, amplitude) and H1–A3.
    static let formantColumns: Set<Int> = Set([15] + Array(16..<25))

    func loadExpected() throws -> Expected {
        guard let e = Self.expected else { throw XCTSkip("Tests/Fixtures/egemaps/expected.json not found") }
        return e
    }

    func testNamesMatchOpenSMILE() throws {
        let e = try loadExpected()
        XCTAssertEqual(EGeMAPS.lowLevelDescriptorNames, e.lowLevelDescriptorNames)
        XCTAssertEqual(EGeMAPS.functionalNames, e.functionalNames)
        XCTAssertEqual(EGeMAPS.functionalNames.count, 88)
        XCTAssertEqual(EGeMAPS.lowLevelDescriptorNames.count, 25)
    }

    func testLowLevelDescriptorsMatchOpenSMILE() throws {
        let e = try loadExpected()
        let extractor = EGeMAPSExtractor()
        for (name, file) in e.files.sorted(by: { $0.key < $1.key }) {
            let audio = try AudioFile.read(Fixtures.url("egemaps/\(name).wav")).buffer
            XCTAssertEqual(audio.sampleRate, file.sampleRate)
            let mine = try extractor.lowLevelDescriptors(audio)
            let reference = try Npy.read(from: Fixtures.url("egemaps/\(name)_lld.npy"))
            XCTAssertEqual(mine.shape, reference.shape, "\(name): LLD shape")
            guard mine.shape == reference.shape else { continue }
            let rows = reference.shape[0], columns = reference.shape[1]
            let compared = max(rows - 3, 0)
            let a = mine.doubles, b = reference.doubles
            var report: [String] = []
            for j in 0..<columns {
                var scale = 1e-9, worst = 0.0, close = 0
                for t in 0..<compared { scale = max(scale, abs(b[t * columns + j])) }
                for t in 0..<compared {
                    let error = abs(a[t * columns + j] - b[t * columns + j]) / scale
                    worst = max(worst, error)
                    if error <= 0.01 { close += 1 }
                }
                let fraction = compared > 0 ? Double(close) / Double(compared) : 1
                report.append(String(format: "%@ %.2g (%.0f%% within 1%%)", e.lowLevelDescriptorNames[j], worst,
                                     fraction * 100))
                if Self.formantColumns.contains(j) {
                    XCTAssertGreaterThanOrEqual(fraction, 0.70, "\(name) \(e.lowLevelDescriptorNames[j])")
                } else {
                    XCTAssertLessThanOrEqual(worst, 1e-4, "\(name) \(e.lowLevelDescriptorNames[j])")
                }
            }
            print("eGeMAPS LLD \(name) (\(rows) rows), worst error / column range: " + report.joined(separator: "; "))
        }
    }

    func testFunctionalsMatchOpenSMILE() throws {
        let e = try loadExpected()
        let extractor = EGeMAPSExtractor()
        for (name, file) in e.files.sorted(by: { $0.key < $1.key }) {
            let audio = try AudioFile.read(Fixtures.url("egemaps/\(name).wav")).buffer
            let mine = try extractor.functionals(audio).map(Double.init)
            XCTAssertEqual(mine.count, 88)
            var worst = (error: 0.0, name: "")
            for (i, functional) in e.functionalNames.enumerated() {
                let expected = file.functionals[i], actual = mine[i]
                XCTAssertTrue(actual.isFinite, "\(name) \(functional) is not finite")
                let error = abs(actual - expected) / max(abs(expected), 1e-6)
                let tolerance: Double
                if functional.hasPrefix("F1") || functional.hasPrefix("F2") || functional.hasPrefix("F3")
                    || functional.hasPrefix("logRelF0-H1-A3") {
                    tolerance = 0.16
                } else if functional.contains("UV") {
                    tolerance = abs(actual - expected) <= 5e-4 ? .infinity : 0.03
                } else {
                    tolerance = 1e-3
                }
                XCTAssertLessThanOrEqual(error, tolerance, "\(name) \(functional): \(actual) vs openSMILE \(expected)")
                if error > worst.error && tolerance == 1e-3 { worst = (error, functional) }
            }
            print("eGeMAPS functionals \(name): worst relative error outside the formant/unvoiced groups "
                  + "\(worst.error) (\(worst.name))")
        }
    }

    func testSilenceAndShortInputAreFinite() throws {
        let extractor = EGeMAPSExtractor()
        for count in [0, 1, 100, 800, 1600] {
            let silence = try AudioBuffer(samples: [Float](repeating: 0, count: count), sampleRate: 16000)
            let values = try extractor.functionals(silence)
            XCTAssertEqual(values.count, 88)
            XCTAssertTrue(values.allSatisfy(\.isFinite), "silence of \(count) samples")
            XCTAssertEqual(values.last, -120, "equivalent sound level of silence is openSMILE's −120 dB floor")
            let lld = try extractor.lowLevelDescriptors(silence)
            XCTAssertEqual(lld.shape.count, 2)
            XCTAssertEqual(lld.shape[1], 25)
            XCTAssertTrue(lld.scalars.allSatisfy(\.isFinite))
        }
        // 50 ms of a tone: openSMILE gives no output row (NaN in opensmile-python); SwiftSER gives finite values.
        let tone = (0..<800).map { Float(0.3 * sin(2 * Double.pi * 200 * Double($0) / 16000)) }
        let values = try extractor.functionals(AudioBuffer(samples: tone, sampleRate: 16000))
        XCTAssertTrue(values.allSatisfy(\.isFinite))
    }

    func testBadInputThrowsTypedErrors() throws {
        let extractor = EGeMAPSExtractor()
        var samples = [Float](repeating: 0.1, count: 4000)
        samples[1234] = .nan
        XCTAssertThrowsError(try extractor.functionals(AudioBuffer(samples: samples, sampleRate: 16000))) { error in
            XCTAssertEqual(error as? EGeMAPSError, .nonFiniteSample(index: 1234))
            XCTAssertTrue("\(error)".contains("1234"))
        }
        let low = try AudioBuffer(samples: [Float](repeating: 0, count: 4000), sampleRate: 4000)
        XCTAssertThrowsError(try extractor.lowLevelDescriptors(low)) { error in
            XCTAssertEqual(error as? EGeMAPSError, .sampleRateTooLow(rate: 4000, minimum: 8000))
        }
    }
}
