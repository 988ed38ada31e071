import Foundation
import SERTestSupport
import SERFeatures

/// The committed pitch fixtures (Tests/Fixtures/pitch/*.wav, 16-bit PCM mono), read with SERAudio.
/// 16-bit samples arrive as `k / 32768` in Float, exactly what Praat reads, and widen exactly to Double.
enum PitchFixtureAudio {
    struct Sound { var samples: [Double]; var sampleRate: Double }

    static func read(_ name: String) throws -> Sound {
        let (info, buffer) = try AudioFile.read(Fixtures.url("pitch/\(name).wav"))
        precondition(info.channels == 1, "pitch fixtures are mono")
        return Sound(samples: buffer.samples.map(Double.init), sampleRate: Double(buffer.sampleRate))
    }
}
