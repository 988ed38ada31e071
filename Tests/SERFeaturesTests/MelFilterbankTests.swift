import XCTest
import SERTestSupport
@testable import SERFeatures

final class MelFilterbankTests: XCTestCase {
    /// Worst `|a − e|` relative to the largest weight of the same band (so near-zero triangle tails don't
    /// dominate), and whether the non-zero patterns agree exactly.
    private func compare(_ bank: MelFilterbank, _ expected: [Float], shape: [Int]) -> (worst: Double, sameSupport: Bool) {
        let got = bank.matrix.scalars
        var worst = 0.0, same = true
        for b in 0..<shape[0] {
            let row = b * shape[1]..<((b + 1) * shape[1])
            let peak = Double(expected[row].max() ?? 0)
            for i in row {
                if (got[i] == 0) != (expected[i] == 0) { same = false }
                worst = max(worst, Double(abs(got[i] - expected[i])) / max(peak, 1e-30))
            }
        }
        return (worst, same)
    }

    func testMatchesLibrosa() throws {
        let fixture = try SpectralFixture.load()
        let values = try SpectralFixture.npy("filterbank_values.npy").scalars
        XCTAssertEqual(fixture.filterbanks.librosa.count, 8)
        var worstAll = 0.0
        for case_ in fixture.filterbanks.librosa {
            let bank = try MelFilterbank(config: case_.config.melConfig)
            XCTAssertEqual(bank.matrix.shape, case_.shape)
            let (worst, same) = compare(bank, case_.dense(values), shape: case_.shape)
            print("librosa.filters.mel \(case_.config): worst rel error \(worst)")
            XCTAssertTrue(same, "non-zero pattern differs for \(case_.config)")
            XCTAssertLessThan(worst, 1e-6, "\(case_.config)")
            worstAll = max(worstAll, worst)
        }
        print("librosa filterbanks: worst relative error \(worstAll)")
    }

    func testMatchesTorchaudio() throws {
        // torchaudio builds the bank in float32 (torch.linspace of mels, float32 slopes), so its weights carry
        // float32 rounding of the edge frequencies: a few 1e-6 of a band's peak, and a weight that is exactly at an edge
        // can come out as a tiny non-zero. Hence the looser bound and no support check here.
        let fixture = try SpectralFixture.load()
        let values = try SpectralFixture.npy("filterbank_values.npy").scalars
        XCTAssertEqual(fixture.filterbanks.torchaudio.count, 5)
        for case_ in fixture.filterbanks.torchaudio {
            let bank = try MelFilterbank(config: case_.config.melConfig)
            let (worst, _) = compare(bank, case_.dense(values), shape: case_.shape)
            print("torchaudio melscale_fbanks \(case_.config): worst rel error \(worst)")
            XCTAssertLessThan(worst, 1e-5, "\(case_.config)")
        }
    }

    func testWarpedBankMatchesNumPyReference() throws {
        let fixture = try SpectralFixture.load()
        let values = try SpectralFixture.npy("filterbank_values.npy").scalars
        XCTAssertEqual(fixture.filterbanks.warped.count, 4)
        for case_ in fixture.filterbanks.warped {
            let alpha = try XCTUnwrap(case_.alpha)
            let bank = try MelFilterbank(config: case_.config.melConfig, warpAlpha: alpha)
            let edges = try XCTUnwrap(case_.edges)
            for (a, e) in zip(bank.edgeFrequencies, edges) { XCTAssertEqual(a, e, accuracy: 1e-9 * max(1, e)) }
            let (worst, same) = compare(bank, case_.dense(values), shape: case_.shape)
            print("warped α=\(alpha) \(case_.config): worst rel error \(worst)")
            XCTAssertTrue(same)
            XCTAssertLessThan(worst, 1e-6)
            // And warping really changed the bank.
            XCTAssertNotEqual(bank.matrix.scalars, try MelFilterbank(config: case_.config.melConfig).matrix.scalars)
        }
    }

    func testMelScalesRoundTripAndKnownValues() {
        for scale in MelScale.allCases {
            for f in [0.0, 55, 440, 999.9, 1000, 1000.1, 4000, 8000, 22050] {
                XCTAssertEqual(scale.hz(fromMel: scale.mel(fromHz: f)), f, accuracy: 1e-9 * max(1, f), "\(scale) \(f)")
            }
        }
        XCTAssertEqual(MelScale.htk.mel(fromHz: 700), 2595 * log10(2), accuracy: 1e-12)
        XCTAssertEqual(MelScale.slaney.mel(fromHz: 1000), 15, accuracy: 1e-12)
        XCTAssertEqual(MelScale.slaney.mel(fromHz: 6400), 15 + 27, accuracy: 1e-9)  // 27 steps per factor 6.4
        XCTAssertEqual(MelScale.slaney.mel(fromHz: 200), 3, accuracy: 1e-12)
    }

    func testSlaneyAreaIsConstant() throws {
        // Slaney normalisation makes each triangle's area (in Hz) 1: Σ_k w_k · Δf ≈ 1 for bands much wider than a bin.
        let bank = try MelFilterbank(config: MelFilterbankConfig(fftSize: 4096, bandCount: 20))
        let m = bank.matrix.scalars, bins = 2049, df = 16000.0 / 4096
        for b in 0..<20 {
            let area = m[(b * bins)..<((b + 1) * bins)].reduce(0.0) { $0 + Double($1) } * df
            XCTAssertEqual(area, 1, accuracy: 0.02, "band \(b)")
        }
    }

    func testApplyMatchesDenseProduct() throws {
        let bank = try MelFilterbank(config: MelFilterbankConfig(scale: .htk, normalization: .none))
        var rng = RandomGenerator(seed: 5)
        let spec = Tensor.uniform([2, 7, 257], using: &rng)
        let sparse = try bank.apply(to: spec)
        let dense = spec.matmul(bank.matrix, transposeB: true)
        XCTAssertEqual(sparse.shape, [2, 7, 30])
        let d = Discrepancy.between(sparse.doubles, dense.doubles)
        XCTAssertLessThan(d.maxRelative, 1e-5, "\(d)")
        XCTAssertThrowsError(try bank.apply(to: Tensor.zeros([3, 256])))
    }

    func testInvalidConfigurationsThrow() {
        XCTAssertThrowsError(try MelFilterbank(config: MelFilterbankConfig(bandCount: 0)))
        XCTAssertThrowsError(try MelFilterbank(config: MelFilterbankConfig(minFrequency: -1)))
        XCTAssertThrowsError(try MelFilterbank(config: MelFilterbankConfig(maxFrequency: 9000)))
        XCTAssertThrowsError(try MelFilterbank(config: MelFilterbankConfig(minFrequency: 4000, maxFrequency: 3000)))
        XCTAssertThrowsError(try MelFilterbank(config: MelFilterbankConfig(fftSize: 3)))
        XCTAssertThrowsError(try MelFilterbank(config: MelFilterbankConfig(sampleRate: 0)))
        XCTAssertThrowsError(try MelFilterbank(warpAlpha: 1)) { error in
            XCTAssertTrue("\(error)".contains("alpha"), "\(error)")
        }
        XCTAssertThrowsError(try MelFilterbank(warpAlpha: .nan))
        XCTAssertFalse(try MelFilterbank().hasEmptyBands)
        XCTAssertTrue(try MelFilterbank(config: MelFilterbankConfig(fftSize: 64, bandCount: 60)).hasEmptyBands)
    }
}
