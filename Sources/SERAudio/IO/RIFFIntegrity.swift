import Foundation

/// Detects RIFF/WAVE files whose `data` chunk is cut short.
///
/// libsndfile quietly shortens the data length of a WAV whose `data` chunk claims more bytes than the
/// file holds (it logs "Data length too large, truncating"), so the frame count it reports already
/// matches the truncated content and a cut file would read "successfully". This check walks the RIFF
/// chunk list itself and compares the declared `data` size with the bytes present.
enum RIFFIntegrity {
    /// Throws ``AudioError/truncated(path:reason:)`` when the `data` chunk of the RIFF/WAVE file at
    /// `path` declares more bytes than the file holds. Files that are not little-endian RIFF/WAVE
    /// (RIFX, RF64, W64), and the streaming placeholders `0` and `0xFFFFFFFF`, are not judged here.
    static func check(path: String) throws {
        guard let file = FileHandle(forReadingAtPath: path) else { return }
        defer { try? file.close() }
        guard let fileSize = try? file.seekToEnd(), (try? file.seek(toOffset: 0)) != nil else { return }
        guard let header = try? file.read(upToCount: 12), header.count == 12,
              header.prefix(4) == Data("RIFF".utf8), header.suffix(4) == Data("WAVE".utf8) else { return }

        var offset: UInt64 = 12
        // A WAV has a handful of chunks; the bound only protects against a looping, corrupt list.
        for _ in 0..<4096 {
            guard offset + 8 <= fileSize, (try? file.seek(toOffset: offset)) != nil,
                  let chunk = try? file.read(upToCount: 8), chunk.count == 8 else { return }
            let id = String(decoding: chunk.prefix(4), as: UTF8.self)
            let size = chunk.suffix(4).reversed().reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
            let available = fileSize - (offset + 8)
            if id == "data" {
                if size != 0, size != 0xFFFF_FFFF, size > available {
                    throw AudioError.truncated(
                        path: path,
                        reason: "the data chunk declares \(size) bytes but only \(available) are present")
                }
                return
            }
            offset += 8 + size + (size & 1)
        }
    }
}
