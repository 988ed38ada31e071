import XCTest
import SERTestSupport
@testable import SERFeatures

/// `LogMelExtractor` against librosa.feature.melspectrogram and torchaudio.transforms.MelSpectrogram.
final class LogMelParityTests: XCTestCase {
    private func signals() throws -> (batch: Tensor, lengths: [Int]) {
        let chirp = try SpectralFixture.signal("chirp"), quiet = try SpectralFixture.signal("quiet")
        XCTAssertEqual(chirp.count, 16000)
        XCTAssertEqual(quiet.count, 8000)
        return (Tensor(shape: [2, 16000], data: chirp + quiet + [Float](repeating: 0, count: 8000)), [16000, 8000])
    }

    /// Worst absolute log-domain error over the frames of `expected` (`[items, frames, bands]`).
    private func worstError(_ got: Tensor, _ expected: Tensor, items: Int) -> Double {
        let e = expected.scalars, frames = expected.shape[1], bands = expected.shape[2]
        let g = got.scalars, gFrames = got.shape[1]
        var worst = 0.0
        for b in 0..<items {
            for t in 0..<frames {
                for m in 0..<bands {
                    worst = max(worst, Double(abs(g[(b * gFrames + t) * bands + m] - e[(b * frames + t) * bands + m])))
                }
            }
        }
        return worst
    }

    func testMatchesLibrosa() throws {
        let fixture = try SpectralFixture.load()
        let (batch, _) = try signals()
        XCTAssertEqual(fixture.logmel.count, 4)
        for c in fixture.logmel {
            var config = LogMelConfig()
            config.sampleRate = c.sr
            config.window = SpectralFixture.window(c.window)
            config.windowLength = c.win_length
            config.hopLength = c.hop_length
            config.fftSize = c.n_fft
            config.center = c.center
            config.padding = c.pad_mode == "reflect" ? .reflect : .constant
            config.power = Int(c.power)
            config.bandCount = c.n_mels
            config.minFrequency = c.fmin
            config.maxFrequency = c.fmax
            config.melScale = c.htk ? .htk : .slaney
            config.normalization = c.norm == "slaney" ? .slaney : .none
            config.logFloor = c.floor
            let expected = try SpectralFixture.npy("logmel_\(c.name).npy")
            let items = expected.shape[0]
            // The fixture's quiet signal was zero-padded to 1 s, so compute on full rows here.
            let got = try LogMelExtractor(config: config).extract(batch: batch, lengths: nil)
            XCTAssertEqual(Array(got.features.shape.dropFirst()), Array(expected.shape.dropFirst()), c.name)
            let worst = worstError(got.features, expected, items: items)
            print("log-mel vs librosa \(c.name): worst |error| = \(worst)")
            XCTAssertLessThan(worst, 2e-5, c.name)  // measured ≤ 6e-6; the float32 FFT is the limit
        }
    }

    func testMatchesTorchaudioHTK() throws {
        var config = LogMelConfig()
        config.padding = .reflect
        config.melScale = .htk
        config.normalization = .none
        let expected = try SpectralFixture.npy("torchaudio_htk.npy")
        let got = try LogMelExtractor(config: config).extract(batch: try signals().batch, lengths: nil)
        XCTAssertEqual(got.features.shape, expected.shape)
        let worst = worstError(got.features, expected, items: 2)
        print("log-mel vs torchaudio (htk): worst |error| = \(worst)")
        XCTAssertLessThan(worst, 1e-4)
    }

    func testDefaultsAreThePaperSettings() throws {
        let c = LogMelConfig()
        XCTAssertEqual([c.windowLength, c.hopLength, c.fftSize, c.bandCount], [400, 160, 512, 30])
        XCTAssertEqual(c.sampleRate, 16000)
        XCTAssertEqual(c.window, .hann)
        XCTAssertEqual(c.padding, .constant)
        XCTAssertEqual(c.logFloor, 1e-6)
        XCTAssertEqual(LogMelConfig.paper(sampleRate: 16000), c)
        let c8 = LogMelConfig.paper(sampleRate: 8000)
        XCTAssertEqual([c8.windowLength, c8.hopLength, c8.fftSize], [200, 80, 256])
    }
}
