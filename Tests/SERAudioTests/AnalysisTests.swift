import Foundation
import XCTest
@testable import SERAudio

/// `AudioAnalysis`: per-file summaries, failures kept per file, JSON with "-inf" and "error".
final class AnalysisTests: AudioTestCase {
    func testAnalyzeReportsHeaderAndLevels() throws {
        let url = file("half.wav")
        // Half-scale square wave, stereo with identical channels: peak = RMS = -6.02 dBFS.
        let frames = 1600
        let x = (0..<frames).map { Float($0 % 16 < 8 ? 0.5 : -0.5) }
        try AudioFile.write(interleaved: x.flatMap { [$0, $0] }, channels: 2, sampleRate: 16000, to: url)
        let a = try AudioAnalysis.analyze(url: url)
        XCTAssertEqual(a.path, url.path)
        XCTAssertEqual([a.format, a.subtype], ["WAV", "PCM_16"])
        XCTAssertEqual(a.channels, 2)
        XCTAssertEqual(a.sampleRate, 16000)
        XCTAssertEqual(a.frames, 1600)
        XCTAssertEqual(a.duration, 0.1)
        XCTAssertEqual(a.peakDBFS, 20 * log10(0.5), accuracy: 1e-12)
        XCTAssertEqual(a.rmsDBFS, 20 * log10(0.5), accuracy: 1e-12)
    }

    /// One bad file among good ones: the good ones are analysed, the bad one carries its error.
    func testBadFileDoesNotStopTheOthers() throws {
        let good = file("good.flac")
        try AudioBuffer(samples: [0.25, -0.25], sampleRate: 8000).write(to: good, format: .flac)
        let silent = file("silent.wav")
        try AudioBuffer(samples: [0, 0, 0], sampleRate: 8000).write(to: silent)
        let missing = file("missing.wav")
        let entries = AudioAnalysis.analyze(urls: [good, missing, silent])
        XCTAssertEqual(entries.map(\.path), [good.path, missing.path, silent.path])
        XCTAssertNotNil(entries[0].analysis)
        XCTAssertEqual(entries[1].error, .fileNotFound(path: missing.path))
        XCTAssertNil(entries[1].analysis)
        XCTAssertEqual(entries[2].analysis?.peakDBFS, -.infinity)

        let json = try JSONSerialization.jsonObject(with: AudioAnalysis.jsonEncoder().encode(entries)) as? [[String: Any]]
        let objects = try XCTUnwrap(json)
        XCTAssertEqual(objects.count, 3)
        XCTAssertEqual(objects[0]["format"] as? String, "FLAC")
        XCTAssertEqual(objects[0]["peakDBFS"] as? Double ?? 0, 20 * log10(0.25), accuracy: 1e-12)
        XCTAssertEqual(objects[1]["path"] as? String, missing.path)
        XCTAssertEqual(objects[1]["error"] as? String, "\(missing.path): no such file")
        XCTAssertNil(objects[1]["format"])
        // Issue 14, defect 9: silence is null in JSON (a number or null, never the string "-inf").
        XCTAssertTrue(objects[2]["rmsDBFS"] is NSNull, "\(objects[2])")
        XCTAssertTrue(objects[2]["peakDBFS"] is NSNull, "\(objects[2])")
        XCTAssertNil(objects[0]["error"])
    }

    /// The analysis struct round-trips through the JSON encoder (infinite levels included).
    func testAnalysisCodableRoundTrip() throws {
        let silent = file("silent.wav")
        try AudioBuffer(samples: [0, 0], sampleRate: 8000).write(to: silent)
        let a = try AudioAnalysis.analyze(url: silent)
        let decoder = JSONDecoder()
        XCTAssertEqual(try decoder.decode(AudioAnalysis.self, from: AudioAnalysis.jsonEncoder().encode(a)), a)
    }
}
