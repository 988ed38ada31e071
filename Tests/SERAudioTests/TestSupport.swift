import Foundation
import XCTest
@testable import SERAudio

/// A fresh temporary directory per test, removed afterwards.
class AudioTestCase: XCTestCase {
    private(set) var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("SERAudioTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Names of the files in the temporary directory (hidden ones included).
    func directoryListing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    /// Asserts that `body` throws exactly `expected`.
    func assertThrows<T>(_ expected: AudioError, _ body: () throws -> T,
                         file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try body()
            XCTFail("expected \(expected), got no error", file: file, line: line)
        } catch let error as AudioError {
            XCTAssertEqual(error, expected, file: file, line: line)
        } catch {
            XCTFail("expected \(expected), got \(error)", file: file, line: line)
        }
    }

    /// The `AudioError` that `body` throws (fails the test when it throws none or another type).
    func audioError<T>(_ body: () throws -> T, file: StaticString = #filePath, line: UInt = #line) -> AudioError? {
        do {
            _ = try body()
            XCTFail("expected an AudioError, got none", file: file, line: line)
        } catch let error as AudioError {
            return error
        } catch {
            XCTFail("expected an AudioError, got \(error)", file: file, line: line)
        }
        return nil
    }
}

enum Signals {
    /// `amplitude * sin(2π f t + phase)` sampled at `rate` Hz, `count` samples (computed in Double).
    static func sine(frequency: Double, rate: Int, count: Int, amplitude: Double = 1, phase: Double = 0) -> [Float] {
        (0..<count).map { Float(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(rate) + phase)) }
    }

    /// Amplitude of the `frequency` component of `x` by projection on sin/cos over `x` (use a whole
    /// number of periods): `2/N |Σ x_n e^{-iωn}|`.
    static func amplitude(of x: ArraySlice<Float>, frequency: Double, rate: Int) -> Double {
        var re = 0.0, im = 0.0
        for (k, v) in x.enumerated() {
            let w = 2 * Double.pi * frequency * Double(k) / Double(rate)
            re += Double(v) * cos(w)
            im += Double(v) * sin(w)
        }
        return 2 * (re * re + im * im).squareRoot() / Double(x.count)
    }

    /// Frequency from linearly interpolated upward zero crossings: (crossings - 1) / (last - first time).
    static func zeroCrossingFrequency(of x: ArraySlice<Float>, rate: Int) -> Double {
        var times = [Double]()
        let values = Array(x)
        for i in 1..<values.count where values[i - 1] < 0 && values[i] >= 0 {
            let a = Double(values[i - 1]), b = Double(values[i])
            times.append(Double(i - 1) + (-a) / (b - a))
        }
        guard times.count >= 2, let first = times.first, let last = times.last else { return 0 }
        return Double(times.count - 1) / ((last - first) / Double(rate))
    }

    /// RMS of a slice, in Double.
    static func rms(_ x: ArraySlice<Float>) -> Double {
        (x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count)).squareRoot()
    }
}

/// Byte-level helpers for building damaged files.
enum Bytes {
    /// Offset of the first byte of the `data` chunk's payload in a RIFF/WAVE file.
    static func wavDataOffset(_ data: Data) -> Int? {
        let bytes = [UInt8](data)
        var offset = 12
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16
                | Int(bytes[offset + 7]) << 24
            if id == "data" { return offset + 8 }
            offset += 8 + size + (size & 1)
        }
        return nil
    }

    /// `data` with the little-endian Float32 at `offset` replaced by `value`.
    static func patchingFloat(_ data: Data, at offset: Int, with value: Float) -> Data {
        var copy = data
        let bits = value.bitPattern
        for k in 0..<4 { copy[copy.startIndex + offset + k] = UInt8((bits >> (8 * UInt32(k))) & 0xFF) }
        return copy
    }
}

/// Asserts two sample arrays are identical, reporting the count and first mismatch (not the arrays).
func assertSamplesEqual(_ actual: [Float], _ expected: [Float], _ message: String = "",
                        file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        return XCTFail("\(message): \(actual.count) samples, expected \(expected.count)", file: file, line: line)
    }
    var mismatches = 0
    var first: Int?
    for i in 0..<actual.count where actual[i] != expected[i] && !(actual[i].isNaN && expected[i].isNaN) {
        mismatches += 1
        if first == nil { first = i }
    }
    if let first {
        XCTFail("\(message): \(mismatches) of \(actual.count) samples differ; first at \(first): "
                + "\(actual[first]) vs \(expected[first])", file: file, line: line)
    }
}
