import Foundation
import XCTest
@testable import SERAudio

/// Fixed and random gain in dB.
final class GainTests: XCTestCase {
    func testApplyingGain() throws {
        let buffer = try AudioBuffer(samples: [0.5, -0.25, 1, 0], sampleRate: 16000)
        let factor = Float(pow(10, -20.0 / 20))  // 0.1
        XCTAssertEqual(buffer.applyingGain(dB: -20).samples, [0.5 * factor, -0.25 * factor, factor, 0])
        XCTAssertEqual(buffer.applyingGain(dB: 0), buffer)
        let louder = buffer.applyingGain(dB: 20 * log10(2))
        XCTAssertEqual(louder.samples, [1, -0.5, 2, 0])  // no clipping
        XCTAssertEqual(louder.sampleRate, 16000)
        XCTAssertEqual(buffer.applyingGain(dB: -6).peakDBFS, -6, accuracy: 1e-5)
    }

    /// The default range is [-40, 0] dB; draws match `rng.uniform(-40, 0)` exactly and stay in range.
    func testRandomGainDefaultRange() throws {
        let gain = try RandomGain()
        XCTAssertEqual(gain, RandomGain.standard)
        XCTAssertEqual([gain.minDB, gain.maxDB], [-40, 0])
        var rng = RandomGenerator(seed: 3)
        var mirror = RandomGenerator(seed: 3)
        let buffer = try AudioBuffer(samples: [1, -0.5], sampleRate: 8000)
        var draws = [Double]()
        for _ in 0..<2000 {
            let (out, db) = gain.apply(to: buffer, using: &rng)
            XCTAssertEqual(db, mirror.uniform(-40, 0))
            XCTAssertEqual(out.samples, buffer.applyingGain(dB: db).samples)
            draws.append(db)
        }
        XCTAssertGreaterThanOrEqual(draws.min()!, -40)
        XCTAssertLessThan(draws.max()!, 0)
        // Uniform over 40 dB: mean -20, variance 40²/12 (≈ 133.3); 2000 draws give a standard error of ≈ 0.26.
        let mean = draws.reduce(0, +) / Double(draws.count)
        XCTAssertEqual(mean, -20, accuracy: 1.5)
        XCTAssertLessThan(draws.min()!, -39)
        XCTAssertGreaterThan(draws.max()!, -1)
    }

    func testRandomGainCustomRange() throws {
        let centred = try RandomGain(minDB: -20, maxDB: 20)
        var rng = RandomGenerator(seed: 11)
        let draws = (0..<500).map { _ in centred.sampleDB(using: &rng) }
        XCTAssertTrue(draws.allSatisfy { $0 >= -20 && $0 < 20 })
        XCTAssertTrue(draws.contains { $0 > 10 } && draws.contains { $0 < -10 })
        let fixed = try RandomGain(minDB: -6, maxDB: -6)
        XCTAssertEqual(fixed.sampleDB(using: &rng), -6)
    }

    func testRandomGainRejectsBadRange() {
        XCTAssertThrowsError(try RandomGain(minDB: 0, maxDB: -40))
        XCTAssertThrowsError(try RandomGain(minDB: -.infinity, maxDB: 0))
        XCTAssertThrowsError(try RandomGain(minDB: .nan, maxDB: 0))
    }

    func testSameSeedSameGain() throws {
        var a = RandomGenerator(seed: 99), b = RandomGenerator(seed: 99)
        XCTAssertEqual(RandomGain.standard.sampleDB(using: &a), RandomGain.standard.sampleDB(using: &b))
    }
}
