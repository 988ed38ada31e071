import Foundation
import XCTest
@testable import SERAudio

/// Reading WAV/FLAC/OGG into mono `AudioBuffer`s and headers into `AudioFileInfo`.
final class ReadingTests: AudioTestCase {
    /// Hand-built 16-bit PCM WAV: sample k reads as exactly k / 32768.
    func testReadsHandBuiltPCM16WAVExactly() throws {
        let ints = [0, 1, -1, 12345, -23456, 32767, -32768, 100, -100]
        let url = file("pcm16.wav")
        try WAVBuilder.wav(formatTag: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16,
                           payload: WAVBuilder.integers(ints, bytesPerSample: 2)).write(to: url)
        let (info, buffer) = try AudioFile.read(url)
        XCTAssertEqual(buffer.samples, ints.map { Float($0) / 32768 })
        XCTAssertEqual(buffer.sampleRate, 8000)
        XCTAssertEqual(info.format, "WAV")
        XCTAssertEqual(info.subtype, "PCM_16")
        XCTAssertEqual(info.channels, 1)
        XCTAssertEqual(info.frames, ints.count)
    }

    /// Hand-built 24-bit stereo WAV: mono = (a/2^23 + b/2^23) / 2.
    func testReadsHandBuiltPCM24StereoWAVAsMean() throws {
        let left = [0, 8_388_607, -8_388_608, 1, 4_000_000, -77]
        let right = [5, 8_388_607, 8_388_607, -1, -4_000_001, 1_234_567]
        let interleaved = zip(left, right).flatMap { [$0, $1] }
        let url = file("pcm24.wav")
        try WAVBuilder.wav(formatTag: 1, channels: 2, sampleRate: 22050, bitsPerSample: 24,
                           payload: WAVBuilder.integers(interleaved, bytesPerSample: 3)).write(to: url)
        let (info, buffer) = try AudioFile.read(url)
        let scale = Float(1 << 23)
        let expected = zip(left, right).map { (Float($0) / scale + Float($1) / scale) / 2 }
        XCTAssertEqual(buffer.samples, expected)
        XCTAssertEqual(info.subtype, "PCM_24")
        XCTAssertEqual(info.channels, 2)
        XCTAssertEqual(info.sampleRate, 22050)
    }

    /// Hand-built 32-bit PCM WAV: k reads as k / 2^31 rounded to Float.
    func testReadsHandBuiltPCM32WAV() throws {
        let ints = [0, 1 << 30, -(1 << 31), Int(Int32.max), 123_456_789, -987_654_321]
        let url = file("pcm32.wav")
        try WAVBuilder.wav(formatTag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 32,
                           payload: WAVBuilder.integers(ints, bytesPerSample: 4)).write(to: url)
        let buffer = try AudioBuffer(contentsOf: url)
        for (got, k) in zip(buffer.samples, ints) {
            XCTAssertEqual(Double(got), Double(k) / 2_147_483_648, accuracy: Double(abs(k)) * 0x1p-24 / 2_147_483_648 + 1e-12)
        }
        XCTAssertEqual(buffer.samples[1], 0.5)
        XCTAssertEqual(buffer.samples[2], -1)
    }

    /// Hand-built float WAV: values come back bit for bit, including values beyond ±1.
    func testReadsHandBuiltFloatWAVExactly() throws {
        let values: [Float] = [0, 0.1, -0.25, 1, -1, 1.5, -3.25, 1e-30, .leastNonzeroMagnitude]
        let url = file("float.wav")
        try WAVBuilder.wav(formatTag: 3, channels: 1, sampleRate: 48000, bitsPerSample: 32,
                           payload: WAVBuilder.floats(values)).write(to: url)
        let (info, buffer) = try AudioFile.read(url)
        XCTAssertEqual(buffer.samples, values)
        XCTAssertEqual(info.subtype, "FLOAT")
    }

    /// Three channels: mono is the float sum divided by 3.
    func testThreeChannelsAreAveraged() throws {
        let frames = 1000
        let a = Signals.sine(frequency: 440, rate: 16000, count: frames, amplitude: 0.7)
        let b = Signals.sine(frequency: 97, rate: 16000, count: frames, amplitude: 0.2)
        let c = (0..<frames).map { Float($0 % 7) / 10 - 0.3 }
        let interleaved = (0..<frames).flatMap { [a[$0], b[$0], c[$0]] }
        let url = file("three.wav")
        try AudioFile.write(interleaved: interleaved, channels: 3, sampleRate: 16000, to: url, format: .wavFloat)
        let buffer = try AudioBuffer(contentsOf: url)
        assertSamplesEqual(buffer.samples, (0..<frames).map { (a[$0] + b[$0] + c[$0]) / 3 }, "3 channels")
    }

    /// Stereo FLAC (24-bit): mean of the two quantised channels.
    func testStereoFLACAveragedToMono() throws {
        let frames = 4410
        let left = Signals.sine(frequency: 1000, rate: 44100, count: frames, amplitude: 0.5)
        let right = Signals.sine(frequency: 3000, rate: 44100, count: frames, amplitude: 0.25)
        let url = file("stereo.flac")
        try AudioFile.write(interleaved: (0..<frames).flatMap { [left[$0], right[$0]] }, channels: 2,
                            sampleRate: 44100, to: url, format: .flac24)
        let (info, buffer) = try AudioFile.read(url)
        func q(_ x: Float) -> Float { Float((Double(x) * 0x1p23).rounded(.toNearestOrEven) / 0x1p23) }
        assertSamplesEqual(buffer.samples, (0..<frames).map { (q(left[$0]) + q(right[$0])) / 2 }, "PCM16 stereo")
        XCTAssertEqual(info.format, "FLAC")
        XCTAssertEqual(info.subtype, "PCM_24")
        XCTAssertEqual(info.channels, 2)
    }

    /// OGG Vorbis is lossy: same length and rate, and the tone survives (SNR well above 20 dB).
    func testOggVorbisReads() throws {
        let x = Signals.sine(frequency: 440, rate: 48000, count: 24000, amplitude: 0.5)
        let url = file("tone.ogg")
        try AudioFile.write(try AudioBuffer(samples: x, sampleRate: 48000), to: url, format: .oggVorbis)
        let (info, buffer) = try AudioFile.read(url)
        XCTAssertEqual(info.format, "OGG")
        XCTAssertEqual(info.subtype, "VORBIS")
        XCTAssertEqual(buffer.count, x.count)
        XCTAssertEqual(buffer.sampleRate, 48000)
        let noise = zip(buffer.samples, x).map { $0 - $1 }
        let snr = 20 * log10(Signals.rms(x[...]) / Signals.rms(noise[...]))
        print("OGG Vorbis round trip SNR: \(snr) dB")
        XCTAssertGreaterThan(snr, 20)
    }

    /// Header-only info: names, descriptions, channels, rate, frames, duration.
    func testFileInfo() throws {
        let url = file("info.flac")
        try AudioFile.write(interleaved: [Float](repeating: 0.1, count: 2 * 22050), channels: 2, sampleRate: 44100,
                            to: url, format: .flac)
        let info = try AudioFileInfo(contentsOf: url)
        XCTAssertEqual(info.path, url.path)
        XCTAssertEqual(info.format, "FLAC")
        XCTAssertEqual(info.subtype, "PCM_16")
        XCTAssertEqual(info.formatDescription, "FLAC (Free Lossless Audio Codec)")
        XCTAssertEqual(info.subtypeDescription, "Signed 16 bit PCM")
        XCTAssertEqual(info.channels, 2)
        XCTAssertEqual(info.sampleRate, 44100)
        XCTAssertEqual(info.frames, 22050)
        XCTAssertEqual(info.duration, 0.5)
    }

    /// Files longer than one decode block (2^18 interleaved samples) and one write block (2^14 frames):
    /// every block boundary is handled, and a NaN deep in the file reports its global frame index.
    func testLongFilesCrossBlockBoundaries() throws {
        let frames = 300_007
        var rng = RandomGenerator(seed: 21)
        let left = (0..<frames).map { _ in Float(rng.uniform(-1, 1)) }
        let right = (0..<frames).map { _ in Float(rng.uniform(-1, 1)) }
        let interleaved = (0..<frames).flatMap { [left[$0], right[$0]] }

        let pcm = file("long16.wav")
        try AudioFile.write(interleaved: interleaved, channels: 2, sampleRate: 16000, to: pcm, format: .wav)
        func q(_ x: Float) -> Float { Float(min((Double(x) * 32768).rounded(.toNearestOrEven), 32767) / 32768) }  // clips +1
        let buffer = try AudioBuffer(contentsOf: pcm)
        XCTAssertEqual(buffer.count, frames)
        assertSamplesEqual(buffer.samples, (0..<frames).map { (q(left[$0]) + q(right[$0])) / 2 }, "PCM16 stereo")

        let float = file("long-float.wav")
        var withNaN = interleaved
        withNaN[2 * 200_003] = .nan
        // Written with a finite value, then patched, since the writer refuses NaN.
        try AudioFile.write(interleaved: interleaved, channels: 2, sampleRate: 16000, to: float, format: .wavFloat)
        assertSamplesEqual(try AudioBuffer(contentsOf: float).samples, (0..<frames).map { (left[$0] + right[$0]) / 2 }, "float stereo")
        let data = try Data(contentsOf: float)
        let offset = try XCTUnwrap(Bytes.wavDataOffset(data))
        let bad = file("long-nan.wav")
        try Bytes.patchingFloat(data, at: offset + 4 * (2 * 200_003), with: withNaN[2 * 200_003]).write(to: bad)
        assertThrows(.nonFinite(path: bad.path, sampleIndex: 200_003)) { try AudioBuffer(contentsOf: bad) }
    }

    func testTensorConversion() throws {
        let buffer = try AudioBuffer(samples: [0.5, -0.25, 1], sampleRate: 16000)
        let t = buffer.tensor()
        XCTAssertEqual(t.shape, [3])
        XCTAssertEqual(t.scalars, [0.5, -0.25, 1])
        XCTAssertEqual(try AudioBuffer(tensor: t, sampleRate: 16000), buffer)
        assertThrows(.invalidArgument("an audio tensor must have shape [samples], got [1, 3]")) {
            try AudioBuffer(tensor: t.reshaped([1, 3]), sampleRate: 16000)
        }
        XCTAssertEqual(buffer.duration, 3.0 / 16000)
    }

    func testBufferRejectsNonPositiveRate() {
        assertThrows(.invalidSampleRate(rate: 0, reason: "must be a positive number of Hz")) {
            try AudioBuffer(samples: [0], sampleRate: 0)
        }
    }
}
