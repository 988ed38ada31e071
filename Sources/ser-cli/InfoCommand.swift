import ArgumentParser
import Foundation
import SERAudio

/// `ser-cli info FILE... [--json]`: format, channels, rate, duration and levels of audio files.
/// The analysis is ``AudioAnalysis/analyze(urls:)``; this command only prints.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show format, channels, sample rate, duration, peak and RMS level (dBFS) of audio files.",
        discussion: """
            Levels are of the mono downmix (the mean of the channels), relative to full scale 1.0; silence \
            is -inf (null in --json). A file that cannot be read is reported with its error and the others are still listed; \
            the exit code is then 1.
            """
    )

    @Argument(help: "Audio files (any format libsndfile reads: WAV, FLAC, OGG, AIFF, ...).")
    var files: [String]

    @Flag(name: .long, help: "Print a JSON array, one object per file (failed files have an \"error\" key).")
    var json = false

    func run() throws {
        let entries = AudioAnalysis.analyze(urls: files.map { URL(fileURLWithPath: $0) })
        if json {
            let data = try AudioAnalysis.jsonEncoder().encode(entries)
            print(String(decoding: data, as: UTF8.self))
        } else {
            printTable(entries)
        }
        let failed = entries.filter { $0.error != nil }.count
        if failed > 0 {
            FileHandle.standardError.write(Data("\(failed) of \(entries.count) files could not be read\n".utf8))
            throw ExitCode(1)
        }
    }

    private func printTable(_ entries: [AudioAnalysisEntry]) {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
        }
        print("\(pad("FORMAT", 14)) \(pad("CH", 3)) \(pad("RATE", 7)) \(pad("DURATION", 9)) "
              + "\(pad("PEAK dBFS", 9)) \(pad("RMS dBFS", 9))  FILE")
        for entry in entries {
            switch entry.result {
            case .success(let a):
                let format = "\(a.format)/\(a.subtype)"
                print("\(pad(format, 14)) \(pad(String(a.channels), 3)) \(pad(String(a.sampleRate), 7)) "
                      + "\(pad(String(format: "%.3f s", a.duration), 9)) "
                      + "\(pad(AudioLevels.format(dBFS: a.peakDBFS), 9)) "
                      + "\(pad(AudioLevels.format(dBFS: a.rmsDBFS), 9))  \(a.path)")
            case .failure(let error):
                print("\(pad("ERROR", 14))  \(error)")
            }
        }
    }
}
