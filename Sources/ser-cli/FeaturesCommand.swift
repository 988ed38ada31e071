import ArgumentParser
import Foundation
import SERAudio
import SERFeatures

/// `ser-cli features --kind KIND --input FILE|FOLDER --output OUT|FOLDER`: fixed features of one audio file,
/// or of every `.wav` file in a folder. The work is a library call per kind (``FeatureKind``); this command
/// parses, loops over files and prints.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Extract fixed features (log-mel, pitch, glottal pulses, eGeMAPS) from audio.",
        discussion: """
            logmel: the paper's log-mel spectrogram (16 kHz, 25 ms Hann window in a 512-point FFT, 10 ms hop, \
            30 Slaney mel bands, natural log with floor 1e-6), written as a float32 .npy of shape [frames, 30]. \
            Input at another rate is resampled to 16 kHz first. --config takes a JSON LogMelConfig (missing keys \
            keep their defaults). \
            pitchpulse-logmel: the same log-mel of the pitch-pulse signal (paper Eq. 2: the waveform at each \
            Praat cc pulse, zero elsewhere). \
            pitch: "time f0" per frame as text (s, Hz; f0 = 0 when unvoiced), Praat's "To Pitch (ac)" with the \
            given floor, ceiling, time step and accuracy and Praat's other defaults. \
            pulses: one glottal pulse time (s) per line, Praat's "Sound & Pitch: To PointProcess (cc)" on that \
            pitch. \
            egemaps: the 88 eGeMAPS v02 functionals (openSMILE's algorithms, opensmile-python's column names) \
            of the file, or of every .wav file in the folder, as ONE CSV table (--output is a .csv file): column \
            `file`, then the 88 named columns; failing files are reported and skipped. \
            egemaps-lld: the [frames, 25] eGeMAPS low-level descriptors (10 ms hop) as a float32 .npy. \
            With a folder as --input, every .wav file in it (not recursive) is processed into --output (a \
            folder) as <name>.npy or <name>.txt, a failing file is reported and skipped (exit status 1 at the \
            end), and a summary line with the time spent is printed (pitch and pulses: compute only; log-mel \
            kinds: including reading and writing). Multichannel files are averaged to mono first.
            """)

    @Option(help: "Feature kind.")
    var kind: FeatureKind

    @Option(help: "Input audio file, or a folder of .wav files.")
    var input: String

    @Option(help: "Output file (.npy for log-mel kinds, .txt for pitch and pulses), or a folder.")
    var output: String

    @Option(help: "JSON file with log-mel settings (LogMelConfig).")
    var config: String?

    @Option(help: "Frequency-warp factor alpha in (-1, 1) (paper Eq. 1); 0 = none. Log-mel kinds.")
    var warpAlpha: Double = 0

    @Option(help: "Pitch floor (Hz).")
    var pitchFloor: Double = 75

    @Option(help: "Pitch ceiling (Hz).")
    var pitchCeiling: Double = 600

    @Option(help: "Pitch time step (s); 0 = automatic (0.75 / pitch floor).")
    var timeStep: Double = 0

    @Flag(help: "Praat's 'very accurate' pitch setting (Gaussian window of 6 periods).")
    var veryAccurate = false

    var pitchParameters: PraatPitchParameters {
        PraatPitchParameters(timeStep: timeStep, pitchFloor: pitchFloor, veryAccurate: veryAccurate,
                             pitchCeiling: pitchCeiling)
    }

    func validate() throws {
        do { try pitchParameters.validate() } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        if kind == .egemaps {
            try runEGeMAPSTable()
            return
        }
        var logMelSettings = LogMelConfig()
        if let config {
            let url = URL(fileURLWithPath: config)
            do {
                logMelSettings = try JSONDecoder().decode(LogMelConfig.self, from: Data(contentsOf: url))
            } catch {
                throw ValidationError("\(url.path): not a valid log-mel configuration: \(error)")
            }
        }

        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw FeaturesCommandError.inputNotFound(path: input)
        }
        let jobs: [(source: URL, destination: URL)]
        if isDirectory.boolValue {
            let names = try fm.contentsOfDirectory(atPath: input).filter { $0.lowercased().hasSuffix(".wav") }.sorted()
            let folder = URL(fileURLWithPath: input), outFolder = URL(fileURLWithPath: output)
            try fm.createDirectory(at: outFolder, withIntermediateDirectories: true)
            jobs = names.map { name in
                (folder.appendingPathComponent(name),
                 outFolder.appendingPathComponent((name as NSString).deletingPathExtension + "." + kind.outputExtension))
            }
        } else {
            jobs = [(URL(fileURLWithPath: input), URL(fileURLWithPath: output))]
        }

        var seconds = 0.0, audioSeconds = 0.0, failures = 0
        for (source, destination) in jobs {
            do {
                let (spent, duration) = try extract(source, to: destination, logMel: logMelSettings)
                seconds += spent
                audioSeconds += duration
            } catch {
                // One file: the error ends the command. A folder: report it and go on with the others.
                guard isDirectory.boolValue else { throw error }
                failures += 1
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            }
        }
        if isDirectory.boolValue {
            let perHour = audioSeconds > 0 ? seconds / audioSeconds * 3600 : 0
            let what = kind.isLogMel ? "including file I/O" : "of compute"
            print(String(format: "%d files, %.1f s of audio, %.3f s %@ (%.2f s per hour of audio)",
                         jobs.count - failures, audioSeconds, seconds, what, perHour))
            if failures > 0 {
                FileHandle.standardError.write(Data("\(failures) of \(jobs.count) files failed\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    /// `--kind egemaps`: one CSV table for a file or a folder (see ``extractEGeMAPSTable``).
    private func runEGeMAPSTable() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw FeaturesCommandError.inputNotFound(path: input)
        }
        let result = try extractEGeMAPSTable(input: URL(fileURLWithPath: input), isDirectory: isDirectory.boolValue,
                                             output: URL(fileURLWithPath: output))
        let perHour = result.audioSeconds > 0 ? result.seconds / result.audioSeconds * 3600 : 0
        print(String(format: "%d files, %.1f s of audio, %.3f s including reading (%.2f s per hour of audio)",
                     result.files, result.audioSeconds, result.seconds, perHour))
        if result.failures > 0 {
            FileHandle.standardError.write(Data("\(result.failures) of \(result.files + result.failures) files failed\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Extracts one file; returns the seconds spent (see the discussion) and the audio's duration.
    private func extract(_ source: URL, to destination: URL, logMel: LogMelConfig) throws -> (Double, Double) {
        switch kind {
        case .logmel, .pitchpulseLogmel:
            let duration = try AudioFileInfo(contentsOf: source).duration
            let start = DispatchTime.now().uptimeNanoseconds
            try LogMelFeatureFile.extract(input: source, output: destination, kind: kind.rawValue, config: logMel,
                                     warpAlpha: warpAlpha)
            return (Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9, duration)
        case .egemapsLLD:
            let duration = try AudioFileInfo(contentsOf: source).duration
            return (try extractEGeMAPSDescriptors(input: source, output: destination), duration)
        case .egemaps:
            preconditionFailure("egemaps writes one table; see runEGeMAPSTable")
        case .pitch, .pulses:
            let audio = try AudioFile.read(source).buffer   // mono; 16-bit PCM as k / 32768, like Praat
            let start = DispatchTime.now().uptimeNanoseconds
            let text: String
            do {
                text = try kind.praatText(samples: audio.samples, sampleRate: Double(audio.sampleRate),
                                          parameters: pitchParameters)
            } catch {
                throw FeaturesCommandError.extractionFailed(path: source.path, reason: "\(error)")
            }
            let spent = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            try FeatureOutput.writeAtomically(text, to: destination)
            return (spent, audio.duration)
        }
    }
}

/// The kinds `ser-cli features` can extract. A new kind adds a case, its output extension, and its branch
/// in `FeaturesCommand.extract`.
enum FeatureKind: String, CaseIterable, ExpressibleByArgument {
    /// The paper's log-mel spectrogram, `.npy` `[frames, bands]`.
    case logmel
    /// Log-mel of the pitch-pulse signal (paper Eq. 2), `.npy`.
    case pitchpulseLogmel = "pitchpulse-logmel"
    /// Praat pitch track: `time f0` per frame (0 when unvoiced), text.
    case pitch
    /// Praat cc pulse times, one per line, text.
    case pulses
    /// eGeMAPS v02 functionals, one CSV row per file.
    case egemaps
    /// eGeMAPS v02 low-level descriptors, `.npy` `[frames, 25]`.
    case egemapsLLD = "egemaps-lld"

    var isLogMel: Bool { self == .logmel || self == .pitchpulseLogmel }
    var outputExtension: String {
        switch self {
        case .logmel, .pitchpulseLogmel, .egemapsLLD: return "npy"
        case .egemaps: return "csv"
        case .pitch, .pulses: return "txt"
        }
    }

    /// Pitch or pulses as the text written to the output file (numbers in Swift's shortest round-trip form).
    func praatText(samples: [Float], sampleRate: Double, parameters: PraatPitchParameters) throws -> String {
        var text = ""
        switch self {
        case .pitch:
            let track = try PraatPitch.compute(samples: samples, sampleRate: sampleRate, parameters: parameters)
            for (t, f) in zip(track.times, track.f0) { text += "\(t) \(f)\n" }
        case .pulses:
            let times = try PraatPulses.compute(samples: samples, sampleRate: sampleRate, pitchParameters: parameters)
            for t in times { text += "\(t)\n" }
        case .logmel, .pitchpulseLogmel, .egemaps, .egemapsLLD:
            preconditionFailure("praatText is for pitch and pulses")
        }
        return text
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
