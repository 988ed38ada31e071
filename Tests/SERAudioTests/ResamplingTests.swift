import Foundation
import XCTest
@testable import SERAudio

/// libsamplerate conversion: frequency, amplitude and timing are kept; content above the new Nyquist
/// frequency is removed.
final class ResamplingTests: XCTestCase {
    /// 1 kHz at 48 kHz -> 16 kHz: same frequency, same amplitude (within 0.1 dB), same timing, away from
    /// the edges (the first and last 0.25 s, where the band-limited filter sees the signal's abrupt ends).
    func testDownsamplingKeepsFrequencyAndAmplitude() throws {
        let amplitude = 0.5
        let x = Signals.sine(frequency: 1000, rate: 48000, count: 96000, amplitude: amplitude)
        let buffer = try AudioBuffer(samples: x, sampleRate: 48000).resampled(to: 16000)
        XCTAssertEqual(buffer.sampleRate, 16000)
        XCTAssertEqual(buffer.count, 32000)
        let interior = buffer.samples[4000..<28000]  // 1500 whole periods of 16 samples

        let measured = Signals.amplitude(of: interior, frequency: 1000, rate: 16000)
        let gainDB = 20 * log10(measured / amplitude)
        let frequency = Signals.zeroCrossingFrequency(of: interior, rate: 16000)
        let ideal = Signals.sine(frequency: 1000, rate: 16000, count: 32000, amplitude: amplitude)
        let worst = (4000..<28000).map { abs(Double(buffer.samples[$0]) - Double(ideal[$0])) }.max() ?? .infinity
        print("1 kHz 48k->16k: gain \(gainDB) dB, frequency \(frequency) Hz, worst sample error \(worst)")
        XCTAssertLessThan(abs(gainDB), 0.1)
        XCTAssertEqual(frequency, 1000, accuracy: 0.01)
        XCTAssertLessThan(worst, 1e-5)
    }

    /// 12 kHz at 48 kHz lies above the 8 kHz Nyquist frequency of 16 kHz: attenuated by at least 60 dB.
    func testContentAboveNewNyquistIsRemoved() throws {
        let x = Signals.sine(frequency: 12000, rate: 48000, count: 96000, amplitude: 0.5)
        let y = try Resampler.resample(x, from: 48000, to: 16000)
        let attenuation = 20 * log10(Signals.rms(x[12000..<84000]) / Signals.rms(y[4000..<28000]))
        print("12 kHz 48k->16k (sinc best): attenuation \(attenuation) dB")
        XCTAssertGreaterThanOrEqual(attenuation, 60)
    }

    /// Quality is configurable and matters: zero-order hold has no anti-aliasing filter, so the same
    /// 12 kHz tone aliases through (far less than 60 dB attenuation).
    func testZeroOrderHoldAliases() throws {
        let x = Signals.sine(frequency: 12000, rate: 48000, count: 48000, amplitude: 0.5, phase: 0.3)
        let y = try Resampler.resample(x, from: 48000, to: 16000, quality: .zeroOrderHold)
        let attenuation = 20 * log10(Signals.rms(x[...]) / Signals.rms(y[2000..<14000]))
        print("12 kHz 48k->16k (zero-order hold): attenuation \(attenuation) dB")
        XCTAssertLessThan(attenuation, 20)
    }

    /// 16 kHz -> 44.1 kHz (non-integer ratio): a 1 kHz tone keeps amplitude and timing.
    func testUpsamplingNonIntegerRatio() throws {
        let x = Signals.sine(frequency: 1000, rate: 16000, count: 16000, amplitude: 0.8)
        let y = try Resampler.resample(x, from: 16000, to: 44100)
        XCTAssertEqual(y.count, 44100)
        let ideal = Signals.sine(frequency: 1000, rate: 44100, count: 44100, amplitude: 0.8)
        let worst = (11025..<33075).map { abs(Double(y[$0]) - Double(ideal[$0])) }.max() ?? .infinity
        let gainDB = 20 * log10(Signals.amplitude(of: y[11025..<33075], frequency: 1000, rate: 44100) / 0.8)
        print("1 kHz 16k->44.1k: gain \(gainDB) dB, worst sample error \(worst)")
        XCTAssertLessThan(abs(gainDB), 0.1)
        XCTAssertLessThan(worst, 1e-5)
    }

    /// Output length is ceil(count * target / source) for every converter.
    func testOutputLength() throws {
        let x = [Float](repeating: 0.1, count: 1001)
        for quality in ResamplingQuality.allCases {
            XCTAssertEqual(try Resampler.resample(x, from: 48000, to: 16000, quality: quality).count, 334, "\(quality)")
            XCTAssertEqual(try Resampler.resample(x, from: 16000, to: 22050, quality: quality).count, 1380, "\(quality)")
        }
    }

    func testSameRateAndEmptyInputAreIdentity() throws {
        let x: [Float] = [0.1, -0.2, 0.3]
        XCTAssertEqual(try Resampler.resample(x, from: 16000, to: 16000), x)
        XCTAssertEqual(try Resampler.resample([], from: 48000, to: 16000), [])
        var buffer = try AudioBuffer(samples: x, sampleRate: 8000)
        try buffer.resample(to: 8000)
        XCTAssertEqual(buffer.samples, x)
    }

    func testInvalidRates() {
        XCTAssertThrowsError(try Resampler.resample([0], from: 0, to: 16000)) {
            XCTAssertEqual($0 as? AudioError, .invalidSampleRate(rate: 0, reason: "source rate must be positive"))
        }
        XCTAssertThrowsError(try Resampler.resample([0], from: 16000, to: -1)) {
            XCTAssertEqual($0 as? AudioError, .invalidSampleRate(rate: -1, reason: "target rate must be positive"))
        }
        XCTAssertThrowsError(try Resampler.resample([0], from: 100, to: 100 * 257)) {
            guard case .invalidSampleRate(let rate, _)? = $0 as? AudioError else { return XCTFail("\($0)") }
            XCTAssertEqual(rate, 25700)
        }
    }
}
