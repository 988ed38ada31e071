import XCTest
import SERTestSupport
@testable import SERFeatures

/// `Spectrogram` against `librosa.stft` (float64 FFT rounded to complex64) on the first 1234 samples of the chirp.
final class STFTParityTests: XCTestCase {
    func testMatchesLibrosa() throws {
        let fixture = try SpectralFixture.load()
        let signal = try SpectralFixture.signal("chirp")
        XCTAssertEqual(fixture.stft.count, 4)
        for c in fixture.stft {
            let config = STFTConfig(window: SpectralFixture.window(c.window), windowLength: c.win_length,
                                    hopLength: c.hop_length, fftSize: c.n_fft, center: c.center,
                                    padding: c.pad_mode == "reflect" ? .reflect : .constant, power: c.power)
            let out = try Spectrogram(config: config).compute(Array(signal[0..<c.samples]))
            let expected = try SpectralFixture.npy("stft_\(c.name).npy")
            XCTAssertEqual(out.shape, expected.shape, c.name)
            XCTAssertEqual(out.shape, [config.frameCount(samples: c.samples), config.binCount], c.name)
            // Error relative to the largest bin of the same frame: float32 FFT rounding scales with frame energy.
            let a = out.scalars, e = expected.scalars, bins = config.binCount
            var worst = 0.0
            for t in 0..<out.shape[0] {
                let peak = Double(e[(t * bins)..<((t + 1) * bins)].max() ?? 0)
                for k in 0..<bins { worst = max(worst, Double(abs(a[t * bins + k] - e[t * bins + k])) / peak) }
            }
            print("STFT \(c.name): worst |error| / frame peak = \(worst)")
            XCTAssertLessThan(worst, 2e-6, c.name)
        }
    }

    func testBatchWithLengthsMatchesItemsAlone() throws {
        var rng = RandomGenerator(seed: 11)
        let samples = 2000
        let data = (0..<(3 * samples)).map { _ in Float(rng.nextNormal()) }
        let lengths = [2000, 1234, 0]
        for padding in PaddingMode.allCases {
            let spec = try Spectrogram(config: STFTConfig(padding: padding))
            let batch = try spec.compute(batch: Tensor(shape: [3, samples], data: data), lengths: lengths)
            XCTAssertEqual(batch.frameCounts, [13, 8, 0])
            XCTAssertEqual(batch.features.shape, [3, 13, 257])
            XCTAssertEqual(batch.mask.shape, [3, 13])
            let feats = batch.features.scalars, mask = batch.mask.scalars
            for b in 0..<2 {
                let alone = try spec.compute(Array(data[(b * samples)..<(b * samples + lengths[b])])).scalars
                XCTAssertEqual(Array(feats[(b * 13 * 257)..<(b * 13 * 257 + alone.count)]), alone, "item \(b) \(padding)")
                XCTAssertTrue(feats[(b * 13 * 257 + alone.count)..<((b + 1) * 13 * 257)].allSatisfy { $0 == 0 })
            }
            XCTAssertEqual(mask, (0..<39).map { i in Float(i / 13 == 0 || (i / 13 == 1 && i % 13 < 8) ? 1 : 0) })
        }
    }

    func testReflectPaddingFollowsNumPy() {
        // np.pad([1,2,3], 7, 'reflect') = [2 3 2 1 2 3 2 1 | 1 2 3 | 2 1 2 3 2 1] (period 4, keeps reflecting)
        let expected = [2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2]
        let got = (-7..<10).map { PaddingMode.reflect.sourceIndex($0, length: 3).map { $0 + 1 } ?? 0 }
        XCTAssertEqual(got, expected)
        XCTAssertEqual((-2..<3).map { PaddingMode.reflect.sourceIndex($0, length: 1) }, [0, 0, 0, 0, 0])
        XCTAssertEqual((-1..<4).map { PaddingMode.constant.sourceIndex($0, length: 3) }, [nil, 0, 1, 2, nil])
    }

    func testInvalidSettingsAndShortSignalsThrow() throws {
        XCTAssertThrowsError(try Spectrogram(config: STFTConfig(fftSize: 511)))
        XCTAssertThrowsError(try Spectrogram(config: STFTConfig(windowLength: 600)))
        XCTAssertThrowsError(try Spectrogram(config: STFTConfig(hopLength: 0)))
        XCTAssertThrowsError(try Spectrogram(config: STFTConfig(power: 3))) { error in
            XCTAssertTrue("\(error)".contains("power"), "\(error)")
        }
        let noCenter = try Spectrogram(config: STFTConfig(center: false))
        XCTAssertThrowsError(try noCenter.compute([Float](repeating: 0, count: 100))) { error in
            XCTAssertEqual(error as? SpectralError, .signalTooShort(samples: 100, required: 512))
        }
        XCTAssertThrowsError(try Spectrogram().compute([]))
        XCTAssertThrowsError(try Spectrogram().compute(Tensor.zeros([2, 2, 2])))
        XCTAssertThrowsError(try Spectrogram().compute(batch: Tensor.zeros([2, 100]), lengths: [100, 101]))
        XCTAssertThrowsError(try Spectrogram().compute(batch: Tensor.zeros([2, 100]), lengths: [100]))
    }

    func testWindowValues() {
        // Periodic windows: w[n] of length N is the symmetric window of length N + 1 without its last point.
        XCTAssertEqual(WindowFunction.hann.values(length: 4), [0, 0.5, 1, 0.5].map { $0 }, accuracy: 1e-15)
        XCTAssertEqual(WindowFunction.hamming.values(length: 4), [0.08, 0.54, 1, 0.54], accuracy: 1e-15)
        XCTAssertEqual(WindowFunction.rectangular.values(length: 3), [1, 1, 1])
        XCTAssertEqual(WindowFunction.hann.padded(length: 2, fftSize: 5), [0, 0, 1, 0, 0], accuracy: 1e-15)
    }
}

func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
