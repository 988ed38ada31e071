import Foundation
import XCTest
@testable import SERAudio

/// Peak and RMS levels, linear and dBFS, with hand-computed expectations.
final class LevelTests: XCTestCase {
    func testPeakAndRMSByHand() throws {
        let buffer = try AudioBuffer(samples: [0.5, -1, 0.25, 0], sampleRate: 8000)
        XCTAssertEqual(buffer.peak, 1)
        XCTAssertEqual(buffer.peakDBFS, 0)
        // mean(x²) = (0.25 + 1 + 0.0625 + 0) / 4 = 0.328125
        XCTAssertEqual(buffer.rms, Float(0.328125.squareRoot()))
        XCTAssertEqual(buffer.rmsDBFS, 10 * log10(0.328125), accuracy: 1e-12)
    }

    func testHalfScale() throws {
        let buffer = try AudioBuffer(samples: [0.5, -0.5, 0.5, -0.5], sampleRate: 8000)
        XCTAssertEqual(buffer.peakDBFS, 20 * log10(0.5), accuracy: 1e-12)  // -6.0206 dB
        XCTAssertEqual(buffer.rmsDBFS, 20 * log10(0.5), accuracy: 1e-12)
        XCTAssertEqual(buffer.peakDBFS, -6.020599913279624, accuracy: 1e-12)
    }

    /// A full-scale sine over whole periods: peak 0 dBFS, RMS 1/√2 = -3.0103 dBFS.
    func testFullScaleSine() throws {
        let x = (0..<1600).map { Float(sin(2 * Double.pi * Double($0) / 16 + Double.pi / 2)) }  // cosine: hits ±1
        let buffer = try AudioBuffer(samples: x, sampleRate: 16000)
        XCTAssertEqual(buffer.peakDBFS, 0, accuracy: 1e-6)
        XCTAssertEqual(buffer.rmsDBFS, 20 * log10(1 / 2.0.squareRoot()), accuracy: 1e-5)
    }

    func testSilenceIsMinusInfinity() throws {
        let silent = try AudioBuffer(samples: [0, 0, 0], sampleRate: 8000)
        XCTAssertEqual(silent.peakDBFS, -.infinity)
        XCTAssertEqual(silent.rmsDBFS, -.infinity)
        let empty = try AudioBuffer(samples: [], sampleRate: 8000)
        XCTAssertEqual(empty.peak, 0)
        XCTAssertEqual(empty.rms, 0)
        XCTAssertEqual(empty.rmsDBFS, -.infinity)
    }

    func testFormatting() {
        XCTAssertEqual(AudioLevels.format(dBFS: -.infinity), "-inf")
        XCTAssertEqual(AudioLevels.format(dBFS: -6.0206), "-6.02")
        XCTAssertEqual(AudioLevels.format(dBFS: -3.0103, decimals: 1), "-3.0")
        XCTAssertEqual(AudioLevels.format(dBFS: .nan), "nan")
    }

    func testDecibelConversions() {
        XCTAssertEqual(AudioLevels.amplitude(dB: -20), 0.1, accuracy: 1e-15)
        XCTAssertEqual(AudioLevels.amplitude(dB: 0), 1)
        XCTAssertEqual(AudioLevels.decibels(0.25), 20 * log10(0.25), accuracy: 1e-12)  // -12.0412
        XCTAssertEqual(AudioLevels.decibels(0.01), -40, accuracy: 1e-12)
        XCTAssertEqual(AudioLevels.decibels(0), -.infinity)
    }
}
