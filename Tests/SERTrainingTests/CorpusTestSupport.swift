import Foundation
import SERAudio

/// Helpers for tests that build small corpora on disk.
enum CorpusTestSupport {
    /// Writes a tiny mono 16 kHz WAV (a short tone) at `url`, creating folders as needed.
    static func writeWAV(_ url: URL, seconds: Double = 0.01, sampleRate: Int = 16000) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let n = max(1, Int(seconds * Double(sampleRate)))
        let samples = (0..<n).map { Float(0.1 * sin(2 * Double.pi * 440 * Double($0) / Double(sampleRate))) }
        try AudioFile.write(interleaved: samples, channels: 1, sampleRate: sampleRate, to: url)
    }

    /// Writes `text` at `url`, creating folders as needed.
    static func writeText(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}
