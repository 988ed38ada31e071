import Foundation
import XCTest
@testable import SERFeatures

final class SpecAugmentTests: XCTestCase {
    /// `[batch, frames, bands]` with distinct non-zero values, padding rows (past `counts`) set to 99.
    private func features(batch: Int, frames: Int, bands: Int, counts: [Int]) -> Tensor {
        var data = [Float]()
        for b in 0..<batch {
            for t in 0..<frames {
                for m in 0..<bands { data.append(t < counts[b] ? Float(1 + b * 10000 + t * 100 + m) : 99) }
            }
        }
        return Tensor(shape: [batch, frames, bands], data: data)
    }

    func testNotTrainingIsIdentity() throws {
        let x = features(batch: 2, frames: 50, bands: 30, counts: [50, 40])
        var rng = RandomGenerator(seed: 1)
        let before = rng
        let y = try SpecAugment()(x, training: false, using: &rng)
        XCTAssertTrue(y === x)
        XCTAssertEqual(rng, before, "no random draws outside training")
    }

    func testDeterministicUnderSeed() throws {
        let x = features(batch: 3, frames: 80, bands: 30, counts: [80, 60, 10])
        let aug = try SpecAugment(config: SpecAugmentConfig(maxTimeWarp: 5))
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9), c = RandomGenerator(seed: 10)
        let ya = try aug.apply(x, frameCounts: [80, 60, 10], training: true, using: &a).scalars
        let yb = try aug.apply(x, frameCounts: [80, 60, 10], training: true, using: &b).scalars
        let yc = try aug.apply(x, frameCounts: [80, 60, 10], training: true, using: &c).scalars
        XCTAssertTrue(ya == yb)
        XCTAssertFalse(ya == yc)
        XCTAssertFalse(ya == x.scalars)
    }

    func testMasksAreWholeBandsAndFramesWithinRealFrames() throws {
        let counts = [70, 45]
        let (frames, bands) = (70, 30)
        let x = features(batch: 2, frames: frames, bands: bands, counts: counts)
        let mask = Tensor(shape: [2, frames], data: (0..<(2 * frames)).map { Float($0 % frames < counts[$0 / frames] ? 1 : 0) })
        let config = SpecAugmentConfig(frequencyMaskCount: 2, maxFrequencyMaskWidth: 5, timeMaskCount: 2,
                                       maxTimeMaskWidth: 10, maxTimeMaskFraction: 1)
        let aug = try SpecAugment(config: config)
        var rng = RandomGenerator(seed: 123)
        var sawBandMask = false, sawFrameMask = false
        for _ in 0..<200 {
            let y = try aug(x, mask: mask, training: true, using: &rng).scalars
            let xs = x.scalars
            for b in 0..<2 {
                let n = counts[b]
                // Every cell is either unchanged or zero; padding rows are untouched.
                for t in 0..<frames {
                    for m in 0..<bands {
                        let i = (b * frames + t) * bands + m
                        if t >= n { XCTAssertEqual(y[i], 99) } else { XCTAssertTrue(y[i] == xs[i] || y[i] == 0) }
                    }
                }
                // Zeroed cells form full bands over the real frames or full frames over all bands.
                let zeroBands = (0..<bands).filter { m in (0..<n).allSatisfy { y[(b * frames + $0) * bands + m] == 0 } }
                let zeroFrames = (0..<n).filter { t in (0..<bands).allSatisfy { y[(b * frames + t) * bands + $0] == 0 } }
                for t in 0..<n {
                    for m in 0..<bands where y[(b * frames + t) * bands + m] == 0 {
                        XCTAssertTrue(zeroBands.contains(m) || zeroFrames.contains(t))
                    }
                }
                XCTAssertLessThanOrEqual(zeroBands.count, 10)
                if zeroFrames.count < n { XCTAssertLessThanOrEqual(zeroFrames.count, 20) }
                sawBandMask = sawBandMask || !zeroBands.isEmpty
                sawFrameMask = sawFrameMask || (!zeroFrames.isEmpty && zeroBands.count < bands)
            }
        }
        XCTAssertTrue(sawBandMask && sawFrameMask)
    }

    func testMaskWidthsReachTheirBoundsButNeverExceed() throws {
        // One frequency mask, no time masks: the zeroed band run length is the drawn width f ∈ 0...F.
        let aug = try SpecAugment(config: SpecAugmentConfig(frequencyMaskCount: 1, maxFrequencyMaskWidth: 6, timeMaskCount: 0))
        let x = Tensor.ones([20, 30])
        var rng = RandomGenerator(seed: 5)
        var widths = Set<Int>()
        for _ in 0..<500 {
            let y = try aug(x, training: true, using: &rng).scalars
            widths.insert((0..<30).filter { y[$0] == 0 }.count)
        }
        XCTAssertEqual(widths, Set(0...6))
        // Time masks respect p: with p = 0.1 and 50 frames, at most 5 frames per mask.
        let augT = try SpecAugment(config: SpecAugmentConfig(frequencyMaskCount: 0, timeMaskCount: 1, maxTimeMaskWidth: 40,
                                                             maxTimeMaskFraction: 0.1))
        var tw = Set<Int>()
        for _ in 0..<500 {
            let y = try augT(Tensor.ones([50, 4]), training: true, using: &rng).scalars
            tw.insert((0..<50).filter { y[$0 * 4] == 0 }.count)
        }
        XCTAssertEqual(tw, Set(0...5))
    }

    func testMeanMaskValue() throws {
        let x = features(batch: 1, frames: 30, bands: 8, counts: [20])
        let xs = x.scalars
        let mean = Float((0..<(20 * 8)).reduce(0.0) { $0 + Double(xs[$1]) } / Double(20 * 8))
        let aug = try SpecAugment(config: SpecAugmentConfig(frequencyMaskCount: 3, maxFrequencyMaskWidth: 3,
                                                            timeMaskCount: 3, maxTimeMaskWidth: 5, maxTimeMaskFraction: 1,
                                                            maskValue: .mean))
        var rng = RandomGenerator(seed: 77)
        var masked = 0
        for _ in 0..<20 {
            let y = try aug.apply(x, frameCounts: [20], training: true, using: &rng).scalars
            for i in 0..<(20 * 8) where y[i] != xs[i] {
                XCTAssertEqual(y[i], mean, accuracy: 1e-3)
                masked += 1
            }
            XCTAssertEqual(Array(y[(20 * 8)...]), Array(xs[(20 * 8)...]))
        }
        XCTAssertGreaterThan(masked, 0)
    }

    func testTimeWarpIsPiecewiseLinearWithFixedEnds() throws {
        // Input x[t, m] = t: after warping, row j holds its source position exactly.
        let frames = 60, bands = 3
        let x = Tensor(shape: [frames, bands], data: (0..<(frames * bands)).map { Float($0 / bands) })
        let aug = try SpecAugment(config: SpecAugmentConfig(frequencyMaskCount: 0, timeMaskCount: 0, maxTimeWarp: 8))
        var rng = RandomGenerator(seed: 31)
        var moved = 0
        for _ in 0..<100 {
            var probe = rng
            let (centre, shift) = try XCTUnwrap(TimeWarp.draw(frames: frames, maxShift: 8, using: &probe))
            XCTAssertTrue((1...8).contains(abs(shift)) || shift == 0)
            XCTAssertTrue(centre - 8 >= 1 && centre + 8 <= frames - 2)
            let y = try aug(x, training: true, using: &rng).scalars
            XCTAssertEqual(rng, probe, "the warp consumes exactly its two draws")
            XCTAssertEqual(y[0], 0)
            XCTAssertEqual(y[(frames - 1) * bands], Float(frames - 1), accuracy: 1e-4)
            XCTAssertEqual(y[(centre + shift) * bands], Float(centre), accuracy: 1e-4, "centre moves to centre + shift")
            for j in 1..<frames {
                XCTAssertGreaterThan(y[j * bands], y[(j - 1) * bands])  // monotone resampling
                XCTAssertEqual(y[j * bands], y[j * bands + 2])          // all bands alike
                XCTAssertEqual(Double(y[j * bands]), TimeWarp.source(j, frames: frames, centre: centre, shift: shift),
                               accuracy: 1e-4)
            }
            if shift != 0 { moved += 1 }
        }
        XCTAssertGreaterThan(moved, 50)
        // Too short to warp: unchanged, and no draws.
        var r = RandomGenerator(seed: 1)
        XCTAssertNil(TimeWarp.draw(frames: 4, maxShift: 8, using: &r))
        XCTAssertEqual(r, RandomGenerator(seed: 1))
    }

    func testRank2AndErrors() throws {
        var rng = RandomGenerator(seed: 2)
        let aug = try SpecAugment()
        XCTAssertEqual(try aug(Tensor.ones([100, 30]), training: true, using: &rng).shape, [100, 30])
        XCTAssertThrowsError(try aug(Tensor.ones([30]), training: true, using: &rng))
        XCTAssertThrowsError(try aug(Tensor.ones([2, 10, 30]), mask: Tensor.ones([2, 11]), training: true, using: &rng))
        XCTAssertThrowsError(try aug.apply(Tensor.ones([2, 10, 30]), frameCounts: [10, 11], training: true, using: &rng))
        XCTAssertThrowsError(try SpecAugment(config: SpecAugmentConfig(maxTimeMaskFraction: 1.5)))
        XCTAssertThrowsError(try SpecAugment(config: SpecAugmentConfig(timeMaskCount: -1)))
        // Codable round trip.
        let c = SpecAugmentConfig(maskValue: .mean, maxTimeWarp: 3)
        XCTAssertEqual(try JSONDecoder().decode(SpecAugmentConfig.self, from: JSONEncoder().encode(c)), c)
    }
}
