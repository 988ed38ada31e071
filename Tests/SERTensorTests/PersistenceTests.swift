import Foundation
import XCTest
import SERTestSupport
@testable import SERTensor

/// Safetensors and .npy persistence, checked against files written by the reference libraries
/// (`safetensors` 0.8.0 via torch/numpy, `numpy.save`; see Tests/Fixtures/generate_io_fixtures.py).
final class PersistenceTests: XCTestCase {
    // MARK: Fixture access

    private struct Expected: Decodable {
        struct File: Decodable {
            var metadata: [String: String]?
            var tensors: [String: TensorValues]
        }
        struct TensorValues: Decodable {
            var shape: [Int]
            var dtype: String
            var f32: [String]
            var f64: [String]
        }
        var files: [String: File]
        var byte_identical: [String: String]
    }

    private func fixture(_ name: String) -> URL { Fixtures.url("io/" + name) }

    private func fixtureBytes(_ name: String) throws -> Data { try Data(contentsOf: fixture(name)) }

    private func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: fixture("expected.json")))
    }

    private func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftser-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// Asserts that `body` throws a ``TensorIOError`` accepted by `matches`, and returns it.
    @discardableResult
    private func assertIOError<T>(_ body: @autoclosure () throws -> T, _ what: String,
                                  file: StaticString = #filePath, line: UInt = #line,
                                  _ matches: (TensorIOError) -> Bool) -> TensorIOError? {
        do {
            _ = try body()
            XCTFail("\(what): expected an error, got success", file: file, line: line)
        } catch let e as TensorIOError {
            XCTAssertTrue(matches(e), "\(what): unexpected error \(e)", file: file, line: line)
            return e
        } catch {
            XCTFail("\(what): expected a TensorIOError, got \(error)", file: file, line: line)
        }
        return nil
    }

    /// Compares a tensor's values, bit for bit, with the reference conversion (`f32` or `f64` hex bits).
    private func assertValues(_ t: Tensor, _ e: Expected.TensorValues, _ label: String,
                              file: StaticString = #filePath, line: UInt = #line) -> Int {
        XCTAssertEqual(t.shape, e.shape, "\(label): shape", file: file, line: line)
        var mismatches = 0
        switch t.dtype {
        case .float32:
            let got = t.scalars
            XCTAssertEqual(got.count, e.f32.count, "\(label): count", file: file, line: line)
            for (i, (g, hex)) in zip(got, e.f32).enumerated() {
                guard let b = UInt32(hex, radix: 16) else { XCTFail("bad hex \(hex)"); continue }
                let want = Float(bitPattern: b)
                let ok = want.isNaN ? g.isNaN : g.bitPattern == b
                if !ok {
                    mismatches += 1
                    XCTFail("\(label)[\(i)]: got \(g) (\(String(g.bitPattern, radix: 16))), want \(want) (\(hex))",
                            file: file, line: line)
                }
            }
        case .float64:
            let got = t.doubles
            XCTAssertEqual(got.count, e.f64.count, "\(label): count", file: file, line: line)
            for (i, (g, hex)) in zip(got, e.f64).enumerated() {
                guard let b = UInt64(hex, radix: 16) else { XCTFail("bad hex \(hex)"); continue }
                let want = Double(bitPattern: b)
                let ok = want.isNaN ? g.isNaN : g.bitPattern == b
                if !ok {
                    mismatches += 1
                    XCTFail("\(label)[\(i)]: got \(g), want \(want) (\(hex))", file: file, line: line)
                }
            }
        }
        return mismatches
    }

    // MARK: Reading reference files

    func testReadSafetensorsFixturesMatchReference() throws {
        let exp = try expected()
        let files = exp.files.keys.filter { $0.hasSuffix(".safetensors") }.sorted()
        XCTAssertEqual(files.count, 7)
        var compared = 0, mismatches = 0
        for name in files {
            let want = try XCTUnwrap(exp.files[name])
            for dtype in [DType.float32, .float64] {
                let (tensors, metadata) = try Safetensors.readWithMetadata(from: fixture(name), as: dtype)
                XCTAssertEqual(metadata, want.metadata ?? [:], "\(name): metadata")
                XCTAssertEqual(Set(tensors.keys), Set(want.tensors.keys), "\(name): tensor names")
                for (tname, values) in want.tensors {
                    guard let t = tensors[tname] else { continue }
                    XCTAssertEqual(t.dtype, dtype)
                    mismatches += assertValues(t, values, "\(name)/\(tname) as \(dtype)")
                    compared += t.count
                }
            }
        }
        print("safetensors fixtures: \(compared) elements compared bit-exactly, \(mismatches) mismatches")
        // read(from:) is the same without metadata.
        let plain = try Safetensors.read(from: fixture("st_mixed.safetensors"))
        XCTAssertEqual(plain.keys.sorted(), ["x16", "x32", "x64", "xbf"])
    }

    func testReadNpyFixturesMatchNumPy() throws {
        let exp = try expected()
        let files = exp.files.keys.filter { $0.hasSuffix(".npy") }.sorted()
        XCTAssertEqual(files.count, 8)
        var compared = 0, mismatches = 0
        for name in files {
            let values = try XCTUnwrap(exp.files[name]?.tensors["array"])
            for dtype in [DType.float32, .float64] {
                let t = try Npy.read(from: fixture(name), as: dtype)
                XCTAssertEqual(t.dtype, dtype)
                mismatches += assertValues(t, values, "\(name) as \(dtype)")
                compared += t.count
            }
        }
        print("npy fixtures: \(compared) elements compared bit-exactly, \(mismatches) mismatches")
        XCTAssertEqual(try Npy.read(from: fixture("npy_0d.npy")).shape, [])
        XCTAssertEqual(try Npy.read(from: fixture("npy_empty.npy")).shape, [0, 3])
    }

    /// Reading a reference-written file and writing it back gives the reference's bytes exactly.
    func testWriterReproducesReferenceBytes() throws {
        let exp = try expected()
        XCTAssertEqual(exp.byte_identical.count, 9)
        for (name, dtypeName) in exp.byte_identical.sorted(by: { $0.key < $1.key }) {
            let dtype = try XCTUnwrap(DType(rawValue: dtypeName))
            let original = try fixtureBytes(name)
            let rewritten: Data
            if name.hasSuffix(".npy") {
                rewritten = Npy.encode(try Npy.decode(original, as: dtype))
            } else {
                let (decoded, metadata) = try Safetensors.decode(original, as: dtype)
                let md: [String: String]? = exp.files[name]?.metadata
                XCTAssertEqual(metadata, md ?? [:])
                // Tensors stored as F32 go back as float32 tensors; the rest keep the dtype read.
                var tensors = decoded
                for (tname, values) in exp.files[name]?.tensors ?? [:] where values.dtype == "F32" {
                    tensors[tname] = tensors[tname]?.to(.float32)
                }
                rewritten = try Safetensors.encode(tensors, metadata: md, keepFloat64: dtype == .float64)
            }
            XCTAssertEqual(rewritten, original, "\(name): re-encoded bytes differ from the reference library's")
            if rewritten != original {
                print(name, String(decoding: rewritten, as: UTF8.self).prefix(300))
                print(name, String(decoding: original, as: UTF8.self).prefix(300))
            }
        }
    }

    // MARK: Round trips

    func testSafetensorsRoundTrip() throws {
        let dir = try temporaryDirectory()
        var rng = RandomGenerator(seed: 99)
        let tensors: [String: Tensor] = [
            "conv.weight": Tensor.randn([4, 3, 5], using: &rng),
            "conv.bias": Tensor.randn([4], using: &rng),
            "scalar": Tensor(scalar: -1.5),
            "empty": Tensor.zeros([2, 0]),
            "special": Tensor([0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude]),
            "double": Tensor.randn([3, 2], dtype: .float64, using: &rng),
            "ünïcode \"name\"\n": Tensor([1, 2]),
        ]
        let metadata = ["format": "pt", "epoch": "12", "quote\"back\\slash": "tab\there\u{01}", "é": "ü"]
        let url = dir.appendingPathComponent("model.safetensors")
        for keepFloat64 in [false, true] {
            try Safetensors.write(tensors, metadata: metadata, to: url, keepFloat64: keepFloat64)
            let (back, md) = try Safetensors.readWithMetadata(from: url, as: .float64)
            XCTAssertEqual(md, metadata)
            XCTAssertEqual(Set(back.keys), Set(tensors.keys))
            for (name, t) in tensors {
                let b = try XCTUnwrap(back[name])
                XCTAssertEqual(b.shape, t.shape, name)
                if t.dtype == .float64 && keepFloat64 {
                    XCTAssertEqual(b.doubles.map(\.bitPattern), t.doubles.map(\.bitPattern), name)
                } else {
                    // Stored as F32: float32 tensors exactly, float64 tensors rounded to nearest float32.
                    XCTAssertEqual(b.doubles.map(\.bitPattern), t.scalars.map { Double($0).bitPattern }, name)
                }
            }
        }
        // Without metadata the file has no __metadata__ entry; with an empty map it has an empty one.
        let data = try Safetensors.encode(["x": Tensor([1])])
        XCTAssertFalse(String(decoding: data, as: UTF8.self).contains("__metadata__"))
        XCTAssertTrue(String(decoding: try Safetensors.encode(["x": Tensor([1])], metadata: [:]), as: UTF8.self)
            .contains("\"__metadata__\":{}"))
        // Header length is a multiple of 8 and the buffer starts right after it.
        let n = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        XCTAssertEqual(n % 8, 0)
        XCTAssertEqual(UInt64(data.count), 8 + n + 4)
        // The atomic writer leaves no temporary files behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["model.safetensors"])
    }

    func testNpyRoundTrip() throws {
        let dir = try temporaryDirectory()
        var rng = RandomGenerator(seed: 5)
        let cases: [Tensor] = [
            Tensor.randn([3, 4], using: &rng), Tensor.randn([2, 3, 4], using: &rng), Tensor(scalar: 7.25),
            Tensor.zeros([0, 5]), Tensor.randn([6], dtype: .float64, using: &rng),
            Tensor([.nan, .infinity, -0.0, .leastNonzeroMagnitude]),
        ]
        let url = dir.appendingPathComponent("a.npy")
        for t in cases {
            try Npy.write(t, to: url)
            let back = try Npy.read(from: url, as: t.dtype)
            XCTAssertEqual(back.shape, t.shape)
            XCTAssertEqual(back.dtype, t.dtype)
            XCTAssertEqual(back.doubles.map(\.bitPattern), t.doubles.map(\.bitPattern), "\(t.shape)")
            // The data starts on a 64-byte boundary, as numpy.save aligns it.
            let header = try Data(contentsOf: url).count - t.count * t.dtype.byteSize
            XCTAssertEqual(header % 64, 0)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["a.npy"])
    }

    /// Writes files for Tests/Fixtures/check_swift_written.py when SWIFTSER_IO_EXPORT_DIR is set.
    func testExportForPythonCheck() throws {
        guard let path = ProcessInfo.processInfo.environment["SWIFTSER_IO_EXPORT_DIR"] else {
            throw XCTSkip("set SWIFTSER_IO_EXPORT_DIR to write files for Tests/Fixtures/check_swift_written.py")
        }
        let dir = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // Values are a formula the Python script recomputes: element i of tensor k is (i - 3) / (k + 4).
        func tensor(_ shape: [Int], _ k: Int, _ dtype: DType = .float32) -> Tensor {
            Tensor.fromFunction(shape, dtype: dtype) { Double($0 - 3) / Double(k + 4) }
        }
        let tensors = ["a": tensor([2, 3], 0), "b.weight": tensor([4], 1), "c": tensor([], 2),
                       "d": tensor([0, 2], 3), "e64": tensor([3, 2], 4, .float64)]
        try Safetensors.write(tensors, metadata: ["format": "pt", "note": "written by SwiftSER"],
                              to: dir.appendingPathComponent("swift_f32.safetensors"))
        try Safetensors.write(tensors, metadata: nil, to: dir.appendingPathComponent("swift_f64.safetensors"),
                              keepFloat64: true)
        try Npy.write(tensor([2, 3, 4], 5), to: dir.appendingPathComponent("swift_f4.npy"))
        try Npy.write(tensor([5], 6, .float64), to: dir.appendingPathComponent("swift_f8.npy"))
        try Npy.write(tensor([], 7), to: dir.appendingPathComponent("swift_0d.npy"))
        print("wrote Swift files to \(dir.path)")
    }

    // MARK: Safetensors errors

    /// Builds a safetensors file from a header string and a buffer of `bufferBytes` bytes.
    private func safetensors(_ header: String, bufferBytes: Int, headerLength: UInt64? = nil) -> Data {
        let h = Array(header.utf8)
        var d = Data()
        withUnsafeBytes(of: (headerLength ?? UInt64(h.count)).littleEndian) { d.append(contentsOf: $0) }
        d.append(contentsOf: h)
        d.append(contentsOf: (0..<bufferBytes).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        return d
    }

    func testSafetensorsTruncatedFile() throws {
        let full = try fixtureBytes("st_f32.safetensors")
        let n = Int(full.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        for length in 0..<full.count {
            let cut = full.prefix(length)
            assertIOError(try Safetensors.decode(cut), "prefix \(length)") { e in
                switch e {
                case .fileTooShort(_, let size, 8): return length < 8 && size == length
                case .headerLengthBeyondFile(_, let h, let size): return length >= 8 && length < 8 + n && h == n && size == length
                case .offsetsOutOfBounds(_, _, _, _, let buffer): return length >= 8 + n && buffer == length - 8 - n
                default: return false
                }
            }
        }
        // The path appears in the message of a file read.
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("cut.safetensors")
        try full.prefix(full.count - 3).write(to: url)
        let e = assertIOError(try Safetensors.read(from: url), "truncated file") {
            if case .offsetsOutOfBounds(let f, "weight", _, _, _) = $0 { return f == url.path } else { return false }
        }
        XCTAssertTrue(e?.description.contains(url.path) ?? false, e?.description ?? "")
        XCTAssertTrue(e?.description.contains("truncated") ?? false)
        print(e?.description ?? "")
    }

    func testSafetensorsHeaderLengthBeyondFile() {
        let d = safetensors("{}      ", bufferBytes: 0, headerLength: 1000)
        assertIOError(try Safetensors.decode(d, source: "x.safetensors"), "length 1000") {
            $0 == .headerLengthBeyondFile(file: "x.safetensors", headerLength: 1000, fileSize: 16)
        }
        assertIOError(try Safetensors.decode(safetensors("{}", bufferBytes: 0, headerLength: UInt64.max)), "max") {
            if case .headerTooLarge(_, UInt64.max, 100_000_000) = $0 { return true } else { return false }
        }
    }

    func testSafetensorsBadJSON() {
        let bad: [(String, String)] = [
            ("{\"a\": {\"dtype\": \"F32\", ", "unterminated"), ("not json", "garbage"), ("[1, 2]", "array at top"),
            ("{\"a\":1,\"a\":2}", "duplicate key"), ("{\"a\": \"\\ud800\"}", "lone surrogate"),
            ("{\"x\": {\"dtype\": \"F32\", \"shape\": [1]}}", "missing data_offsets"),
            ("{\"x\": {\"dtype\": \"F32\", \"shape\": [1.0], \"data_offsets\": [0, 4]}}", "fractional dim"),
            ("{\"x\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", "negative dim"),
            ("{\"x\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}", "one offset"),
            ("{\"x\": {\"dtype\": 5, \"shape\": [1], \"data_offsets\": [0, 4]}}", "numeric dtype"),
            ("{\"__metadata__\": {\"k\": 1}}", "non-string metadata"),
            ("{\"x\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296, 4294967296], \"data_offsets\": [0, 4]}}",
             "element count overflow"),
            (String(repeating: "[", count: 100_000), "deep nesting"),
        ]
        for (header, what) in bad {
            assertIOError(try Safetensors.decode(safetensors(header, bufferBytes: 4)), what) {
                if case .invalidHeader = $0 { return true } else { return false }
            }
        }
        var invalidUTF8 = safetensors("{\"\u{e9}\":{}}", bufferBytes: 0)
        invalidUTF8[10] = 0xFF
        assertIOError(try Safetensors.decode(invalidUTF8), "invalid UTF-8") {
            if case .invalidHeader(_, let r) = $0 { return r.contains("UTF-8") } else { return false }
        }
    }

    func testSafetensorsBadDType() {
        for code in ["I64", "U8", "BOOL", "F8_E4M3", "float32", ""] {
            let h = "{\"w\": {\"dtype\": \"\(code)\", \"shape\": [2], \"data_offsets\": [0, 8]}}"
            assertIOError(try Safetensors.decode(safetensors(h, bufferBytes: 8), source: "f"), code) {
                $0 == .unsupportedDType(file: "f", tensor: "w", dtype: code)
            }
        }
    }

    func testSafetensorsOffsetErrors() {
        func header(_ entries: [(String, [Int], Int, Int)]) -> String {
            "{" + entries.map { "\"\($0.0)\":{\"dtype\":\"F32\",\"shape\":\($0.1),\"data_offsets\":[\($0.2),\($0.3)]}" }
                .joined(separator: ",") + "}"
        }
        // Out of range: the tensor ends past the 12-byte buffer.
        assertIOError(try Safetensors.decode(safetensors(header([("a", [100], 0, 400)]), bufferBytes: 12)), "oob") {
            $0 == .offsetsOutOfBounds(file: "<data>", tensor: "a", begin: 0, end: 400, bufferSize: 12)
        }
        assertIOError(try Safetensors.decode(safetensors(header([("a", [1], 0, 4), ("b", [2], 4, 12)]),
                                                         bufferBytes: 8)), "second tensor past the end") {
            if case .offsetsOutOfBounds(_, "b", 4, 12, 8) = $0 { return true } else { return false }
        }
        // Offsets that do not fit in 64 bits are not integers we accept.
        assertIOError(try Safetensors.decode(safetensors(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551616]}}", bufferBytes: 4)), "huge") {
            if case .invalidHeader = $0 { return true } else { return false }
        }
        assertIOError(try Safetensors.decode(safetensors(header([("a", [1], 8, 4)]), bufferBytes: 12)), "inverted") {
            $0 == .invalidOffsets(file: "<data>", tensor: "a", begin: 8, end: 4)
        }
        assertIOError(try Safetensors.decode(safetensors(header([("a", [4], 0, 12)]), bufferBytes: 12)), "shape") {
            $0 == .shapeMismatch(file: "<data>", tensor: "a", shape: [4], dtype: "F32", expectedBytes: 16, actualBytes: 12)
        }
        assertIOError(try Safetensors.decode(safetensors(header([("a", [2], 0, 8), ("b", [2], 4, 12)]),
                                                         bufferBytes: 12)), "overlap") {
            $0 == .overlappingOffsets(file: "<data>", tensor: "b", other: "a")
        }
        assertIOError(try Safetensors.decode(safetensors(header([("a", [1], 0, 4), ("b", [1], 8, 12)]),
                                                         bufferBytes: 12)), "gap") {
            $0 == .gapInBuffer(file: "<data>", tensor: "b", expectedBegin: 4, begin: 8)
        }
        assertIOError(try Safetensors.decode(safetensors(header([("a", [1], 4, 8)]), bufferBytes: 8)), "gap at start") {
            $0 == .gapInBuffer(file: "<data>", tensor: "a", expectedBegin: 0, begin: 4)
        }
        assertIOError(try Safetensors.decode(safetensors(header([("a", [2], 0, 8)]), bufferBytes: 12)), "trailing") {
            $0 == .trailingBytes(file: "<data>", used: 8, available: 12)
        }
        // A valid hand-made file with a zero-size tensor and out-of-order entries decodes.
        let ok = safetensors(header([("b", [1], 8, 12), ("z", [0, 7], 8, 8), ("a", [2], 0, 8)]), bufferBytes: 12)
        XCTAssertNoThrow(try Safetensors.decode(ok))
    }

    func testSafetensorsWriteAndReadFailures() throws {
        assertIOError(try Safetensors.encode(["__metadata__": Tensor([1])]), "reserved name") {
            if case .invalidTensor(_, "__metadata__", _) = $0 { return true } else { return false }
        }
        let missingDir = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/m.safetensors")
        assertIOError(try Safetensors.write(["x": Tensor([1])], to: missingDir), "missing directory") {
            if case .unwritable(let f, _) = $0 { return f == missingDir.path } else { return false }
        }
        assertIOError(try Safetensors.read(from: missingDir), "missing file") {
            if case .unreadable(let f, _) = $0 { return f == missingDir.path } else { return false }
        }
        assertIOError(try Npy.write(Tensor([1]), to: missingDir), "npy missing directory") {
            if case .unwritable = $0 { return true } else { return false }
        }
    }

    // MARK: Npy errors

    /// A version-1.0 .npy file with the given header dict text and data bytes.
    private func npy(_ dict: String, data: [UInt8], version: UInt8 = 1) -> Data {
        var header = Array(dict.utf8) + [UInt8(ascii: "\n")]
        let lengthBytes = version == 1 ? 2 : 4
        while (8 + lengthBytes + header.count) % 64 != 0 { header.insert(UInt8(ascii: " "), at: header.count - 1) }
        var d = Data([0x93] + Array("NUMPY".utf8) + [version, 0])
        for k in 0..<lengthBytes { d.append(UInt8(truncatingIfNeeded: header.count >> (8 * k))) }
        d.append(contentsOf: header)
        d.append(contentsOf: data)
        return d
    }

    func testNpyErrors() throws {
        assertIOError(try Npy.decode(Data("NUMPY\u{1}\u{0}".utf8)), "bad magic") { $0 == .badMagic(file: "<data>") }
        assertIOError(try Npy.decode(try fixtureBytes("st_f32.safetensors")), "safetensors as npy") {
            $0 == .badMagic(file: "<data>")
        }
        assertIOError(try Npy.decode(Data([0x93, 0x4E])), "short magic") {
            if case .fileTooShort = $0 { return true } else { return false }
        }
        let fortran = fixture("npy_fortran.npy")
        let e = assertIOError(try Npy.read(from: fortran), "fortran") { $0 == .fortranOrder(file: fortran.path, shape: [2, 3]) }
        print(e?.description ?? "")
        assertIOError(try Npy.read(from: fixture("npy_bigendian.npy")), "big endian") {
            if case .bigEndian(_, ">f4") = $0 { return true } else { return false }
        }
        assertIOError(try Npy.read(from: fixture("npy_int32.npy")), "int32") {
            if case .unsupportedDType(_, nil, "<i4") = $0 { return true } else { return false }
        }
        assertIOError(try Npy.read(from: fixture("npy_object.npy")), "object") {
            if case .unsupportedDType(_, nil, "|O") = $0 { return true } else { return false }
        }
        let four = [UInt8](repeating: 0, count: 16)
        var v4 = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", data: four)
        v4[6] = 4
        assertIOError(try Npy.decode(v4), "version 4") { $0 == .unsupportedVersion(file: "<data>", major: 4, minor: 0) }
        let five = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", data: four)
        assertIOError(try Npy.decode(five), "truncated data") {
            $0 == .truncated(file: "<data>", expectedBytes: five.count + 4, actualBytes: five.count)
        }
        assertIOError(try Npy.decode(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", data: four)),
                      "trailing data") { $0 == .trailingBytes(file: "<data>", used: 12, available: 16) }
        let full = try fixtureBytes("npy_3d.npy")
        assertIOError(try Npy.decode(full.prefix(30)), "truncated header") {
            if case .truncated = $0 { return true } else { return false }
        }
        for dict in ["{'descr': '<f4', 'shape': (4,), }", "{'descr': '<f4', 'fortran_order': 0, 'shape': (4,), }",
                     "{'descr': '<f4', 'fortran_order': False, 'shape': [4], }",
                     "{'descr': '<f4', 'fortran_order': False, 'shape': (-4,), }",
                     "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'extra': 1}",
                     "{'descr': '<f4', 'fortran_order': False, 'shape': (4,) ", "not a dict",
                     "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }"] {
            assertIOError(try Npy.decode(npy(dict, data: four)), dict) {
                if case .invalidHeader = $0 { return true } else { return false }
            }
        }
        // Accepted variants: key order, double quotes, Fortran order where it equals C order, version 2.0.
        let ok = [npy("{\"shape\": (1, 4), \"fortran_order\": True, \"descr\": \"<f4\"}", data: four),
                  npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2)}", data: four, version: 2)]
        for d in ok { XCTAssertEqual(try Npy.decode(d).count, 4) }
    }

    // MARK: Fuzzing

    /// Random, truncated and mutated inputs either decode or throw a TensorIOError; none may trap.
    func testFuzzedInputsNeverCrash() throws {
        var rng = RandomGenerator(seed: 2024)
        var outcomes = (decoded: 0, failed: 0)
        func check(_ d: Data, _ label: @autoclosure () -> String) {
            for isNpy in [false, true] {
                do {
                    if isNpy { _ = try Npy.decode(d) } else { _ = try Safetensors.decode(d) }
                    outcomes.decoded += 1
                } catch is TensorIOError {
                    outcomes.failed += 1
                } catch {
                    XCTFail("\(label()): non-TensorIOError \(error)")
                }
            }
        }
        // Pure noise, with a plausible safetensors length prefix half of the time.
        for i in 0..<2000 {
            var bytes = (0..<rng.nextInt(below: 120)).map { _ in UInt8(rng.nextInt(below: 256)) }
            if i % 2 == 0 && bytes.count >= 8 {
                let n = UInt64(rng.nextInt(below: bytes.count - 7))
                withUnsafeBytes(of: n.littleEndian) { for k in 0..<8 { bytes[k] = $0[k] } }
            }
            check(Data(bytes), "noise \(i)")
        }
        // Every fixture: all truncations, plus random mutations biased towards the header's syntax.
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("io").path)
            .filter { $0.hasSuffix(".npy") || $0.hasSuffix(".safetensors") }.sorted()
        let syntax = Array("{}[]\":,0123456789-.eE \\ut'()TF".utf8)
        for name in names {
            let original = Array(try fixtureBytes(name))
            for length in 0..<original.count { check(Data(original.prefix(length)), "\(name) prefix \(length)") }
            let headerEnd = min(original.count, 140)
            for m in 0..<300 {
                var bytes = original
                for _ in 0..<(1 + rng.nextInt(below: 3)) {
                    let at = rng.nextInt(below: headerEnd)
                    bytes[at] = rng.nextInt(below: 2) == 0 ? syntax[rng.nextInt(below: syntax.count)]
                                                           : UInt8(rng.nextInt(below: 256))
                }
                check(Data(bytes), "\(name) mutation \(m)")
            }
        }
        print("fuzz: \(outcomes.decoded) decoded, \(outcomes.failed) rejected with TensorIOError")
        XCTAssertGreaterThan(outcomes.failed, 10_000)
    }
}
