import Foundation
import XCTest
@testable import SERFeatures

final class FrequencyWarpTests: XCTestCase {
    func testFormulaAtKnownPoints() {
        for alpha in [-0.9, -0.15, 0.1, 0.5] {
            XCTAssertEqual(FrequencyWarp.warp(omega: 0, alpha: alpha), 0)
            XCTAssertEqual(FrequencyWarp.warp(omega: .pi, alpha: alpha), .pi, accuracy: 1e-14)
            XCTAssertEqual(FrequencyWarp.warp(hz: 8000, sampleRate: 16000, alpha: alpha), 8000, accuracy: 1e-9)
            // ω = π/2: sin = 1, cos = 0 → ω_t = π/2 + 2·atan(α).
            XCTAssertEqual(FrequencyWarp.warp(omega: .pi / 2, alpha: alpha), .pi / 2 + 2 * atan(alpha), accuracy: 1e-14)
            // Small ω: slope (1 + α) / (1 − α).
            XCTAssertEqual(FrequencyWarp.warp(omega: 1e-6, alpha: alpha) / 1e-6, (1 + alpha) / (1 - alpha), accuracy: 1e-6)
        }
        // α = 0.1, ω = 1 → 1 + 2·atan(0.1·sin 1 / (1 − 0.1·cos 1)), the value from Python's math module.
        XCTAssertEqual(FrequencyWarp.warp(omega: 1, alpha: 0.1), 1.1774395035980891, accuracy: 1e-13)
        // In Hz: 2 kHz at 16 kHz is ω = π/4.
        let f = FrequencyWarp.warp(hz: 2000, sampleRate: 16000, alpha: 0.1)
        XCTAssertEqual(f, FrequencyWarp.warp(omega: .pi / 4, alpha: 0.1) * 8000 / .pi, accuracy: 1e-9)
    }

    func testSignOfAlpha() {
        for omega in stride(from: 0.05, to: Double.pi - 0.05, by: 0.1) {
            XCTAssertGreaterThan(FrequencyWarp.warp(omega: omega, alpha: 0.1), omega, "α > 0 raises frequencies")
            XCTAssertLessThan(FrequencyWarp.warp(omega: omega, alpha: -0.1), omega, "α < 0 lowers frequencies")
        }
    }

    func testMonotonic() {
        for alpha in [-0.99, -0.5, -0.15, 0.0, 0.15, 0.5, 0.99] {
            var previous = -1.0
            for i in 0...2000 {
                let w = FrequencyWarp.warp(omega: Double.pi * Double(i) / 2000, alpha: alpha)
                XCTAssertGreaterThan(w, previous, "α=\(alpha) i=\(i)")
                XCTAssertTrue(w >= 0 && w <= Double.pi + 1e-12)
                previous = w
            }
        }
        // Warped filterbank edges stay strictly increasing.
        for alpha in [-0.15, 0.15] {
            let edges = try! MelFilterbank(warpAlpha: alpha).edgeFrequencies
            XCTAssertTrue(zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 })
        }
    }

    func testAlphaZeroIsBitIdentical() throws {
        let config = MelFilterbankConfig(bandCount: 30, minFrequency: 20, maxFrequency: 7800, scale: .htk)
        let plain = try MelFilterbank(config: config)
        let zero = try MelFilterbank(config: config, warpAlpha: 0)
        XCTAssertEqual(plain.edgeFrequencies, zero.edgeFrequencies)
        XCTAssertEqual(plain.matrix.scalars.map(\.bitPattern), zero.matrix.scalars.map(\.bitPattern))
        XCTAssertEqual(FrequencyWarp.warp(omega: 1.234, alpha: 0), 1.234)
        // The extractor with α = 0 gives the unwarped features bit for bit.
        let extractor = try LogMelExtractor()
        var rng = RandomGenerator(seed: 1)
        let x = (0..<4000).map { _ in Float(rng.nextNormal()) }
        XCTAssertEqual(try extractor.extract(x).scalars.map(\.bitPattern),
                       try extractor.extract(x, warpAlpha: 0).scalars.map(\.bitPattern))
        XCTAssertNotEqual(try extractor.extract(x).scalars, try extractor.extract(x, warpAlpha: 0.1).scalars)
    }

    func testPositiveAlphaMovesEnergyToHigherBands() throws {
        // A 1 kHz tone: with α > 0 the band centres move up, so the tone falls into a lower band index.
        let x = (0..<8000).map { Float(sin(2 * Double.pi * 1000 * Double($0) / 16000)) }
        let extractor = try LogMelExtractor()
        func peakBand(_ alpha: Double) throws -> Int {
            let f = try extractor.extract(x, warpAlpha: alpha)
            let row = Array(f.scalars[(20 * 30)..<(21 * 30)])
            return row.firstIndex(of: row.max()!)!
        }
        XCTAssertLessThan(try peakBand(0.15), try peakBand(0))
        XCTAssertGreaterThan(try peakBand(-0.15), try peakBand(0))
    }

    func testRandomAlphaIsSeededAndInRange() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
        let xs = (0..<1000).map { _ in FrequencyWarp.randomAlpha(using: &a) }
        let ys = (0..<1000).map { _ in FrequencyWarp.randomAlpha(using: &b) }
        XCTAssertEqual(xs, ys)
        XCTAssertTrue(xs.allSatisfy { $0 >= -0.15 && $0 <= 0.15 })
        XCTAssertLessThan(xs.min()!, -0.14)
        XCTAssertGreaterThan(xs.max()!, 0.14)
        var c = RandomGenerator(seed: 1)
        XCTAssertTrue((0..<100).allSatisfy { _ in (0.0...0.05).contains(FrequencyWarp.randomAlpha(using: &c, range: 0...0.05)) })
    }
}
