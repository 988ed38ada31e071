import CSndFile

/// A container and encoding to write audio in.
///
/// Use the presets: ``wav`` (16-bit PCM, the default), ``wavPCM24``, ``wavPCM32``, ``wavFloat``,
/// ``flac`` (16-bit), ``flac24``, ``oggVorbis``. Integer encodings round to nearest and clip samples
/// outside `[-1, 1)` to full scale rather than wrapping around.
public struct AudioFileFormat: Hashable, Sendable, CustomStringConvertible {
    /// The file container.
    public enum Container: String, Sendable, CaseIterable {
        case wav, flac, ogg
    }

    /// How samples are stored.
    public enum Encoding: String, Sendable, CaseIterable {
        /// Signed integer PCM, 16/24/32 bits: sample `x` is stored as `round(x * 2^(bits-1))` (ties to even),
        /// clipped to `[-2^(bits-1), 2^(bits-1) - 1]`; reading gives back `k / 2^(bits-1)` (rounded to
        /// `Float` for 32 bits).
        case pcm16, pcm24, pcm32
        /// IEEE 32-bit float, stored exactly.
        case float32
        /// Lossy Xiph Vorbis (OGG only).
        case vorbis
    }

    public let container: Container
    public let encoding: Encoding

    /// A format; whether libsndfile can write the combination is checked when writing.
    public init(_ container: Container, _ encoding: Encoding) {
        self.container = container
        self.encoding = encoding
    }

    /// WAV, signed 16-bit PCM (the default).
    public static let wav = AudioFileFormat(.wav, .pcm16)
    /// WAV, signed 24-bit PCM.
    public static let wavPCM24 = AudioFileFormat(.wav, .pcm24)
    /// WAV, signed 32-bit PCM.
    public static let wavPCM32 = AudioFileFormat(.wav, .pcm32)
    /// WAV, 32-bit IEEE float.
    public static let wavFloat = AudioFileFormat(.wav, .float32)
    /// FLAC, 16-bit.
    public static let flac = AudioFileFormat(.flac, .pcm16)
    /// FLAC, 24-bit.
    public static let flac24 = AudioFileFormat(.flac, .pcm24)
    /// OGG Vorbis (lossy).
    public static let oggVorbis = AudioFileFormat(.ogg, .vorbis)

    public var description: String { "\(container.rawValue.uppercased())/\(encoding.rawValue)" }

    /// Bits per sample of an integer encoding; nil for float and lossy encodings.
    var integerBits: Int? {
        switch encoding {
        case .pcm16: return 16
        case .pcm24: return 24
        case .pcm32: return 32
        case .float32, .vorbis: return nil
        }
    }

    /// The libsndfile format code (major | subtype).
    var sndFileFormat: Int32 {
        let major: Int
        switch container {
        case .wav: major = SF_FORMAT_WAV
        case .flac: major = SF_FORMAT_FLAC
        case .ogg: major = SF_FORMAT_OGG
        }
        let subtype: Int
        switch encoding {
        case .pcm16: subtype = SF_FORMAT_PCM_16
        case .pcm24: subtype = SF_FORMAT_PCM_24
        case .pcm32: subtype = SF_FORMAT_PCM_32
        case .float32: subtype = SF_FORMAT_FLOAT
        case .vorbis: subtype = SF_FORMAT_VORBIS
        }
        return Int32(major | subtype)
    }
}
