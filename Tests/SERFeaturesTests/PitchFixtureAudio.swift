import Foundation
import SERTestSupport

/// Test-only reader for the committed 16-bit PCM mono fixtures in Tests/Fixtures/pitch (until SERAudio's
/// reader is available here). Samples are scaled by 1/32768, as Praat reads them.
enum PitchFixtureAudio {
    struct Sound { var samples: [Double]; var sampleRate: Double }

    enum ReadError: Error, CustomStringConvertible {
        case malformed(String, String)
        var description: String {
            switch self { case let .malformed(path, why): return "\(path): not a 16-bit PCM mono WAV: \(why)" }
        }
    }

    static func read(_ name: String) throws -> Sound {
        let url = Fixtures.url("pitch/\(name).wav")
        let bytes = [UInt8](try Data(contentsOf: url))
        func u32(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 | Int(bytes[o + 2]) << 16 | Int(bytes[o + 3]) << 24 }
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        guard bytes.count >= 12, String(bytes: bytes[0..<4], encoding: .ascii) == "RIFF" else {
            throw ReadError.malformed(url.path, "no RIFF header")
        }
        var offset = 12
        var rate = 0
        while offset + 8 <= bytes.count {
            let id = String(bytes: bytes[offset..<offset + 4], encoding: .ascii) ?? ""
            let size = u32(offset + 4)
            if id == "fmt " {
                guard u16(offset + 8) == 1, u16(offset + 10) == 1, u16(offset + 22) == 16 else {
                    throw ReadError.malformed(url.path, "format is not 16-bit PCM mono")
                }
                rate = u32(offset + 12)
            } else if id == "data" {
                guard rate > 0, offset + 8 + size <= bytes.count else { throw ReadError.malformed(url.path, "bad data chunk") }
                let samples = (0..<(size / 2)).map { i -> Double in
                    Double(Int16(bitPattern: UInt16(u16(offset + 8 + 2 * i)))) / 32768
                }
                return Sound(samples: samples, sampleRate: Double(rate))
            }
            offset += 8 + size + (size & 1)
        }
        throw ReadError.malformed(url.path, "no data chunk")
    }
}
