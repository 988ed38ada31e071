import Foundation
import SERAudio
import SERTensor

/// The built-in demo corpus: deterministic synthetic emotional speech, so the main job runs on a
/// machine without data.
///
/// Speakers (``DemoSpeaker``) differ in base F0, vocal-tract length, pitch range, rate, voice quality
/// and expressiveness; utterances are sequences of synthetic syllables (vowels with formant
/// transitions, stops, fricatives, nasals, approximants) with sentence prosody, shaped by one of the
/// emotions (``DemoEmotion``, ``DemoEmotionProfile``). Audio is 16 kHz mono, 1.5–4 s per utterance.
/// See Docs/DemoCorpus.md.
///
/// Layout written by ``generate(to:speakers:utterancesPerSpeakerPerClass:emotions:seed:)``:
///
///     <directory>/manifest.csv            path,label,speaker,gender (paths relative to <directory>)
///     <directory>/summary.txt             counts per class and speaker, speaker traits
///     <directory>/wav/S01/S01_neutral_001.wav ...   16-bit PCM WAV
///
/// Everything is a pure function of the seed: the same seed gives bit-identical files on any number
/// of threads (on one platform and toolchain; libm's last bits may differ between platforms). Utterance (speaker k, emotion e, number i) is the same in every corpus with that seed
/// that contains it.
public enum DemoCorpus {
    /// Sample rate of the corpus in Hz.
    public static let sampleRate = 16_000
    /// Seed used when none is given.
    public static let defaultSeed: UInt64 = 20_250_601
    /// Default size: 8 speakers (4 female, 4 male) × 4 classes × 12 utterances = 384 utterances.
    public static let defaultSpeakers = 8
    public static let defaultUtterancesPerSpeakerPerClass = 12
    /// File names in the corpus folder.
    public static let manifestFileName = "manifest.csv"
    public static let summaryFileName = "summary.txt"
    /// The manifest's header row.
    public static let manifestHeader = "path,label,speaker,gender"
    /// Limits on the corpus size.
    public static let maximumSpeakers = 99
    public static let maximumUtterancesPerSpeakerPerClass = 10_000

    /// The first `count` speakers of the corpus with `seed` (alternately female and male).
    public static func speakers(count: Int, seed: UInt64 = defaultSeed) -> [DemoSpeaker] {
        (0..<max(count, 0)).map { DemoSpeaker.make(index: $0, seed: seed) }
    }

    /// Every utterance of a corpus, ordered by speaker, then emotion (in the order given), then number.
    public static func utterances(speakers: Int = defaultSpeakers,
                                  utterancesPerSpeakerPerClass: Int = defaultUtterancesPerSpeakerPerClass,
                                  emotions: [DemoEmotion] = DemoEmotion.allCases,
                                  seed: UInt64 = defaultSeed) -> [DemoUtterance] {
        var result = [DemoUtterance]()
        result.reserveCapacity(max(speakers, 0) * emotions.count * max(utterancesPerSpeakerPerClass, 0))
        for (k, speaker) in self.speakers(count: speakers, seed: seed).enumerated() {
            for emotion in emotions {
                for i in 0..<max(utterancesPerSpeakerPerClass, 0) {
                    let s = DemoSeed.mix(seed, 0x0077_7E4A, UInt64(k), emotion.seedCode, UInt64(i))
                    result.append(DemoUtterance(speaker: speaker, emotion: emotion, index: i, seed: s))
                }
            }
        }
        return result
    }

    /// Writes the corpus to `directory` (created if needed) and returns the manifest's URL.
    ///
    /// WAV files are written atomically and in parallel; the manifest and summary are written last,
    /// atomically, so a folder with a manifest always holds every file it lists. An existing manifest
    /// is removed before any WAV file is written, and files of the same names are replaced; other
    /// files in the folder are left alone. Each utterance is synthesised from its own seed, so the
    /// result does not depend on the number of threads.
    ///
    /// - Parameters:
    ///   - speakers: 1...99 (even counts are gender-balanced).
    ///   - utterancesPerSpeakerPerClass: 1...10000.
    ///   - emotions: the classes, non-empty, no repeats.
    ///   - seed: determines every sample.
    /// - Throws: ``DemoCorpusError``.
    @discardableResult
    public static func generate(to directory: URL, speakers: Int = defaultSpeakers,
                                utterancesPerSpeakerPerClass: Int = defaultUtterancesPerSpeakerPerClass,
                                emotions: [DemoEmotion] = DemoEmotion.allCases,
                                seed: UInt64 = defaultSeed) throws -> URL {
        try generateWithSummary(to: directory, speakers: speakers,
                                utterancesPerSpeakerPerClass: utterancesPerSpeakerPerClass,
                                emotions: emotions, seed: seed).manifest
    }

    /// ``generate(to:speakers:utterancesPerSpeakerPerClass:emotions:seed:)``, returning the summary
    /// (which is also written to `summary.txt`).
    public static func generateWithSummary(to directory: URL, speakers: Int = defaultSpeakers,
                                           utterancesPerSpeakerPerClass: Int = defaultUtterancesPerSpeakerPerClass,
                                           emotions: [DemoEmotion] = DemoEmotion.allCases,
                                           seed: UInt64 = defaultSeed) throws -> DemoCorpusSummary {
        try validate(speakers: speakers, utterancesPerSpeakerPerClass: utterancesPerSpeakerPerClass, emotions: emotions)
        let items = utterances(speakers: speakers, utterancesPerSpeakerPerClass: utterancesPerSpeakerPerClass,
                               emotions: emotions, seed: seed)
        let speakerList = self.speakers(count: speakers, seed: seed)
        for folder in [directory] + speakerList.map({ directory.appendingPathComponent("wav/\($0.id)") }) {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw DemoCorpusError.cannotCreateDirectory(path: folder.path, reason: reason(error))
            }
        }

        // An older manifest here would list files this run is about to replace: remove it first,
        // so an interrupted run leaves no manifest rather than a stale one.
        let manifest = directory.appendingPathComponent(manifestFileName)
        if FileManager.default.fileExists(atPath: manifest.path) {
            do {
                try FileManager.default.removeItem(at: manifest)
            } catch {
                throw DemoCorpusError.writeFailed(path: manifest.path, reason: "cannot replace it: \(reason(error))")
            }
        }

        var durations = [Double](repeating: 0, count: items.count)
        var failures = [String?](repeating: nil, count: items.count)
        durations.withUnsafeMutableBufferPointer { durationOut in
            failures.withUnsafeMutableBufferPointer { failureOut in
                Parallel.forRanges(items.count, costPerItem: 1 << 16) { range in
                    for i in range {
                        let url = directory.appendingPathComponent(items[i].relativePath)
                        do {
                            let audio = try AudioBuffer(samples: items[i].samples(), sampleRate: sampleRate)
                            try AudioFile.write(audio, to: url, format: .wav)
                            durationOut[i] = audio.duration
                        } catch {
                            failureOut[i] = reason(error)
                        }
                    }
                }
            }
        }
        if let i = failures.firstIndex(where: { $0 != nil }) {
            throw DemoCorpusError.writeFailed(path: directory.appendingPathComponent(items[i].relativePath).path,
                                              reason: failures[i] ?? "")
        }

        let rows = items.map { "\($0.relativePath),\($0.emotion.label),\($0.speaker.id),\($0.speaker.gender.rawValue)" }
        try writeText(([manifestHeader] + rows).joined(separator: "\n") + "\n", to: manifest)
        let summary = DemoCorpusSummary(directory: directory, manifest: manifest, seed: seed, speakers: speakerList,
                                        emotions: emotions, utterances: items, durations: durations)
        try writeText(summary.description, to: directory.appendingPathComponent(summaryFileName))
        return summary
    }

    static func validate(speakers: Int, utterancesPerSpeakerPerClass: Int, emotions: [DemoEmotion]) throws {
        guard (1...maximumSpeakers).contains(speakers) else {
            throw DemoCorpusError.invalidArgument(name: "speaker count", value: "\(speakers)",
                                                  requirement: "in 1...\(maximumSpeakers)")
        }
        guard (1...maximumUtterancesPerSpeakerPerClass).contains(utterancesPerSpeakerPerClass) else {
            throw DemoCorpusError.invalidArgument(name: "utterances per speaker and class",
                                                  value: "\(utterancesPerSpeakerPerClass)",
                                                  requirement: "in 1...\(maximumUtterancesPerSpeakerPerClass)")
        }
        guard !emotions.isEmpty, Set(emotions).count == emotions.count else {
            throw DemoCorpusError.invalidArgument(name: "emotion list", value: emotions.map(\.label).joined(separator: ","),
                                                  requirement: "non-empty without repeats")
        }
    }

    /// Writes `text` as UTF-8 to `url` atomically (temporary file, then rename).
    static func writeText(_ text: String, to url: URL) throws {
        do {
            try AtomicFile.write(Data(text.utf8), to: url)
        } catch {
            throw DemoCorpusError.writeFailed(path: url.path, reason: reason(error))
        }
    }

    private static func reason(_ error: Error) -> String {
        if let e = error as? LocalizedError, let text = e.errorDescription { return text }
        return String(describing: error)
    }
}
