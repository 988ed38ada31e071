import ArgumentParser
import Foundation
import SERAudio
import SERFeatures

/// `ser-cli features`: fixed features of one audio file, or of every `.wav` file in a folder.
///
/// Kinds (``FeatureKind``): `pitch` writes one line per frame, `time f0` (s, Hz; 0 when unvoiced);
/// `pulses` writes one pulse time (s) per line. Numbers are printed in Swift's shortest round-trip form.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Extract features (pitch track, glottal pulse times) from audio.",
        discussion: """
            --input may be a file or a folder; for a folder, every .wav file in it (not recursive) is \
            processed and --output must be a folder, which receives <name>.txt per input, and a summary line \
            with the compute time (excluding file reading and writing) is printed. \
            pitch: "time f0" per frame (s, Hz; f0 = 0 when unvoiced), Praat's "To Pitch (ac)" with the given \
            floor, ceiling, time step and accuracy and Praat's other defaults. \
            pulses: one glottal pulse time (s) per line, Praat's "Sound & Pitch: To PointProcess (cc)" on that \
            pitch. Multichannel files are averaged to mono first.
            """)

    @Option(help: "Feature kind.")
    var kind: FeatureKind

    @Option(help: "Input audio file, or a folder of .wav files.")
    var input: String

    @Option(help: "Output file (.txt), or a folder when --input is a folder.")
    var output: String

    @Option(help: "Pitch floor (Hz).")
    var pitchFloor: Double = 75

    @Option(help: "Pitch ceiling (Hz).")
    var pitchCeiling: Double = 600

    @Option(help: "Time step (s); 0 = automatic (0.75 / pitch floor).")
    var timeStep: Double = 0

    @Flag(help: "Praat's 'very accurate' setting (Gaussian window of 6 periods).")
    var veryAccurate = false

    var pitchParameters: PraatPitchParameters {
        PraatPitchParameters(timeStep: timeStep, pitchFloor: pitchFloor, veryAccurate: veryAccurate,
                             pitchCeiling: pitchCeiling)
    }

    func validate() throws {
        do { try pitchParameters.validate() } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw FeaturesCommandError.inputNotFound(path: input)
        }
        let inputs: [(source: URL, destination: URL)]
        if isDirectory.boolValue {
            let folder = URL(fileURLWithPath: input)
            let names = try fm.contentsOfDirectory(atPath: input)
                .filter { $0.lowercased().hasSuffix(".wav") }.sorted()
            let outFolder = URL(fileURLWithPath: output)
            try fm.createDirectory(at: outFolder, withIntermediateDirectories: true)
            inputs = names.map { name in
                (folder.appendingPathComponent(name),
                 outFolder.appendingPathComponent((name as NSString).deletingPathExtension + ".txt"))
            }
        } else {
            inputs = [(URL(fileURLWithPath: input), URL(fileURLWithPath: output))]
        }

        var computeSeconds = 0.0, audioSeconds = 0.0
        var failures = 0
        for (source, destination) in inputs {
            do {
                let audio = try AudioFile.read(source).buffer   // mono; 16-bit PCM as k / 32768, like Praat
                let sampleRate = Double(audio.sampleRate)
                let start = DispatchTime.now().uptimeNanoseconds
                let text: String
                do {
                    text = try kind.extract(samples: audio.samples, sampleRate: sampleRate, parameters: pitchParameters)
                } catch {
                    throw FeaturesCommandError.extractionFailed(path: source.path, reason: "\(error)")
                }
                computeSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
                audioSeconds += audio.duration
                try FeatureOutput.writeAtomically(text, to: destination)
            } catch {
                // One file: the error ends the command. A folder: report it and go on with the others.
                guard isDirectory.boolValue else { throw error }
                failures += 1
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            }
        }
        if isDirectory.boolValue {
            let perHour = audioSeconds > 0 ? computeSeconds / audioSeconds * 3600 : 0
            print(String(format: "%d files, %.1f s of audio, %.3f s of compute (%.2f s per hour of audio)",
                         inputs.count - failures, audioSeconds, computeSeconds, perHour))
            if failures > 0 {
                FileHandle.standardError.write(Data("\(failures) of \(inputs.count) files failed\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

/// The kinds `ser-cli features` can extract. Add a case and its branch in ``extract(samples:sampleRate:parameters:)``.
enum FeatureKind: String, CaseIterable, ExpressibleByArgument {
    /// Praat pitch track: `time f0` per frame (0 when unvoiced).
    case pitch
    /// Praat cc pulse times, one per line.
    case pulses

    /// The feature as the text written to the output file.
    func extract(samples: [Float], sampleRate: Double, parameters: PraatPitchParameters) throws -> String {
        switch self {
        case .pitch:
            let track = try PraatPitch.compute(samples: samples, sampleRate: sampleRate, parameters: parameters)
            var text = ""
            for (t, f) in zip(track.times, track.f0) { text += "\(t) \(f)\n" }
            return text
        case .pulses:
            let times = try PraatPulses.compute(samples: samples, sampleRate: sampleRate, pitchParameters: parameters)
            var text = ""
            for t in times { text += "\(t)\n" }
            return text
        }
    }
}

enum FeaturesCommandError: Error, CustomStringConvertible, LocalizedError {
    case inputNotFound(path: String)
    case extractionFailed(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    var description: String {
        switch self {
        case let .inputNotFound(path): return "\(path): no such file or folder"
        case let .extractionFailed(path, reason): return "\(path): feature extraction failed: \(reason)"
        case let .writeFailed(path, reason): return "\(path): cannot write output: \(reason)"
        }
    }
    var errorDescription: String? { description }
}

enum FeatureOutput {
    /// Writes `text` to a temporary file beside `url`, then renames it over `url`.
    static func writeAtomically(_ text: String, to url: URL) throws {
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw FeaturesCommandError.writeFailed(path: url.path, reason: error.localizedDescription)
        }
    }
}
