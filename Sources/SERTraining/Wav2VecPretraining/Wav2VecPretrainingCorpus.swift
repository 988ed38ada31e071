import Foundation
import SERAudio
import SERTensor

/// The audio a wav2vec pretraining run learns from: 16 kHz mono recordings in memory, split into training and
/// held-out validation files.
///
/// Sources: a folder (scanned recursively for ``CorpusFiles/audioExtensions``), a manifest CSV (``Manifest``: `path`
/// resolved against the manifest's folder, `start`/`end` segments honoured; a CSV with only a `path` column is
/// accepted too, since pretraining needs no labels), or a list of files. Every file is mixed to mono and resampled
/// to 16 kHz (``AudioBuffer/resampled(to:quality:)``). Files too short for one prediction are skipped and listed in
/// ``skipped``. The whole corpus is held in memory (4 bytes per sample: 230 MB per hour).
///
/// The split is deterministic: files are sorted by path, shuffled with a generator seeded from the configuration's
/// seed, and the first `round(fraction · n)` (at least 1 when the fraction is positive and there are ≥ 2 files, at
/// most ``Wav2VecPretrainingConfiguration/maxValidationFiles``) are held out.
public struct Wav2VecPretrainingCorpus: Sendable {
    /// One recording (or manifest segment) at 16 kHz.
    public struct Recording: Sendable, Equatable {
        /// The file (with `@start-end` appended for a manifest segment).
        public var path: String
        public var samples: [Float]
        public init(path: String, samples: [Float]) {
            self.path = path
            self.samples = samples
        }
    }

    /// Where the audio comes from.
    public enum Source: Sendable, Equatable {
        case directory(URL)
        case manifest(URL)
        case files([URL])

        /// A folder, or else a manifest file.
        public static func detect(_ path: String) -> Source {
            var isDir: ObjCBool = false
            let url = URL(fileURLWithPath: path)
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { return .directory(url) }
            return .manifest(url)
        }
    }

    public var training: [Recording]
    public var validation: [Recording]
    /// Files left out, with the reason (too short).
    public var skipped: [Wav2VecPretrainingError.AudioProblem]

    /// Splits `recordings` (any order; sorted by path here) for `configuration`.
    /// - Throws: ``Wav2VecPretrainingError/allTooShort(files:minimumSamples:)`` when no recording is long enough.
    public init(recordings: [Recording], configuration: Wav2VecPretrainingConfiguration,
                skipped: [Wav2VecPretrainingError.AudioProblem] = []) throws {
        let minimum = configuration.minimumSamples
        var skipped = skipped
        var usable: [Recording] = []
        for r in recordings.sorted(by: { $0.path < $1.path }) {
            if r.samples.count >= minimum { usable.append(r) } else {
                skipped.append(.init(path: r.path, reason: String(format: "%.3f s is shorter than one prediction needs (%.3f s)",
                                                                  Double(r.samples.count) / 16000, Double(minimum) / 16000)))
            }
        }
        guard !usable.isEmpty else { throw Wav2VecPretrainingError.allTooShort(files: recordings.count, minimumSamples: minimum) }
        var k = 0
        if configuration.validationFraction > 0 && usable.count >= 2 {
            k = Swift.max(1, Int((configuration.validationFraction * Double(usable.count)).rounded()))
            k = Swift.min(k, configuration.maxValidationFiles, usable.count - 1)
        }
        var rng = RandomGenerator(seed: configuration.seed &+ 0x5EED_5B17)
        let order = rng.shuffled(Array(usable.indices))
        let held = Set(order.prefix(k))
        validation = usable.indices.filter { held.contains($0) }.map { usable[$0] }
        training = usable.indices.filter { !held.contains($0) }.map { usable[$0] }
        self.skipped = skipped
    }

    /// Reads every file of `source` and splits them.
    /// - Parameter progress: called with (files read, files in total).
    /// - Throws: ``Wav2VecPretrainingError/noAudio(path:)``, ``Wav2VecPretrainingError/unreadableAudio(_:)`` listing
    ///   every file that failed (nothing is silently dropped), ``Wav2VecPretrainingError/allTooShort(files:minimumSamples:)``,
    ///   and the folder's or manifest's own errors (``CorpusImportError``, ``ManifestError``).
    public static func load(_ source: Source, configuration: Wav2VecPretrainingConfiguration,
                            progress: ((Int, Int) -> Void)? = nil) throws -> Wav2VecPretrainingCorpus {
        let items = try listing(source)
        var recordings: [Recording] = [], problems: [Wav2VecPretrainingError.AudioProblem] = []
        for (i, item) in items.enumerated() {
            do { recordings.append(try read(item)) } catch {
                // Audio errors name the file themselves; keep only the reason.
                var reason = "\(error)"
                if reason.hasPrefix(item.url.path + ": ") { reason.removeFirst(item.url.path.count + 2) }
                problems.append(.init(path: item.url.path, reason: reason))
            }
            progress?(i + 1, items.count)
        }
        if !problems.isEmpty { throw Wav2VecPretrainingError.unreadableAudio(problems) }
        return try Wav2VecPretrainingCorpus(recordings: recordings, configuration: configuration)
    }

    /// A file (or a segment of one, in seconds) to read.
    struct Item {
        var url: URL
        var start: Double?
        var end: Double?
    }

    static func listing(_ source: Source) throws -> [Item] {
        let items: [Item]
        let origin: String
        switch source {
        case .directory(let root):
            origin = root.path
            items = try CorpusFiles.audioFiles(under: root).map { Item(url: root.appendingPathComponent($0)) }
        case .files(let urls):
            origin = urls.first?.deletingLastPathComponent().path ?? "(no files)"
            items = urls.map { Item(url: $0) }
        case .manifest(let url):
            origin = url.path
            guard FileManager.default.fileExists(atPath: url.path) else { throw Wav2VecPretrainingError.inputNotFound(path: url.path) }
            do {
                let m = try Manifest.read(from: url)
                items = m.entries.map { Item(url: m.url(of: $0), start: $0.start, end: $0.end) }
            } catch ManifestError.missingColumn(_, let column) where column != "path" {
                items = try pathColumn(url)
            }
        }
        guard !items.isEmpty else { throw Wav2VecPretrainingError.noAudio(path: origin) }
        return items
    }

    /// The `path` column of a CSV without labels.
    static func pathColumn(_ url: URL) throws -> [Item] {
        let (header, rows) = try CSV.parseWithHeader(try CSV.contents(of: url), source: url.path)
        guard let col = header.fields.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).lowercased() == "path" }) else {
            throw ManifestError.missingColumn(file: url.path, column: "path")
        }
        let base = url.deletingLastPathComponent()
        return rows.compactMap { r in
            guard col < r.fields.count else { return nil }
            let p = r.fields[col].trimmingCharacters(in: .whitespaces)
            guard !p.isEmpty else { return nil }
            return Item(url: p.hasPrefix("/") ? URL(fileURLWithPath: p) : base.appendingPathComponent(p))
        }
    }

    static func read(_ item: Item) throws -> Recording {
        let (_, buffer) = try AudioFile.read(item.url)
        var samples = buffer.sampleRate == Wav2VecPretrainingConfiguration.sampleRate
            ? buffer.samples : try buffer.resampled(to: Wav2VecPretrainingConfiguration.sampleRate).samples
        var path = item.url.path
        if item.start != nil || item.end != nil {
            let rate = Wav2VecPretrainingConfiguration.sampleRate
            guard let range = SegmentRange.samples(start: item.start, end: item.end, count: samples.count, sampleRate: rate) else {
                throw SegmentError(start: item.start ?? 0, end: item.end ?? 0, seconds: Double(samples.count) / Double(rate))
            }
            samples = Array(samples[range])
            path += String(format: "@%.3f-%.3f", item.start ?? 0, Double(range.upperBound) / Double(rate))
        }
        return Recording(path: path, samples: samples)
    }

    struct SegmentError: Error, CustomStringConvertible {
        var start: Double, end: Double, seconds: Double
        var description: String { String(format: "segment %.3f–%.3f s is outside the file (%.3f s)", start, end, seconds) }
    }

    /// Seconds of training and validation audio.
    public var trainingSeconds: Double { Double(training.reduce(0) { $0 + $1.samples.count }) / 16000 }
    public var validationSeconds: Double { Double(validation.reduce(0) { $0 + $1.samples.count }) / 16000 }
}
