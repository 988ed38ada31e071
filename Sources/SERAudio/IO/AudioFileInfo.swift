import CSndFile
import Foundation

/// What an audio file's header says: container, encoding, channels, rate, length.
///
/// Read with ``init(contentsOf:)`` (header only, no samples decoded) or returned by
/// ``AudioFile/read(_:)`` together with the samples.
public struct AudioFileInfo: Codable, Equatable, Sendable {
    /// The file's path as given.
    public let path: String
    /// Container short name, `soundfile` style: `WAV`, `FLAC`, `OGG`, `AIFF`, ...
    public let format: String
    /// Encoding short name, `soundfile` style: `PCM_16`, `PCM_24`, `PCM_32`, `FLOAT`, `VORBIS`, ...
    public let subtype: String
    /// libsndfile's description of the container, e.g. "WAV (Microsoft)".
    public let formatDescription: String
    /// libsndfile's description of the encoding, e.g. "Signed 16 bit PCM".
    public let subtypeDescription: String
    /// Number of interleaved channels (≥ 1).
    public let channels: Int
    /// Sample rate in Hz (≥ 1).
    public let sampleRate: Int
    /// Number of frames (samples per channel) the header declares.
    public let frames: Int

    /// Length in seconds: `frames / sampleRate`.
    public var duration: Double { Double(frames) / Double(sampleRate) }

    /// Reads the header of the audio file at `url` (any format libsndfile reads).
    /// - Throws: ``AudioError`` naming the file: not found, unreadable, unsupported, truncated.
    public init(contentsOf url: URL) throws {
        try self.init(reader: SndFileReader(url: url))
    }

    init(reader: SndFileReader) {
        let format = reader.info.format
        path = reader.path
        self.format = SndFileFormatNames.majorName(format)
        subtype = SndFileFormatNames.subtypeName(format)
        formatDescription = SndFileFormatNames.description(ofCode: Int(format) & SF_FORMAT_TYPEMASK) ?? self.format
        subtypeDescription = SndFileFormatNames.description(ofCode: Int(format) & SF_FORMAT_SUBMASK) ?? subtype
        channels = reader.channels
        sampleRate = Int(reader.info.samplerate)
        frames = Int(reader.declaredFrames)
    }

    /// An info with the frame count replaced (after decoding found the real length).
    init(_ other: AudioFileInfo, frames: Int) {
        path = other.path
        format = other.format
        subtype = other.subtype
        formatDescription = other.formatDescription
        subtypeDescription = other.subtypeDescription
        channels = other.channels
        sampleRate = other.sampleRate
        self.frames = frames
    }
}
