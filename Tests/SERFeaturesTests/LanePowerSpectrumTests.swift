import XCTest
import SERTensor
@testable import SERFeatures

/// The 16-lane power spectrum against a float64 DFT computed here, and against KissFFT (``RealFFT``),
/// lane by lane, with lanes holding different signals (so a lane mix-up cannot pass).
final class LanePowerSpectrumTests: XCTestCase {
    func testEachLaneMatchesAFloat64DFT() throws {
        var rng = RandomGenerator(seed: 11)
        for size in [8, 64, 512, 1024] {
            let fft = try XCTUnwrap(LanePowerSpectrum(size: size))
            let width = LanePowerSpectrum.laneCount
            // Lane l: noise with a lane-specific sinusoid, so every lane's spectrum differs.
            var frames = [[Float]](repeating: [], count: width)
            for l in 0..<width {
                frames[l] = (0..<size).map { j in
                    Float(0.3 * rng.nextNormal() + sin(2 * Double.pi * Double((l + 1) * j) / Double(size)))
                }
            }
            var input = [SIMD16<Float>](repeating: .zero, count: size)
            for j in 0..<size { for l in 0..<width { input[j][l] = frames[l][j] } }
            var output = [SIMD16<Float>](repeating: .zero, count: size / 2 + 1)
            input.withUnsafeBufferPointer { i in
                output.withUnsafeMutableBufferPointer { o in fft.power(i.baseAddress!, into: o.baseAddress!) }
            }
            let kiss = try XCTUnwrap(RealFFT(size: size))
            var worst = 0.0, worstKiss = 0.0
            for l in 0..<width {
                let bins = referenceDFT(frames[l])
                let reference = zip(bins.re, bins.im).map { $0 * $0 + $1 * $1 }
                let scale = reference.max() ?? 1
                let (kr, ki) = kiss.forward(frames[l])
                for k in 0...(size / 2) {
                    worst = max(worst, abs(Double(output[k][l]) - reference[k]) / scale)
                    let kissPower = Double(kr[k] * kr[k] + ki[k] * ki[k])
                    worstKiss = max(worstKiss, abs(kissPower - reference[k]) / scale)
                }
            }
            print("LanePowerSpectrum size \(size): worst error / peak power \(worst) (KissFFT: \(worstKiss))")
            XCTAssertLessThan(worst, 1e-5, "size \(size)")
        }
    }

    func testOnlyPowersOfTwoFromEightAreBuilt() {
        XCTAssertNil(LanePowerSpectrum(size: 4))
        XCTAssertNil(LanePowerSpectrum(size: 400))
        XCTAssertNotNil(LanePowerSpectrum(size: 8))
    }
}
