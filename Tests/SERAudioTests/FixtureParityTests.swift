import Foundation
import XCTest
import SERTestSupport
@testable import SERAudio

/// SERAudio reads the fixture files exactly as Python's `soundfile` does
/// (Tests/Fixtures/generate_audio_fixtures.py writes the files and the expected samples).
final class FixtureParityTests: XCTestCase {
    private struct Expected: Decodable {
        struct Case: Decodable {
            let file: String
            let format: String
            let subtype: String
            let channels: Int
            let sampleRate: Int
            let frames: Int
            let mono: [Double]
        }
        let cases: [Case]
    }

    private func loadCases() throws -> [Expected.Case] {
        let url = Fixtures.url("audio/expected.json")
        return try JSONDecoder().decode(Expected.self, from: Data(contentsOf: url)).cases
    }

    func testFixtureFilesMatchSoundfileExactly() throws {
        let cases = try loadCases()
        XCTAssertEqual(cases.map(\.file), ["tiny_pcm24.wav", "tiny_stereo.flac"])
        for expected in cases {
            let url = Fixtures.url("audio/\(expected.file)")
            let (info, buffer) = try AudioFile.read(url)
            XCTAssertEqual(info.format, expected.format, expected.file)
            XCTAssertEqual(info.subtype, expected.subtype, expected.file)
            XCTAssertEqual(info.channels, expected.channels, expected.file)
            XCTAssertEqual(info.sampleRate, expected.sampleRate, expected.file)
            XCTAssertEqual(info.frames, expected.frames, expected.file)
            let reference = expected.mono.map { Float($0) }
            XCTAssertEqual(buffer.count, reference.count, expected.file)
            var mismatches = 0
            var worst: Float = 0
            for (a, b) in zip(buffer.samples, reference) where a != b {
                mismatches += 1
                worst = max(worst, abs(a - b))
            }
            print("\(expected.file): \(mismatches) of \(reference.count) samples differ from soundfile, worst \(worst)")
            XCTAssertEqual(mismatches, 0, expected.file)
        }
    }

    /// The 24-bit fixture holds exact 24-bit values, its extremes included (guards the fixture itself).
    func testPCM24FixtureIsOnTheGrid() throws {
        let buffer = try AudioBuffer(contentsOf: Fixtures.url("audio/tiny_pcm24.wav"))
        for x in buffer.samples {
            let k = Double(x) * 0x1p23
            XCTAssertEqual(k, k.rounded())
        }
        XCTAssertEqual(Array(buffer.samples[10...12]), [-1, Float(1 - 0x1p-23), 0])
    }
}
