import ArgumentParser
import Foundation
import SERAudio
import SERTensor

/// `ser-cli demo`: the main job, end to end, as far as it exists.
///
/// Until the demo corpus and training land (later issues) it synthesises a vowel (``DemoVowel``),
/// writes it as a 16-bit WAV with SERAudio, reads the file back, analyses it (levels, an energy
/// envelope) and checks an autocorrelation pitch estimate against the contour it was made with;
/// the command fails when the estimate is off by more than 5%.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the main job end to end (for now: synthesise a vowel and analyse it)."
    )

    @Option(name: .long, help: "Length of the synthetic vowel in seconds.")
    var duration = 1.5

    @Option(name: .long, help: "Sample rate in Hz.")
    var sampleRate = 16_000.0

    @Option(name: .long, help: "Seed of the aspiration noise.")
    var seed: UInt64 = 7

    @Option(name: .long, help: "Folder for the demo's output files.")
    var outputDirectory = "demo-output"

    func validate() throws {
        guard duration >= 0.3 && duration <= 60 else { throw ValidationError("--duration must be in 0.3...60 seconds") }
        guard sampleRate >= 8_000 && sampleRate <= 192_000 else {
            throw ValidationError("--sample-rate must be in 8000...192000 Hz")
        }
    }

    /// The pitch estimate disagreed with the contour used for synthesis.
    struct PitchCheckFailed: Error, CustomStringConvertible {
        var description: String
    }

    func run() throws {
        var vowel = DemoVowel()
        vowel.duration = duration
        vowel.sampleRate = sampleRate
        vowel.seed = seed
        let t0 = Date()
        let rendered = vowel.render()
        // Through the file: write a 16-bit WAV, read it back, and analyse what was read.
        let folder = URL(fileURLWithPath: outputDirectory, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let wav = folder.appendingPathComponent("vowel.wav")
        try AudioFile.write(AudioBuffer(samples: rendered, sampleRate: Int(sampleRate)), to: wav, format: .wav)
        let (info, buffer) = try AudioFile.read(wav)
        let samples = buffer.samples
        let analysis = DemoAnalysis(samples: samples, sampleRate: sampleRate, frameSeconds: 0.05)

        let sr = Int(sampleRate)
        let f0s = stride(from: 0.0, to: duration, by: 0.001).map { vowel.f0(at: $0) }
        let formants = vowel.formants.map { String(format: "%.0f", $0.frequency) }.joined(separator: ", ")
        print("SwiftSER demo: synthetic vowel /ɑ/ (source-filter synthesis)")
        print("  (the demo corpus and training arrive in later issues)")
        print("  written and read back: \(wav.path) (\(info.format)/\(info.subtype), \(info.channels) channel, \(info.sampleRate) Hz)")
        print(String(format: "  duration        %.3f s (%d samples at %d Hz, mono)", Double(samples.count) / sampleRate,
                     samples.count, sr))
        print(String(format: "  pitch range     %.1f–%.1f Hz (contour with %.1f Hz vibrato)", f0s.min() ?? 0,
                     f0s.max() ?? 0, vowel.vibrato.rate))
        print("  formants        \(formants) Hz")
        print(String(format: "  peak level      %.2f dBFS", analysis.peakDBFS))
        print(String(format: "  RMS level       %.2f dBFS", analysis.rmsDBFS))
        print("")
        print(String(format: "Energy envelope (%.0f ms frames, bar from -60 to 0 dBFS):", analysis.frameSeconds * 1000))
        analysis.envelopeChart().forEach { print($0) }
        print("")
        print("Pitch check (autocorrelation estimate vs synthesis contour):")
        var worst = 0.0
        for fraction in [0.2, 0.35, 0.5, 0.65, 0.8] {
            let t = fraction * duration
            let truth = vowel.f0(at: t)
            guard let est = DemoAnalysis.estimateF0(samples, sampleRate: sampleRate, at: t) else {
                throw PitchCheckFailed(description: String(format: "no pitch found at %.2f s", t))
            }
            let err = abs(est - truth) / truth
            worst = max(worst, err)
            print(String(format: "  %5.2f s  estimated %6.1f Hz  contour %6.1f Hz  error %.2f%%", t, est, truth, err * 100))
        }
        print(String(format: "Done in %.2f s; worst pitch error %.2f%%.", Date().timeIntervalSince(t0), worst * 100))
        if worst > 0.05 {
            throw PitchCheckFailed(description: String(format: "pitch estimate off by %.1f%% (limit 5%%)", worst * 100))
        }
    }
}
