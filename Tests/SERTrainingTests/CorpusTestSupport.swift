import Foundation
import SERAudio
@testable import SERTraining

/// Helpers for tests that build small corpora on disk.
enum CorpusTestSupport {
    /// Writes a tiny mono 16 kHz WAV (a short tone) at `url`, creating folders as needed.
    static func writeWAV(_ url: URL, seconds: Double = 0.01, sampleRate: Int = 16000) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let n = max(1, Int(seconds * Double(sampleRate)))
        let samples = (0..<n).map { Float(0.1 * sin(2 * Double.pi * 440 * Double($0) / Double(sampleRate))) }
        try AudioFile.write(interleaved: samples, channels: 1, sampleRate: sampleRate, to: url)
    }

    /// A demo corpus (``DemoCorpus``) in `folder` with a `split` column: the first speaker trains, the second validates,
    /// the third tests (any others train); returns the written `split.csv`.
    static func demoCorpusWithSplit(in folder: URL, speakers: Int = 3, utterancesPerSpeakerPerClass: Int, seed: UInt64) throws -> URL {
        let url = try DemoCorpus.generate(to: folder, speakers: speakers, utterancesPerSpeakerPerClass: utterancesPerSpeakerPerClass, seed: seed)
        var m = try Manifest.read(from: url)
        let names = m.speakers
        for i in m.entries.indices {
            let s = names.firstIndex(of: m.entries[i].speaker) ?? 0
            m.entries[i].split = s == 1 ? .validation : s == 2 ? .test : .train
        }
        let split = folder.appendingPathComponent("split.csv")
        try m.write(to: split)
        return split
    }

    /// Writes `text` at `url`, creating folders as needed.
    static func writeText(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}
