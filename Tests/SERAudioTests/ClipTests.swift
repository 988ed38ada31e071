import Foundation
import XCTest
@testable import SERAudio

/// Random crop / zero-pad to a fixed length, with the mask of real samples and the offsets.
final class ClipTests: XCTestCase {
    private func ramp(_ n: Int, rate: Int = 10) throws -> AudioBuffer {
        try AudioBuffer(samples: (0..<n).map { Float($0 + 1) }, sampleRate: rate)
    }

    /// A longer signal is cropped at `rng.nextInt(below: n - L + 1)`; the mask is all ones.
    func testRandomCrop() throws {
        let buffer = try ramp(50)
        var rng = RandomGenerator(seed: 5)
        var mirror = RandomGenerator(seed: 5)
        var offsets = Set<Int>()
        for _ in 0..<500 {
            let clip = buffer.randomClip(length: 20, using: &rng)
            let offset = mirror.nextInt(below: 31)
            XCTAssertEqual(clip.sourceOffset, offset)
            XCTAssertEqual(clip.outputOffset, 0)
            XCTAssertEqual(clip.samples, (offset..<offset + 20).map { Float($0 + 1) })
            XCTAssertEqual(clip.mask, [Float](repeating: 1, count: 20))
            XCTAssertEqual(clip.validCount, 20)
            offsets.insert(offset)
        }
        XCTAssertEqual(offsets, Set(0...30))  // every offset reachable, including the last one
    }

    /// A shorter signal is zero-padded at the end; mask marks the real samples; no random draw is used.
    func testPadAtEnd() throws {
        let buffer = try ramp(7)
        var rng = RandomGenerator(seed: 1)
        let before = rng
        let clip = buffer.randomClip(length: 10, using: &rng)
        XCTAssertEqual(rng, before)
        XCTAssertEqual(clip.samples, [1, 2, 3, 4, 5, 6, 7, 0, 0, 0])
        XCTAssertEqual(clip.mask, [1, 1, 1, 1, 1, 1, 1, 0, 0, 0])
        XCTAssertEqual(clip.sourceOffset, 0)
        XCTAssertEqual(clip.outputOffset, 0)
        XCTAssertEqual(clip.validCount, 7)
    }

    /// Random padding places the signal at `rng.nextInt(below: L - n + 1)`.
    func testRandomPadPlacement() throws {
        let buffer = try ramp(3)
        var rng = RandomGenerator(seed: 8)
        var mirror = RandomGenerator(seed: 8)
        for _ in 0..<50 {
            let clip = buffer.randomClip(length: 6, padRandomly: true, using: &rng)
            let lead = mirror.nextInt(below: 4)
            var expected = [Float](repeating: 0, count: 6)
            var mask = [Float](repeating: 0, count: 6)
            for k in 0..<3 { expected[lead + k] = Float(k + 1); mask[lead + k] = 1 }
            XCTAssertEqual(clip.samples, expected)
            XCTAssertEqual(clip.mask, mask)
            XCTAssertEqual(clip.outputOffset, lead)
        }
    }

    func testExactLengthIsUnchanged() throws {
        let buffer = try ramp(12)
        var rng = RandomGenerator(seed: 2)
        let clip = buffer.randomClip(length: 12, padRandomly: true, using: &rng)
        XCTAssertEqual(clip.samples, buffer.samples)
        XCTAssertEqual(clip.validCount, 12)
    }

    /// 3 s at 16 kHz is 48000 samples; a 1 s signal is padded with 32000 zeros.
    func testDurationDefaultsToThreeSeconds() throws {
        let buffer = try AudioBuffer(samples: [Float](repeating: 0.5, count: 16000), sampleRate: 16000)
        var rng = RandomGenerator(seed: 0)
        let clip = try buffer.randomClip(using: &rng)
        XCTAssertEqual(clip.samples.count, 48000)
        XCTAssertEqual(clip.mask.reduce(0, +), 16000)
        XCTAssertEqual(clip.buffer.duration, 3)
        XCTAssertThrowsError(try buffer.randomClip(duration: 0, using: &rng))
        XCTAssertThrowsError(try buffer.clip(duration: .nan))
    }

    func testCenterPlacement() throws {
        let long = try ramp(10).clip(length: 4, placement: .center)
        XCTAssertEqual(long.samples, [4, 5, 6, 7])
        XCTAssertEqual(long.sourceOffset, 3)
        let short = try ramp(3).clip(length: 8, placement: .center)
        XCTAssertEqual(short.samples, [0, 0, 1, 2, 3, 0, 0, 0])
        XCTAssertEqual(short.mask, [0, 0, 1, 1, 1, 0, 0, 0])
        XCTAssertEqual(short.outputOffset, 2)
        let start = try ramp(10).clip(length: 4)
        XCTAssertEqual(start.samples, [1, 2, 3, 4])
    }

    func testEmptySignalIsAllPadding() throws {
        var rng = RandomGenerator(seed: 4)
        let clip = try AudioBuffer(samples: [], sampleRate: 8000).randomClip(length: 5, padRandomly: true, using: &rng)
        XCTAssertEqual(clip.samples, [0, 0, 0, 0, 0])
        XCTAssertEqual(clip.mask, [0, 0, 0, 0, 0])
        XCTAssertEqual(clip.validCount, 0)
    }
}
