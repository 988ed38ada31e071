import Foundation
import XCTest
import SERTestSupport
import SERAudio

/// The getting-started snippet of SERAudio's DocC catalog (Sources/SERAudio/Documentation.docc), run on a
/// written 22.05 kHz file, so the documented calls keep compiling and doing what the article says.
final class DocumentationSnippetTests: XCTestCase {
    func testGettingStartedSnippet() throws {
        let dir = try Fixtures.temporaryDirectory("audio-snippet")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("speech.wav")
        let tone = (0..<44_100).map { Float(0.3 * sin(2 * Double.pi * 220 * Double($0) / 22_050)) }   // 2 s
        try AudioFile.write(try AudioBuffer(samples: tone, sampleRate: 22_050), to: file)

        // The article's code:
        let (info, audio) = try AudioFile.read(file)                      // mono, any rate
        let speech = try audio.resampled(to: 16_000)                      // best sinc
        var rng = RandomGenerator(seed: 1)
        let clip = speech.randomClip(length: 48_000, using: &rng)         // 3 s, zero-padded if shorter

        XCTAssertEqual(info.sampleRate, 22_050)
        XCTAssertEqual(speech.duration, 2, accuracy: 1e-3)
        XCTAssertEqual(clip.samples.count, 48_000)
        XCTAssertEqual(clip.validCount, speech.count, "a 2 s recording fills 2 s of the 3 s clip")
    }
}
