import Foundation

/// Builds canonical RIFF/WAVE files byte by byte, independently of libsndfile, so reading tests do not
/// only check libsndfile against itself.
enum WAVBuilder {
    /// A 44-byte-header WAV. `formatTag` 1 = integer PCM, 3 = IEEE float. `payload` is the raw data chunk.
    static func wav(formatTag: UInt16, channels: Int, sampleRate: Int, bitsPerSample: Int, payload: [UInt8]) -> Data {
        var bytes = [UInt8]()
        func u32(_ v: Int) { for k in 0..<4 { bytes.append(UInt8((v >> (8 * k)) & 0xFF)) } }
        func u16(_ v: Int) { for k in 0..<2 { bytes.append(UInt8((v >> (8 * k)) & 0xFF)) } }
        let blockAlign = channels * bitsPerSample / 8
        bytes += Array("RIFF".utf8); u32(36 + payload.count); bytes += Array("WAVE".utf8)
        bytes += Array("fmt ".utf8); u32(16); u16(Int(formatTag)); u16(channels); u32(sampleRate)
        u32(sampleRate * blockAlign); u16(blockAlign); u16(bitsPerSample)
        bytes += Array("data".utf8); u32(payload.count)
        bytes += payload
        return Data(bytes)
    }

    /// Little-endian two's complement integers of `bytesPerSample` bytes.
    static func integers(_ values: [Int], bytesPerSample: Int) -> [UInt8] {
        var out = [UInt8]()
        for v in values {
            let u = UInt32(bitPattern: Int32(truncatingIfNeeded: v))
            for k in 0..<bytesPerSample { out.append(UInt8((u >> (8 * UInt32(k))) & 0xFF)) }
        }
        return out
    }

    /// Little-endian IEEE float32 values.
    static func floats(_ values: [Float]) -> [UInt8] {
        integers(values.map { Int(Int32(bitPattern: $0.bitPattern)) }, bytesPerSample: 4)
    }
}
