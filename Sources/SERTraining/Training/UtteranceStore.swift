import Foundation
import SERAudio
import SERFeatures
import SERTensor

/// The utterances of a run, decoded once (``Utterance``s at 16 kHz); segments (`start`/`end` in the
/// manifest) are cut here, then leading and trailing silence when the run trims it
/// (``TrainingConfiguration/silenceTrimming``), before pitch pulses are computed.
public enum UtteranceStore {
    public static let sampleRate = 16_000

    /// Loads `indices` of `manifest`. Work is spread over the cores; the first failure is thrown
    /// with the file and the problem.
    public static func load(_ manifest: Manifest, indices: [Int], classes: [String], pitchPulses: Bool,
                            cache: FeatureCache? = nil, trimming: SilenceTrimming? = nil) throws -> [Utterance] {
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        if indices.isEmpty { return [] }
        var results = [Result<Utterance, Error>?](repeating: nil, count: indices.count)
        results.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            Parallel.forRanges(indices.count, costPerItem: 1 << 20) { range in
                for i in range {
                    base[i] = Result { try loadOne(manifest, manifest.entries[indices[i]], classIndex: classIndex,
                                                   pitchPulses: pitchPulses, cache: cache, trimming: trimming) }
                }
            }
        }
        return try results.map { r in
            guard let r else { throw TrainingError.invalidConfiguration("internal: an utterance was not loaded") }
            return try r.get()
        }
    }

    static func loadOne(_ manifest: Manifest, _ entry: ManifestEntry, classIndex: [String: Int], pitchPulses: Bool,
                        cache: FeatureCache?, trimming: SilenceTrimming?) throws -> Utterance {
        let url = manifest.url(of: entry)
        guard let label = classIndex[entry.label] else { throw TrainingError.unknownLabel(label: entry.label, path: url.path) }
        var buffer = try AudioFile.read(url).buffer
        if buffer.sampleRate != sampleRate { try buffer.resample(to: sampleRate) }
        var samples = buffer.samples
        if entry.start != nil || entry.end != nil {
            guard let range = SegmentRange.samples(start: entry.start, end: entry.end, count: samples.count, sampleRate: sampleRate) else {
                throw TrainingError.audio(path: url.path, reason: "segment \(entry.start ?? 0)–\(entry.end ?? 0) s is outside the file")
            }
            samples = Array(samples[range])
        }
        if let trimming { samples = trimming.trimmed(samples) }
        var pulses: [Float]?
        if pitchPulses {
            let compute = { try PitchPulseExtraction.signal(samples: samples, sampleRate: Double(sampleRate)) }
            if let cache {
                pulses = try cache.values(for: samples, settings: "pitchpulse-v1-praat-default-75-600-16k", compute: compute)
            } else {
                pulses = try compute()
            }
        }
        return Utterance(path: url.path, label: label, speaker: entry.speaker, samples: samples, pitchPulses: pulses)
    }
}
