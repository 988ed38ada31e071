import Foundation
import XCTest
import SERTestSupport
@testable import SERFeatures

final class LogMelExtractorTests: XCTestCase {
    private func noise(_ n: Int, seed: UInt64) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        return (0..<n).map { _ in Float(0.1 * rng.nextNormal()) }
    }

    func testShapesAndFrameCounts() throws {
        let e = try LogMelExtractor()
        XCTAssertEqual(try e.extract(noise(16000, seed: 1)).shape, [101, 30])
        XCTAssertEqual(try e.extract(noise(48000, seed: 1)).shape, [301, 30])  // 3 s → 301 frames
        XCTAssertEqual(try e.extract(noise(1, seed: 1)).shape, [1, 30])
        XCTAssertEqual(e.frameCount(samples: 159), 1)
        XCTAssertEqual(e.frameCount(samples: 160), 2)
        XCTAssertEqual(e.frameCount(samples: 0), 0)
        XCTAssertEqual(try e.extract(Tensor(shape: [3, 4000], data: noise(12000, seed: 2))).shape, [3, 26, 30])
    }

    func testBatchWithLengthsWarpsAndMask() throws {
        let e = try LogMelExtractor()
        let samples = 8000
        let data = noise(3 * samples, seed: 3)
        let lengths = [8000, 5000, 100]
        let alphas = [0.0, 0.12, -0.07]
        let r = try e.extract(batch: Tensor(shape: [3, samples], data: data), lengths: lengths, warpAlphas: alphas)
        XCTAssertEqual(r.frameCounts, [51, 32, 1])
        XCTAssertEqual(r.features.shape, [3, 51, 30])
        let f = r.features.scalars, m = r.mask.scalars
        for b in 0..<3 {
            let alone = try e.extract(Array(data[(b * samples)..<(b * samples + lengths[b])]), warpAlpha: alphas[b]).scalars
            let base = b * 51 * 30
            XCTAssertEqual(Array(f[base..<(base + alone.count)]), alone, "item \(b)")
            XCTAssertTrue(f[(base + alone.count)..<(base + 51 * 30)].allSatisfy { $0 == 0 }, "padding rows are 0")
            XCTAssertEqual(Array(m[(b * 51)..<((b + 1) * 51)]), (0..<51).map { $0 < r.frameCounts[b] ? 1 : 0 })
        }
        // The mask plugs into Tensor.maskedMean.
        XCTAssertEqual(r.features.maskedMean(mask: r.mask).shape, [3, 30])
    }

    /// A batch large enough to be cut into parallel chunks, with ragged lengths so the cuts (at whole 16-frame
    /// groups of their item) fall inside items and next to empty ones: every item equals its own extraction.
    func testParallelChunksOfARaggedBatchMatchItemsAlone() throws {
        let e = try LogMelExtractor()
        let samples = 48_000
        let lengths = [48_000, 31_337, 0, 16_001, 47_999, 160, 40_000]
        let data = noise(lengths.count * samples, seed: 9)
        let r = try e.extract(batch: Tensor(shape: [lengths.count, samples], data: data), lengths: lengths)
        let frames = r.features.shape[1], f = r.features.scalars
        XCTAssertGreaterThan(r.frameCounts.reduce(0, +), 16 * FrameScheduler.minimumFramesPerChunk)
        for (b, length) in lengths.enumerated() where length > 0 {
            let alone = try e.extract(Array(data[(b * samples)..<(b * samples + length)])).scalars
            let base = b * frames * 30
            XCTAssertTrue(Array(f[base..<(base + alone.count)]) == alone, "item \(b)")
        }
        XCTAssertEqual(r.frameCounts[2], 0)
    }

    func testParallelAndSerialAgree() throws {
        // A long signal crosses the parallel threshold; each frame must not depend on how work was split.
        let e = try LogMelExtractor()
        let x = noise(160 * 3000, seed: 4)
        let whole = try e.extract(x).scalars
        let part = try e.extract(Array(x[0..<(160 * 20)])).scalars  // serial (small)
        // Frames 0...18 lie inside the first 3200 samples (frame t reads t·160 − 200 ..< t·160 + 200).
        XCTAssertTrue(Array(whole[0..<(19 * 30)]) == Array(part[0..<(19 * 30)]))
    }

    /// Workers handed back by one call serve the next; the output does not depend on which worker (new or
    /// reused, with its scratch from another signal) computed a frame.
    func testWorkersAreReusedAcrossCalls() throws {
        let e = try LogMelExtractor()
        XCTAssertEqual(e.idleWorkers.idleCount, 0)
        let a = noise(16000 * 3, seed: 5), b = noise(16000 * 3, seed: 6)
        let first = try e.extract(a).scalars
        XCTAssertGreaterThan(e.idleWorkers.idleCount, 0)
        XCTAssertLessThanOrEqual(e.idleWorkers.idleCount, e.idleWorkers.capacity)
        _ = try e.extract(b)
        XCTAssertTrue(try e.extract(a).scalars == first)
        XCTAssertTrue(try LogMelExtractor().extract(a).scalars == first)
    }

    func testLogFloorAndSilence() throws {
        var config = LogMelConfig()
        config.logFloor = 1e-3
        let e = try LogMelExtractor(config: config)
        let silent = try e.extract([Float](repeating: 0, count: 1600)).scalars
        XCTAssertTrue(silent.allSatisfy { abs($0 - Float(log(1e-3))) < 1e-6 })
        config.logFloor = 0
        XCTAssertThrowsError(try LogMelExtractor(config: config))
    }

    func testDoubleInputIsAccepted() throws {
        let e = try LogMelExtractor()
        let x = noise(3000, seed: 5)
        XCTAssertEqual(try e.extract(Tensor(x).to(.float64)).scalars, try e.extract(x).scalars)
    }

    func testErrors() throws {
        let e = try LogMelExtractor()
        XCTAssertThrowsError(try e.extract([]))
        XCTAssertThrowsError(try e.extract(batch: Tensor.zeros([2, 100]), lengths: [50, 50], warpAlphas: [0.1]))
        XCTAssertThrowsError(try e.extract(batch: Tensor.zeros([2, 100]), lengths: [50, -1]))
        XCTAssertThrowsError(try e.extract(Tensor.zeros([100]), warpAlpha: -1)) { error in
            XCTAssertTrue((error as? SpectralError)?.description.contains("alpha") == true, "\(error)")
        }
    }

    func testConfigCodable() throws {
        var c = LogMelConfig()
        c.melScale = .htk
        c.maxFrequency = 7600
        c.padding = .reflect
        let data = try JSONEncoder().encode(c)
        XCTAssertEqual(try JSONDecoder().decode(LogMelConfig.self, from: data), c)
        // Missing keys take the defaults.
        let partial = try JSONDecoder().decode(LogMelConfig.self, from: Data(#"{"bandCount": 40, "logFloor": 1e-10}"#.utf8))
        var expected = LogMelConfig()
        expected.bandCount = 40
        expected.logFloor = 1e-10
        XCTAssertEqual(partial, expected)
        XCTAssertThrowsError(try JSONDecoder().decode(LogMelConfig.self, from: Data(#"{"window": "kaiser"}"#.utf8)))
    }
}
