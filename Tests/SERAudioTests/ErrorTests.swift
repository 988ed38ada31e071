import Foundation
import XCTest
@testable import SERAudio

/// Bad input gives a typed `AudioError` naming the file — never a crash.
final class ErrorTests: AudioTestCase {
    private func writeTone(_ name: String, format: AudioFileFormat = .wav, seconds: Double = 0.5) throws -> URL {
        let url = file(name)
        let rate = 16000
        let x = Signals.sine(frequency: 440, rate: rate, count: Int(seconds * Double(rate)), amplitude: 0.5)
        try AudioBuffer(samples: x, sampleRate: rate).write(to: url, format: format)
        return url
    }

    private func writeTruncatedCopy(of url: URL, keeping fraction: Double, as name: String) throws -> URL {
        let data = try Data(contentsOf: url)
        let cut = file(name)
        try data.prefix(Int(Double(data.count) * fraction)).write(to: cut)
        return cut
    }

    func testMissingFile() {
        let url = file("missing.wav")
        assertThrows(.fileNotFound(path: url.path)) { try AudioBuffer(contentsOf: url) }
        assertThrows(.fileNotFound(path: url.path)) { try AudioFileInfo(contentsOf: url) }
        XCTAssertEqual(AudioError.fileNotFound(path: url.path).description, "\(url.path): no such file")
    }

    func testDirectoryIsUnreadable() {
        assertThrows(.unreadable(path: directory.path, reason: "it is a directory")) {
            try AudioBuffer(contentsOf: self.directory)
        }
    }

    /// A text file named `.wav` is an unsupported format.
    func testTextFileRenamedWAVIsUnsupported() throws {
        let url = file("notes.wav")
        try Data("This is not audio, just some text that is long enough to look like a file.\n".utf8).write(to: url)
        let error = audioError { try AudioBuffer(contentsOf: url) }
        guard case .unsupportedFormat(let path, let reason)? = error else {
            return XCTFail("got \(String(describing: error))")
        }
        XCTAssertEqual(path, url.path)
        XCTAssertFalse(reason.isEmpty)
        XCTAssertTrue(error!.description.hasPrefix(url.path + ": unsupported"), error!.description)
    }

    /// A zero-byte file is not a recognised format.
    func testZeroByteFile() throws {
        let url = file("zero.wav")
        try Data().write(to: url)
        let error = audioError { try AudioBuffer(contentsOf: url) }
        guard case .unsupportedFormat(let path, _)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertEqual(path, url.path)
    }

    /// A RIFF/WAVE file whose `fmt ` chunk is garbage is unreadable (malformed).
    func testCorruptWAVHeader() throws {
        let url = file("corrupt.wav")
        var bytes = Array("RIFF".utf8) + [200, 0, 0, 0] + Array("WAVE".utf8)
        bytes += Array("fmt ".utf8) + [16, 0, 0, 0] + [0x39, 0x05, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        bytes += [UInt8](repeating: 0xAB, count: 160)
        try Data(bytes).write(to: url)
        let error = audioError { try AudioBuffer(contentsOf: url) }
        guard case .unreadable(let path, let reason)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertEqual(path, url.path)
        XCTAssertTrue(reason.contains("fmt"), reason)  // libsndfile: "Malformed 'fmt ' chunk."
    }

    /// Cutting a WAV short: libsndfile would shorten the data length silently; the data chunk check
    /// reports it, for both reading and header-only info.
    func testTruncatedWAV() throws {
        let whole = try writeTone("whole.wav")
        XCTAssertEqual(try AudioBuffer(contentsOf: whole).count, 8000)
        let cut = try writeTruncatedCopy(of: whole, keeping: 0.6, as: "cut.wav")
        let error = audioError { try AudioBuffer(contentsOf: cut) }
        guard case .truncated(let path, let reason)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertEqual(path, cut.path)
        XCTAssertTrue(reason.contains("16000 bytes"), reason)
        XCTAssertTrue(error!.description.contains(cut.path))
        guard case .truncated? = audioError({ try AudioFileInfo(contentsOf: cut) }) else {
            return XCTFail("info of a truncated WAV must fail")
        }
    }

    /// A WAV cut inside its header (no data chunk left) is rejected too.
    func testWAVCutInsideHeader() throws {
        let whole = try writeTone("whole.wav")
        let cut = file("header-only.wav")
        try Data(try Data(contentsOf: whole).prefix(30)).write(to: cut)
        let error = audioError { try AudioBuffer(contentsOf: cut) }
        print("WAV cut at 30 bytes: \(String(describing: error))")
        XCTAssertNotNil(error)
        XCTAssertTrue(error?.description.contains(cut.path) ?? false)
    }

    /// Cutting a FLAC short: decoding yields fewer frames than the STREAMINFO header declares.
    func testTruncatedFLAC() throws {
        let whole = try writeTone("whole.flac", format: .flac)
        XCTAssertEqual(try AudioBuffer(contentsOf: whole).count, 8000)
        for fraction in [0.5, 0.9, 0.99] {
            let cut = try writeTruncatedCopy(of: whole, keeping: fraction, as: "cut\(fraction).flac")
            let error = audioError { try AudioBuffer(contentsOf: cut) }
            print("FLAC cut to \(fraction): \(String(describing: error))")
            guard case .truncated(let path, _)? = error else { return XCTFail("got \(String(describing: error))") }
            XCTAssertEqual(path, cut.path)
        }
    }

    /// Cutting an OGG Vorbis file in half: libsndfile finds no final page and rejects the stream as
    /// malformed when opening it.
    func testTruncatedOgg() throws {
        let whole = try writeTone("whole.ogg", format: .oggVorbis, seconds: 2)
        XCTAssertEqual(try AudioBuffer(contentsOf: whole).count, 32000)
        let cut = try writeTruncatedCopy(of: whole, keeping: 0.5, as: "cut.ogg")
        let error = audioError { try AudioBuffer(contentsOf: cut) }
        print("OGG cut to half: \(String(describing: error))")
        switch error {
        case .truncated(let path, _)?, .unreadable(let path, _)?: XCTAssertEqual(path, cut.path)
        default: XCTFail("got \(String(describing: error))")
        }
    }

    /// A WAV with a valid header and no frames is `empty`.
    func testZeroLengthAudio() throws {
        let url = file("empty.wav")
        try AudioFile.write(interleaved: [], channels: 1, sampleRate: 16000, to: url)
        XCTAssertEqual(try AudioFileInfo(contentsOf: url).frames, 0)
        assertThrows(.empty(path: url.path)) { try AudioBuffer(contentsOf: url) }
        XCTAssertEqual(AudioError.empty(path: url.path).description, "\(url.path): audio file contains no samples")
    }

    /// A float WAV with a NaN patched in at frame 123 reports that frame.
    func testNaNInFloatWAV() throws {
        let url = file("float.wav")
        try AudioBuffer(samples: [Float](repeating: 0.25, count: 1000), sampleRate: 16000).write(to: url, format: .wavFloat)
        let data = try Data(contentsOf: url)
        let offset = try XCTUnwrap(Bytes.wavDataOffset(data))
        let patched = Bytes.patchingFloat(data, at: offset + 4 * 123, with: .nan)
        let bad = file("nan.wav")
        try patched.write(to: bad)
        assertThrows(.nonFinite(path: bad.path, sampleIndex: 123)) { try AudioBuffer(contentsOf: bad) }
        XCTAssertEqual(AudioError.nonFinite(path: bad.path, sampleIndex: 123).description,
                       "\(bad.path): sample 123 is not finite (NaN or infinity)")
    }

    /// In a stereo float WAV, +inf in the right channel of frame 7 reports frame 7.
    func testInfinityInStereoFloatWAVReportsFrame() throws {
        let url = file("stereo.wav")
        try AudioFile.write(interleaved: [Float](repeating: 0.1, count: 40), channels: 2, sampleRate: 8000, to: url,
                            format: .wavFloat)
        let data = try Data(contentsOf: url)
        let offset = try XCTUnwrap(Bytes.wavDataOffset(data))
        let bad = file("inf.wav")
        try Bytes.patchingFloat(data, at: offset + 4 * (2 * 7 + 1), with: .infinity).write(to: bad)
        assertThrows(.nonFinite(path: bad.path, sampleIndex: 7)) { try AudioBuffer(contentsOf: bad) }
    }

    /// Every case's description names the file (where there is one) and the problem.
    func testDescriptions() {
        let p = "/x/y.wav"
        let cases: [AudioError] = [
            .fileNotFound(path: p), .unreadable(path: p, reason: "r"), .unsupportedFormat(path: p, reason: "r"),
            .truncated(path: p, reason: "r"), .empty(path: p), .nonFinite(path: p, sampleIndex: 3),
            .writeFailed(path: p, reason: "r"),
        ]
        for error in cases {
            XCTAssertTrue(error.description.hasPrefix(p + ": "), error.description)
            XCTAssertEqual(error.errorDescription, error.description)
        }
        XCTAssertEqual(AudioError.invalidSampleRate(rate: 0, reason: "must be positive").description,
                       "invalid sample rate 0 Hz: must be positive")
    }
}
