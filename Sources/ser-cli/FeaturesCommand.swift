import ArgumentParser
import Foundation
import SERFeatures

/// `ser-cli features --kind logmel --input FILE --output OUT.npy`: fixed features of one audio file.
/// The work is ``extractLogMelFeature(input:output:kind:config:warpAlpha:)``; this command only parses.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Extract fixed features from an audio file.",
        discussion: """
            logmel: the paper's log-mel spectrogram (16 kHz, 25 ms Hann window in a 512-point FFT, 10 ms hop, \
            30 Slaney mel bands, natural log with floor 1e-6), written as a float32 .npy of shape [frames, 30]. \
            Input at another rate is resampled to 16 kHz first. --config takes a JSON LogMelConfig (missing keys \
            keep their defaults).
            """)

    @Option(help: "Feature kind: logmel.")
    var kind: String

    @Option(help: "Input audio file.")
    var input: String

    @Option(help: "Output .npy file.")
    var output: String

    @Option(help: "JSON file with log-mel settings (LogMelConfig).")
    var config: String?

    @Option(help: "Frequency-warp factor alpha in (-1, 1) (paper Eq. 1); 0 = none.")
    var warpAlpha: Double = 0

    func run() throws {
        var settings = LogMelConfig()
        if let config {
            let url = URL(fileURLWithPath: config)
            do {
                settings = try JSONDecoder().decode(LogMelConfig.self, from: Data(contentsOf: url))
            } catch {
                throw ValidationError("\(url.path): not a valid log-mel configuration: \(error)")
            }
        }
        try extractLogMelFeature(input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: output), kind: kind,
                                 config: settings, warpAlpha: warpAlpha)
    }
}
