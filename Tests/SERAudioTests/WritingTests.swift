import Foundation
import XCTest
@testable import SERAudio

/// Writing WAV/FLAC: quantisation, round trips, atomicity, and refusal of bad input.
final class WritingTests: AudioTestCase {
    /// Grid values k / 2^(bits-1) (full scale included) survive every integer format exactly; arbitrary
    /// values come back within half an LSB (round to nearest), and out-of-range values clip.
    func testIntegerRoundTripsQuantiseToNearest() throws {
        var rng = RandomGenerator(seed: 42)
        let random = (0..<5000).map { _ in Float(rng.uniform(-1, 1)) }
        let formats: [(AudioFileFormat, Int)] = [(.wav, 16), (.wavPCM24, 24), (.wavPCM32, 32), (.flac, 16), (.flac24, 24)]
        for (format, bits) in formats {
            let scale = Float(Double(1 << (bits - 1)))
            let grid: [Float] = [0, 1 / scale, -1 / scale, 0.5, -0.5, -1, (scale - 1) / scale, 1234 / scale]
            let x = grid + random + [1.5, -1.5, 1.0]
            let url = file("q\(bits).\(format.container.rawValue)")
            try AudioFile.write(try AudioBuffer(samples: x, sampleRate: 16000), to: url, format: format)
            let y = try AudioBuffer(contentsOf: url).samples
            XCTAssertEqual(y.count, x.count, "\(format)")
            XCTAssertEqual(Array(y.prefix(grid.count)), grid, "\(format): grid values must be exact")
            let lsb = 1 / Double(scale)
            var worst = 0.0
            for i in grid.count..<(grid.count + random.count) {
                worst = max(worst, abs(Double(y[i]) - Double(x[i])))
            }
            print("\(format): worst round-trip error \(worst / lsb) LSB")
            // Half an LSB, plus Float rounding of the 32-bit read (k / 2^31 has up to 31 significant bits).
            XCTAssertLessThanOrEqual(worst, 0.5 * lsb + (bits == 32 ? 0x1p-25 : 0), "\(format)")
            XCTAssertEqual(Array(y.suffix(3)), [(scale - 1) / scale, -1, (scale - 1) / scale], "\(format): clipping")
        }
    }

    /// Float WAV stores values exactly, including beyond full scale.
    func testFloatWAVRoundTripIsExact() throws {
        var rng = RandomGenerator(seed: 7)
        let x = (0..<3000).map { _ in Float(rng.nextNormal()) }
        let url = file("float.wav")
        let buffer = try AudioBuffer(samples: x, sampleRate: 24000)
        try buffer.write(to: url, format: .wavFloat)
        let (info, back) = try AudioFile.read(url)
        assertSamplesEqual(back.samples, buffer.samples, "float WAV")
        XCTAssertEqual(back.sampleRate, 24000)
        XCTAssertEqual(info.subtype, "FLOAT")
    }

    /// Default format is 16-bit WAV.
    func testDefaultFormatIsPCM16WAV() throws {
        let url = file("default.wav")
        try AudioBuffer(samples: [0.25, -0.5], sampleRate: 8000).write(to: url)
        let info = try AudioFileInfo(contentsOf: url)
        XCTAssertEqual([info.format, info.subtype], ["WAV", "PCM_16"])
    }

    /// Overwriting replaces the file and leaves no temporary behind.
    func testWriteReplacesExistingFileAtomically() throws {
        let url = file("out.wav")
        try AudioBuffer(samples: [0.5, 0.5, 0.5], sampleRate: 8000).write(to: url)
        try AudioBuffer(samples: [-0.25], sampleRate: 16000).write(to: url)
        let back = try AudioBuffer(contentsOf: url)
        XCTAssertEqual(back.samples, [-0.25])
        XCTAssertEqual(back.sampleRate, 16000)
        XCTAssertEqual(try directoryListing(), ["out.wav"])
    }

    /// A refused write (NaN sample, impossible format) leaves the previous file untouched and no temporary.
    func testFailedWriteLeavesPreviousFile() throws {
        let url = file("keep.wav")
        let original = try AudioBuffer(samples: [0.125, -0.125], sampleRate: 8000)
        try original.write(to: url)
        let before = try Data(contentsOf: url)

        assertThrows(.nonFinite(path: url.path, sampleIndex: 1)) {
            try AudioBuffer(samples: [0, .nan, 0], sampleRate: 8000).write(to: url)
        }
        assertThrows(.nonFinite(path: url.path, sampleIndex: 2)) {
            try AudioFile.write(interleaved: [0, 0, 0, 0, 0, -.infinity], channels: 2, sampleRate: 8000, to: url)
        }
        let error = audioError { try original.write(to: url, format: AudioFileFormat(.ogg, .pcm16)) }
        guard case .writeFailed(let path, _)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertEqual(path, url.path)
        let rateError = audioError { try AudioBuffer(samples: [0], sampleRate: 1_000_000).write(to: url, format: .flac) }
        guard case .writeFailed? = rateError else { return XCTFail("got \(String(describing: rateError))") }

        XCTAssertEqual(try Data(contentsOf: url), before)
        XCTAssertEqual(try directoryListing(), ["keep.wav"])
    }

    func testWriteIntoMissingDirectoryFails() throws {
        let url = file("no/such/dir/x.wav")
        let error = audioError { try AudioBuffer(samples: [0], sampleRate: 8000).write(to: url) }
        guard case .writeFailed(let path, let reason)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertEqual(path, url.path)
        XCTAssertFalse(reason.isEmpty)
        XCTAssertTrue(error!.description.contains(url.path))
    }

    func testWriteRejectsBadLayout() {
        let url = file("bad.wav")
        assertThrows(.invalidArgument("channel count must be in 1...1024, got 0")) {
            try AudioFile.write(interleaved: [0], channels: 0, sampleRate: 8000, to: url)
        }
        assertThrows(.invalidArgument("3 interleaved samples is not a whole number of 2-channel frames")) {
            try AudioFile.write(interleaved: [0, 0, 0], channels: 2, sampleRate: 8000, to: url)
        }
        assertThrows(.invalidSampleRate(rate: -5, reason: "must be a positive number of Hz")) {
            try AudioFile.write(interleaved: [0], channels: 1, sampleRate: -5, to: url)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
    }

    /// Quantisation helper: round half to even, clip, left-align.
    func testQuantise() {
        XCTAssertEqual(AudioFile.quantise(0.5, bits: 16), 16384 << 16)
        XCTAssertEqual(AudioFile.quantise(-1, bits: 16), Int32.min)
        XCTAssertEqual(AudioFile.quantise(1, bits: 16), 32767 << 16)
        XCTAssertEqual(AudioFile.quantise(2.5 / 32768, bits: 16), 2 << 16)
        XCTAssertEqual(AudioFile.quantise(3.5 / 32768, bits: 16), 4 << 16)
        XCTAssertEqual(AudioFile.quantise(-0.4 / 32768, bits: 16), 0)
        XCTAssertEqual(AudioFile.quantise(1, bits: 24), 8_388_607 << 8)
        XCTAssertEqual(AudioFile.quantise(1, bits: 32), Int32.max)
        XCTAssertEqual(AudioFile.quantise(-2, bits: 32), Int32.min)
    }
}
