import Foundation
import SERAudio
import SERTestSupport
import XCTest
@testable import SERFeatures

/// The formant chain stage by stage against openSMILE's own intermediate levels
/// (Tests/Fixtures/egemaps/formant_stages.json, from generate_egemaps_formant_stages.py with
/// opensmile-python 2.6.0): given openSMILE's FFT of a frame, the 11 kHz resampling must give its signal
/// bit for bit, the LPC of that signal its coefficients bit for bit, and the roots of those its formants.
/// The LPC roots of weak frames are ill-conditioned, so anything short of openSMILE's single-precision
/// arithmetic in these stages moves formants and bandwidths on EmoDB (Docs/Functionals.md).
final class EGeMAPSFormantStageTests: XCTestCase {
    struct Stages: Decodable {
        struct File: Decodable {
            var frames: [Int]
            /// openSMILE's packed FFT rows: Re X0, Re X_{N/2}, then (Re Xk, −Im Xk) pairs.
            var fft: [[Double]]
            var resampled: [[Double]]
            var lpc: [[Double]]
            /// 5 frequencies then 5 bandwidths (Hz).
            var formants: [[Double]]
        }
        var opensmile: String
        var files: [String: File]
    }

    func loadStages() throws -> Stages {
        do {
            return try Fixtures.json(Stages.self, "egemaps/formant_stages.json")
        } catch {
            throw XCTSkip("Tests/Fixtures/egemaps/formant_stages.json not readable: \(error)")
        }
    }

    /// `FormantLPC` for a fixture file's rate (20 ms frames, as eGeMAPS frames them).
    func formantLPC(_ name: String) throws -> FormantLPC {
        let audio = try AudioFile.read(Fixtures.url("egemaps/\(name).wav")).buffer
        let framing = SmileFraming(seconds: 0.020, hopSeconds: 0.010, sampleRate: audio.sampleRate)
        var size = 1
        while size < framing.length { size <<= 1 }
        return FormantLPC(fftSize: size, frameLength: framing.length, sampleRate: audio.sampleRate)
    }

    /// Unpacks openSMILE's FFT row into numpy-convention real and imaginary parts (`N/2 + 1` bins).
    func unpack(_ row: [Double]) -> (real: [Double], imaginary: [Double]) {
        let bins = row.count / 2 + 1
        var re = [Double](repeating: 0, count: bins), im = re
        re[0] = row[0]
        re[bins - 1] = row[1]
        for k in 1..<(bins - 1) {
            re[k] = row[2 * k]
            im[k] = -row[2 * k + 1]
        }
        return (re, im)
    }

    func testResamplingMatchesOpenSMILEBitForBit() throws {
        let stages = try loadStages()
        for (name, file) in stages.files.sorted(by: { $0.key < $1.key }) {
            let lpc = try formantLPC(name)
            for (i, frame) in file.frames.enumerated() {
                let (re, im) = unpack(file.fft[i])
                let mine = lpc.resampled(real: re[...], imaginary: im[...]).map(Float.init)
                let reference = file.resampled[i].map(Float.init)
                XCTAssertEqual(mine.count, reference.count, "\(name) frame \(frame): resampled length")
                let differing = zip(mine, reference).filter { $0 != $1 }.count
                XCTAssertEqual(differing, 0, "\(name) frame \(frame): \(differing) resampled samples differ")
            }
        }
    }

    func testLPCMatchesOpenSMILEBitForBit() throws {
        let stages = try loadStages()
        for (name, file) in stages.files.sorted(by: { $0.key < $1.key }) {
            for (i, frame) in file.frames.enumerated() {
                let mine = FormantLPC.lpc(file.resampled[i], order: FormantLPC.order).map(Float.init)
                XCTAssertEqual(mine, file.lpc[i].map(Float.init), "\(name) frame \(frame): LPC coefficients")
            }
        }
    }

    func testRootsMatchOpenSMILEFormants() throws {
        let stages = try loadStages()
        for (name, file) in stages.files.sorted(by: { $0.key < $1.key }) {
            let audio = try AudioFile.read(Fixtures.url("egemaps/\(name).wav")).buffer
            // openSMILE's LPC level period is 1 / 11000 s (cSpecResample's target rate)
            let period = 1 / FormantLPC.targetRate
            XCTAssertGreaterThan(audio.sampleRate, 0)
            for (i, frame) in file.frames.enumerated() {
                let (f, b) = FormantLPC.formants(lpc: file.lpc[i], samplePeriod: period)
                let reference = file.formants[i]
                for j in 0..<FormantLPC.formantCount {
                    XCTAssertEqual(f[j], reference[j], accuracy: 1e-5 * max(1, abs(reference[j])),
                                   "\(name) frame \(frame): F\(j + 1)")
                    XCTAssertEqual(b[j], reference[5 + j], accuracy: 1e-5 * max(1, abs(reference[5 + j])),
                                   "\(name) frame \(frame): bandwidth \(j + 1)")
                }
            }
        }
    }

    func testInputIsScaledAsOpenSMILEReads16BitPCM() throws {
        // openSMILE reads 16-bit sample k as Float(k) / 32767; AudioFile gives k / 32768
        let ks = Array(Int16.min...Int16.max)
        let audio = try AudioBuffer(samples: ks.map { Float($0) / 32768 }, sampleRate: 16000)
        let scaled = SmileInputScale.apply(audio)
        XCTAssertEqual(scaled.sampleRate, 16000)
        let wrong = zip(scaled.samples, ks).filter { $0 != Float($1) / 32767 }.count
        XCTAssertEqual(wrong, 0)
    }
}
