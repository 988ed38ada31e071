import Foundation
import XCTest
import SERTestSupport
import SERFeatures

/// The getting-started snippet of SERFeatures' DocC catalog (Sources/SERFeatures/Documentation.docc), and the
/// rule it states: features of an `AudioBuffer` at another rate are those of the audio resampled to the
/// configured rate, never of the samples read as if they were at that rate.
final class DocumentationSnippetTests: XCTestCase {
    func testGettingStartedSnippetAndAudioAtOtherRatesIsResampled() throws {
        let samples = (0..<44_100).map { i -> Float in
            let t = Double(i) / 44_100
            return Float(0.2 * sin(2 * Double.pi * 180 * t) + 0.1 * sin(2 * Double.pi * 2_400 * t))
        }
        // The article's code:
        let audio = try AudioBuffer(samples: samples, sampleRate: 44_100)
        let logMel = try LogMelExtractor(config: .paper(sampleRate: 16_000)).extract(audio)   // resampled; [frames, 30]
        let stack = try FeatureStack(channels: [.spectrogram, .pitchpulse], normalization: .level)
        let input = try stack.features(of: audio)                                             // [2, frames, 30]

        XCTAssertEqual(logMel.shape, [101, 30], "1 s at 16 kHz: 1 + 16000/160 centred frames")
        XCTAssertEqual(input.shape, [2, 101, 30])
        let resampled = try audio.resampled(to: 16_000)
        let reference = try LogMelExtractor(config: .paper(sampleRate: 16_000)).extract(resampled.samples)
        XCTAssertEqual(logMel.scalars, reference.scalars, "the buffer's features are those of the resampled samples")
        // Reading 44.1 kHz samples as 16 kHz ones (what `extract([Float])` would silently do) differs.
        let misread = try LogMelExtractor(config: .paper(sampleRate: 16_000)).extract(samples)
        XCTAssertNotEqual(misread.shape, logMel.shape)
        // A configuration rate that is not a whole number of Hz cannot be resampled to.
        var odd = LogMelConfig.paper(sampleRate: 16_000)
        odd.sampleRate = 16_000.5
        XCTAssertThrowsError(try LogMelExtractor(config: odd).extract(audio))
    }
}
