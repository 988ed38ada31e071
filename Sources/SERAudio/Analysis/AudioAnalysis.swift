import Foundation

/// A summary of one audio file: header information plus the levels of its mono downmix.
/// What `ser-cli info` prints.
public struct AudioAnalysis: Codable, Equatable, Sendable {
    /// The file's path as given.
    public let path: String
    /// Container short name (`WAV`, `FLAC`, `OGG`, ...).
    public let format: String
    /// Encoding short name (`PCM_16`, `FLOAT`, `VORBIS`, ...).
    public let subtype: String
    /// Number of channels in the file.
    public let channels: Int
    /// Sample rate, Hz.
    public let sampleRate: Int
    /// Frames decoded.
    public let frames: Int
    /// Length in seconds (`frames / sampleRate`).
    public let duration: Double
    /// Peak level of the mono downmix, dBFS (`-infinity` when silent).
    public let peakDBFS: Double
    /// RMS level of the mono downmix, dBFS (`-infinity` when silent).
    public let rmsDBFS: Double

    /// Reads and analyses the file at `url`.
    /// - Throws: any ``AudioError`` of ``AudioFile/read(_:)``.
    public static func analyze(url: URL) throws -> AudioAnalysis {
        let (info, buffer) = try AudioFile.read(url)
        return AudioAnalysis(path: info.path, format: info.format, subtype: info.subtype, channels: info.channels,
                             sampleRate: info.sampleRate, frames: info.frames, duration: info.duration,
                             peakDBFS: buffer.peakDBFS, rmsDBFS: buffer.rmsDBFS)
    }

    /// Analyses every file; a file that fails gives an entry holding its error, the others are unaffected.
    public static func analyze(urls: [URL]) -> [AudioAnalysisEntry] {
        urls.map { url in
            do {
                return AudioAnalysisEntry(path: url.path, result: .success(try analyze(url: url)))
            } catch let error as AudioError {
                return AudioAnalysisEntry(path: url.path, result: .failure(error))
            } catch {
                return AudioAnalysisEntry(path: url.path,
                                          result: .failure(.unreadable(path: url.path, reason: "\(error)")))
            }
        }
    }

    /// A JSON encoder for analyses: sorted keys. The levels of a silent file (`-infinity` dBFS) are
    /// written as `null`, JSON having no infinity (see ``encode(to:)``).
    public static func jsonEncoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    private enum CodingKeys: String, CodingKey {
        case path, format, subtype, channels, sampleRate, frames, duration, peakDBFS, rmsDBFS
    }

    public init(path: String, format: String, subtype: String, channels: Int, sampleRate: Int, frames: Int,
                duration: Double, peakDBFS: Double, rmsDBFS: Double) {
        self.path = path
        self.format = format
        self.subtype = subtype
        self.channels = channels
        self.sampleRate = sampleRate
        self.frames = frames
        self.duration = duration
        self.peakDBFS = peakDBFS
        self.rmsDBFS = rmsDBFS
    }

    /// Reads the JSON ``encode(to:)`` writes: a `null` level is silence (`-infinity` dBFS).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        format = try c.decode(String.self, forKey: .format)
        subtype = try c.decode(String.self, forKey: .subtype)
        channels = try c.decode(Int.self, forKey: .channels)
        sampleRate = try c.decode(Int.self, forKey: .sampleRate)
        frames = try c.decode(Int.self, forKey: .frames)
        duration = try c.decode(Double.self, forKey: .duration)
        peakDBFS = try c.decodeIfPresent(Double.self, forKey: .peakDBFS) ?? -.infinity
        rmsDBFS = try c.decodeIfPresent(Double.self, forKey: .rmsDBFS) ?? -.infinity
    }

    /// Every key is written; a level that is not finite (silence: `-infinity` dBFS) is `null`, so the
    /// JSON holds only numbers or null there, never a string.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(format, forKey: .format)
        try c.encode(subtype, forKey: .subtype)
        try c.encode(channels, forKey: .channels)
        try c.encode(sampleRate, forKey: .sampleRate)
        try c.encode(frames, forKey: .frames)
        try c.encode(duration, forKey: .duration)
        try c.encode(peakDBFS.isFinite ? peakDBFS : nil, forKey: .peakDBFS)
        try c.encode(rmsDBFS.isFinite ? rmsDBFS : nil, forKey: .rmsDBFS)
    }
}

/// The outcome of analysing one file. Encodes as the ``AudioAnalysis`` fields on success, or as
/// `{"path": ..., "error": ...}` on failure.
public struct AudioAnalysisEntry: Encodable, Sendable {
    public let path: String
    public let result: Result<AudioAnalysis, AudioError>

    public init(path: String, result: Result<AudioAnalysis, AudioError>) {
        self.path = path
        self.result = result
    }

    /// The analysis, or nil when the file failed.
    public var analysis: AudioAnalysis? {
        if case .success(let analysis) = result { return analysis }
        return nil
    }

    /// The error, or nil when the file was analysed.
    public var error: AudioError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    private enum ErrorKeys: String, CodingKey { case path, error }

    public func encode(to encoder: Encoder) throws {
        switch result {
        case .success(let analysis):
            try analysis.encode(to: encoder)
        case .failure(let error):
            var container = encoder.container(keyedBy: ErrorKeys.self)
            try container.encode(path, forKey: .path)
            try container.encode(error.description, forKey: .error)
        }
    }
}
