import Foundation
import XCTest
import SERTestSupport
@testable import SERAudio

/// ``SilenceTrimming`` keeps what `librosa.effects.trim` keeps (Tests/Fixtures/generate_silence_trim.py:
/// librosa 0.11, top_db 40, frames of 1024 every 256 samples), on signals rebuilt here from the generator's formula.
final class SilenceTrimmingTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Tone: Decodable { let start: Int; let end: Int; let amplitude: Double; let frequency: Double }
        struct Case: Decodable {
            let name: String; let count: Int; let noise: Double; let seed: UInt64; let tones: [Tone]
            let start: Int; let end: Int
        }
        let topDB: Double; let frameLength: Int; let hopLength: Int
        let cases: [Case]
    }

    /// The generator's signal: LCG noise scaled to unit variance times `noise`, plus the tones, in Double, rounded to Float.
    private func signal(_ c: Fixture.Case) -> [Float] {
        var state = c.seed
        var x = (0..<c.count).map { _ -> Double in
            state = (1103515245 &* state &+ 12345) % (1 << 31)
            return c.noise * 12.0.squareRoot() * (Double(state) / Double(1 << 31) - 0.5)
        }
        for t in c.tones {
            for n in t.start..<t.end { x[n] += t.amplitude * sin(2 * Double.pi * t.frequency * Double(n) / 16000) }
        }
        return x.map { Float($0) }
    }

    func testKeepsWhatLibrosaKeeps() throws {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Fixtures.url("audio/silence_trim.json")))
        let trimming = SilenceTrimming(topDB: fixture.topDB, frameLength: fixture.frameLength, hopLength: fixture.hopLength)
        XCTAssertEqual(trimming, SilenceTrimming(), "the fixture checks the defaults")
        XCTAssertEqual(fixture.cases.count, 6)
        for c in fixture.cases {
            let x = signal(c)
            let kept = trimming.keptRange(x)
            print("\(c.name): kept \(kept) of \(x.count), librosa [\(c.start), \(c.end))")
            XCTAssertEqual(kept, c.start..<c.end, c.name)
            XCTAssertEqual(trimming.trimmed(x), Array(x[c.start..<c.end]), c.name)
        }
        // The padded case really lost its noise, and the inner pause was kept.
        let padded = try XCTUnwrap(fixture.cases.first { $0.name == "padded" })
        XCTAssertLessThan(padded.end - padded.start, padded.count * 3 / 5)
    }

    func testEmptyInputAndSettings() throws {
        XCTAssertEqual(SilenceTrimming().keptRange([]), 0..<0)
        XCTAssertNoThrow(try SilenceTrimming().validate())
        for bad in [SilenceTrimming(topDB: 0), SilenceTrimming(topDB: .nan), SilenceTrimming(frameLength: 1), SilenceTrimming(hopLength: 0)] {
            XCTAssertThrowsError(try bad.validate()) { XCTAssertTrue("\($0)".contains("silenceTrimming."), "\($0)") }
        }
    }
}
