import Foundation

/// Reading and writing audio files through libsndfile. A namespace; see ``read(_:)`` and
/// ``write(_:to:format:)``.
public enum AudioFile {}

extension AudioFile {
    /// Interleaved samples decoded per libsndfile call (the frame count shrinks with more channels).
    static let readBlockSamples = 1 << 18
    /// The most frames reserved up front from the header's claim; a corrupt header claiming billions
    /// of frames must not make the reader allocate them before decoding shows what is really there.
    static let maximumReservedFrames = 1 << 22

    /// Reads the audio file at `url` — any format libsndfile decodes (WAV PCM 8/16/24/32 and float,
    /// FLAC, OGG Vorbis/Opus, AIFF, ...) — and averages its channels to mono.
    ///
    /// Integer PCM is normalised so full scale is ±1 (`k / 2^(bits-1)`); float data is kept as stored.
    /// Mono sample `t` is the mean of the channels' samples at frame `t` (summed in `Float`, then
    /// divided by the channel count).
    ///
    /// - Returns: the header information (with `frames` equal to the frames decoded) and the mono samples.
    /// - Throws: ``AudioError`` naming the file: ``AudioError/fileNotFound(path:)``,
    ///   ``AudioError/unreadable(path:reason:)`` (including decoder errors),
    ///   ``AudioError/unsupportedFormat(path:reason:)``, ``AudioError/truncated(path:reason:)`` (the
    ///   header promises more frames than can be decoded, or the decoder fails before the end), ``AudioError/empty(path:)`` (no frames),
    ///   ``AudioError/nonFinite(path:sampleIndex:)`` (a NaN or infinite sample; the index is the frame).
    public static func read(_ url: URL) throws -> (info: AudioFileInfo, buffer: AudioBuffer) {
        let reader = try SndFileReader(url: url)
        let info = AudioFileInfo(reader: reader)
        let channels = reader.channels
        let declared = reader.declaredFrames
        let blockFrames = max(1, readBlockSamples / channels)

        var mono = [Float]()
        mono.reserveCapacity(Int(min(declared, Int64(maximumReservedFrames))))
        var block = [Float](repeating: 0, count: blockFrames * channels)

        try block.withUnsafeMutableBufferPointer { blockBuffer in
            guard let raw = blockBuffer.baseAddress else { return }
            while true {
                let got = reader.readFrames(into: raw, frames: blockFrames)
                if got <= 0 { break }
                let start = mono.count
                if let bad = firstNonFinite(raw, count: got * channels) {
                    throw AudioError.nonFinite(path: reader.path, sampleIndex: start + bad / channels)
                }
                mono.append(contentsOf: repeatElement(0, count: got))
                mono.withUnsafeMutableBufferPointer { out in
                    downmix(raw, frames: got, channels: channels, into: out.baseAddress! + start)
                }
            }
        }

        if let message = reader.pendingError {
            if declared < Int64.max && Int64(mono.count) < declared {
                throw AudioError.truncated(
                    path: reader.path,
                    reason: "decoding stopped after \(mono.count) of the \(declared) frames the header declares: \(message)")
            }
            throw AudioError.unreadable(path: reader.path, reason: "decoding failed after \(mono.count) frames: \(message)")
        }
        if mono.isEmpty {
            if declared > 0 && declared < Int64.max {
                throw AudioError.truncated(path: reader.path,
                                           reason: "the header declares \(declared) frames but none could be decoded")
            }
            throw AudioError.empty(path: reader.path)
        }
        if declared < Int64.max && Int64(mono.count) < declared {
            throw AudioError.truncated(
                path: reader.path,
                reason: "the header declares \(declared) frames but only \(mono.count) could be decoded")
        }
        let buffer = AudioBuffer(validSamples: mono, sampleRate: info.sampleRate)
        return (AudioFileInfo(info, frames: mono.count), buffer)
    }

    /// Index of the first NaN or infinite value among `count` values, or nil.
    @inline(__always)
    static func firstNonFinite(_ values: UnsafePointer<Float>, count: Int) -> Int? {
        for i in 0..<count where !values[i].isFinite { return i }
        return nil
    }

    /// Writes the mean over channels of `frames` interleaved frames to `out[0..<frames]`.
    @inline(__always)
    static func downmix(_ interleaved: UnsafePointer<Float>, frames: Int, channels: Int,
                        into out: UnsafeMutablePointer<Float>) {
        if channels == 1 {
            out.update(from: interleaved, count: frames)
            return
        }
        let divisor = Float(channels)
        for t in 0..<frames {
            let frame = interleaved + t * channels
            var sum: Float = 0
            for c in 0..<channels { sum += frame[c] }
            out[t] = sum / divisor
        }
    }
}

extension AudioBuffer {
    /// Reads the audio file at `url` as mono; see ``AudioFile/read(_:)``.
    public init(contentsOf url: URL) throws {
        self = try AudioFile.read(url).buffer
    }
}
