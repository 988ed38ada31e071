import XCTest
@testable import SERFeatures

/// Properties of the eGeMAPS building blocks that follow from openSMILE's definitions (the end-to-end
/// numbers are checked against openSMILE in EGeMAPSParityTests).
final class EGeMAPSComponentTests: XCTestCase {
    func testSmoothingRepeatsEdgesAndSkipsZeros() {
        let x: [Double] = [3, 6, 0, 9, 12]
        let plain = ContourSmoothing.movingAverage3(x, skippingZeros: false)
        XCTAssertEqual(plain[0], (3 + 3 + 6) / 3, accuracy: 1e-12)
        XCTAssertEqual(plain[2], (6 + 0 + 9) / 3, accuracy: 1e-12)
        XCTAssertEqual(plain[4], (9 + 12 + 12) / 3, accuracy: 1e-12)
        let voiced = ContourSmoothing.movingAverage3(x, skippingZeros: true)
        XCTAssertEqual(voiced[1], (3 + 6) / 2, accuracy: 1e-12)
        XCTAssertEqual(voiced[2], 0)
        XCTAssertEqual(voiced[3], (9 + 12) / 2, accuracy: 1e-12)
    }

    func testPercentilesInterpolateLinearly() {
        let sorted = (0...10).map(Double.init)
        XCTAssertEqual(ContourStatistics.percentile(0.2, sorted: sorted), 2, accuracy: 1e-12)
        XCTAssertEqual(ContourStatistics.percentile(0.55, sorted: sorted), 5.5, accuracy: 1e-12)
        XCTAssertEqual(ContourStatistics.percentile(0.5, sorted: []), 0)
        XCTAssertEqual(ContourStatistics.coefficientOfVariation([2, 2, 2]), 0)
        // population standard deviation over the signed mean
        XCTAssertEqual(ContourStatistics.coefficientOfVariation([-1, -3]), -0.5, accuracy: 1e-12)
    }

    func testSegmentsFollowOpenSMILEBookkeeping() {
        // 10 voiced frames, 3 unvoiced, 5 voiced, 2 unvoiced
        let x = [Double](repeating: 1, count: 10) + [0, 0, 0] + [Double](repeating: 1, count: 5) + [0, 0]
        let voiced = ContourSegments(x, voiced: true)
        // closed by a pause of 2 frames: recorded one frame short (openSMILE's i − segEnd − start)
        XCTAssertEqual(voiced.lengths, [9, 4])
        XCTAssertEqual(voiced.segmentsPerSecond(framePeriod: 0.01), 2 / 0.2, accuracy: 1e-12)
        XCTAssertEqual(voiced.meanLength(framePeriod: 0.01), 0.065, accuracy: 1e-12)
        XCTAssertEqual(ContourSegments([], voiced: true).lengths, [])
    }

    func testPeaksOfARegularOscillation() {
        // a sine with 5 periods over 100 frames has 5 maxima
        let x = (0..<100).map { 1 + sin(2 * Double.pi * 5 * Double($0) / 100 + 0.3) }
        let peaks = ContourPeaks(x, framePeriod: 0.01)
        XCTAssertEqual(peaks.extrema.filter(\.isMaximum).count, 5)
        XCTAssertEqual(peaks.peaksPerSecond, 5, accuracy: 1e-12)
        let slopes = peaks.slopeStatistics
        XCTAssertGreaterThan(slopes.meanRising, 0)
        XCTAssertTrue([slopes.stddevRising, slopes.meanFalling, slopes.stddevFalling].allSatisfy(\.isFinite))
    }

    func testSubharmonicSummationFindsTheFundamentalOfAHarmonicTone() throws {
        // 60 ms Gaussian frames of a 180 Hz harmonic tone: the best SHS candidate is within 1 % of 180 Hz
        let rate = 16000
        let samples = (0..<4000).map { i -> Float in
            let t = Double(i) / Double(rate)
            return Float((1...8).reduce(0.0) { $0 + 0.3 / Double($1) * sin(2 * Double.pi * 180 * Double($1) * t) })
        }
        let framing = SmileFraming(seconds: 0.06, hopSeconds: 0.01, sampleRate: rate)
        let spectra = SmileSpectra(samples: samples, sampleRate: rate, framing: framing, window: .gauss(sigma: 0.4))
        let f0 = VoiceDescriptors.fundamentalFrequency(spectra)
        let voiced = f0.filter { $0 > 0 }
        XCTAssertGreaterThan(voiced.count, f0.count / 2)
        for f in voiced { XCTAssertEqual(f, 180, accuracy: 1.8) }
    }

    func testLevinsonRecoversAnAutoregressiveProcess() {
        // x[n] = 1.3 x[n−1] − 0.6 x[n−2] + e[n]: LPC of order 2 gives a ≈ (−1.3, 0.6)
        var x = [Double](repeating: 0, count: 4000)
        var state: UInt64 = 12345
        for n in 2..<x.count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let e = Double(Int64(bitPattern: state >> 11) % 1000) / 1000 - 0.5
            x[n] = 1.3 * x[n - 1] - 0.6 * x[n - 2] + e
        }
        let a = FormantLPC.lpc(x, order: 2)
        XCTAssertEqual(a[0], -1.3, accuracy: 0.02)
        XCTAssertEqual(a[1], 0.6, accuracy: 0.02)
    }
}
