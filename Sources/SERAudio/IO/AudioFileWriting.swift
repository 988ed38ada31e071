import CSndFile
import Foundation

extension AudioFile {
    /// Writes a mono buffer to `url` in `format` (WAV 16-bit PCM by default), atomically.
    /// See ``write(interleaved:channels:sampleRate:to:format:)``.
    public static func write(_ buffer: AudioBuffer, to url: URL, format: AudioFileFormat = .wav) throws {
        try write(interleaved: buffer.samples, channels: 1, sampleRate: buffer.sampleRate, to: url, format: format)
    }

    /// Writes interleaved multichannel audio to `url`, atomically: the data goes to a temporary file
    /// in the same directory, which is renamed over `url` only once complete, so `url` never holds a
    /// partial file.
    ///
    /// - Parameters:
    ///   - samples: `frames * channels` floats, frame-major (`[l0, r0, l1, r1, ...]`), full scale ±1.
    ///     Integer encodings round to nearest and clip values outside `[-1, 1)`.
    ///   - channels: channel count (≥ 1).
    ///   - sampleRate: Hz (≥ 1; FLAC allows at most 655350).
    /// - Throws: ``AudioError/invalidArgument(_:)`` (bad channel count), ``AudioError/invalidSampleRate(rate:reason:)``,
    ///   ``AudioError/nonFinite(path:sampleIndex:)`` (a NaN/infinite sample; nothing is written),
    ///   ``AudioError/writeFailed(path:reason:)`` (libsndfile cannot write this format, or an I/O error).
    public static func write(interleaved samples: [Float], channels: Int, sampleRate: Int, to url: URL,
                             format: AudioFileFormat = .wav) throws {
        let path = url.path
        guard channels >= 1, channels <= 1024 else {
            throw AudioError.invalidArgument("channel count must be in 1...1024, got \(channels)")
        }
        guard samples.count % channels == 0 else {
            throw AudioError.invalidArgument("\(samples.count) interleaved samples is not a whole number of \(channels)-channel frames")
        }
        guard sampleRate >= 1, sampleRate <= Int(Int32.max) else {
            throw AudioError.invalidSampleRate(rate: sampleRate, reason: "must be a positive number of Hz")
        }
        if let bad = samples.firstIndex(where: { !$0.isFinite }) {
            throw AudioError.nonFinite(path: path, sampleIndex: bad / channels)
        }

        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = format.sndFileFormat
        guard sf_format_check(&info) != 0 else {
            throw AudioError.writeFailed(
                path: path, reason: "libsndfile cannot write \(format) with \(channels) channels at \(sampleRate) Hz")
        }

        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        var keepTemporary = false
        defer { if !keepTemporary { unlink(temporary.path) } }

        guard let handle = sf_open(temporary.path, Int32(SFM_WRITE), &info) else {
            throw AudioError.writeFailed(path: path, reason: String(cString: sf_strerror(nil)))
        }
        let frames = samples.count / channels
        let written = samples.withUnsafeBufferPointer { buffer -> Int64 in
            guard let base = buffer.baseAddress, frames > 0 else { return 0 }
            if let bits = format.integerBits {
                return writeQuantised(base, frames: frames, channels: channels, bits: bits, to: handle)
            }
            return sf_writef_float(handle, base, sf_count_t(frames))
        }
        let writeError = sf_error(handle) != 0 ? String(cString: sf_strerror(handle)) : nil
        let closeStatus = sf_close(handle)
        if let writeError {
            throw AudioError.writeFailed(path: path, reason: writeError)
        }
        guard written == frames else {
            throw AudioError.writeFailed(path: path, reason: "wrote \(written) of \(frames) frames")
        }
        guard closeStatus == 0 else {
            throw AudioError.writeFailed(path: path, reason: String(cString: sf_error_number(closeStatus)))
        }
        guard rename(temporary.path, path) == 0 else {
            throw AudioError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
        keepTemporary = true
    }
}

extension AudioFile {
    /// The integer sample `round(x * 2^(bits-1))`, clipped to `[-2^(bits-1), 2^(bits-1) - 1]` and
    /// left-aligned in 32 bits (libsndfile's `int` convention: the file keeps the top `bits` bits).
    @inline(__always)
    static func quantise(_ x: Float, bits: Int) -> Int32 {
        let scale = Double(1 << (bits - 1))
        let q = min(max((Double(x) * scale).rounded(.toNearestOrEven), -scale), scale - 1)
        return Int32(q) << Int32(32 - bits)
    }

    /// Quantises to `bits`-bit integers in Swift and writes them with `sf_writef_int`, block by block.
    ///
    /// libsndfile's own float-to-integer conversion is not used: with clipping enabled it truncates
    /// (a -0.5 LSB bias for WAV), without it scales by `2^(bits-1) - 1` (which does not invert its
    /// reader's `1 / 2^(bits-1)`). This path rounds to nearest, so reading a written file back gives
    /// every sample within half an LSB, and values on the `k / 2^(bits-1)` grid exactly.
    /// Frames converted and written per libsndfile call.
    static let writeBlockFrames = 1 << 14

    static func writeQuantised(_ samples: UnsafePointer<Float>, frames: Int, channels: Int, bits: Int,
                               to handle: OpaquePointer) -> Int64 {
        let blockFrames = writeBlockFrames
        var block = [Int32](repeating: 0, count: blockFrames * channels)
        var written: Int64 = 0
        var frame = 0
        block.withUnsafeMutableBufferPointer { out in
            while frame < frames {
                let n = min(blockFrames, frames - frame)
                let source = samples + frame * channels
                for i in 0..<(n * channels) { out[i] = quantise(source[i], bits: bits) }
                let got = sf_writef_int(handle, out.baseAddress!, sf_count_t(n))
                written += got
                if got != n { return }
                frame += n
            }
        }
        return written
    }
}

extension AudioBuffer {
    /// Writes this buffer to `url` in `format` (WAV 16-bit PCM by default), atomically;
    /// see ``AudioFile/write(interleaved:channels:sampleRate:to:format:)``.
    public func write(to url: URL, format: AudioFileFormat = .wav) throws {
        try AudioFile.write(self, to: url, format: format)
    }
}
