import XCTest
import SERTestSupport
@testable import SERModels
@testable import SERTensor

/// The torch.save reader (legacy and zip formats, the pickle subset) on the fixtures written by
/// Tests/Fixtures/generate_wav2vec_fixtures.py, on hand-made pickles, and on truncated and mutated files.
final class TorchCheckpointTests: XCTestCase {
    static let fixtureNames = ["small_legacy_fp32.pt", "small_zip_fp16.pt", "general_zip_fp32.pt", "general_legacy_fp16.pt"]

    func fixture(_ name: String) throws -> Data { try Data(contentsOf: Fixtures.url("wav2vec/\(name)")) }

    // MARK: Structure

    func testReadsFairseqCheckpointStructure() throws {
        for name in Self.fixtureNames {
            let ckpt = try TorchCheckpoint(data: try fixture(name), source: name)
            XCTAssertEqual(ckpt.format, name.contains("zip") ? .zip : .legacy)
            guard case .dict(let root) = ckpt.root else { return XCTFail("\(name): root is \(ckpt.root.typeName)") }
            var keys: Set<String> = ["model", "optimizer_history", "extra_state", "last_optimizer_state", "args"]
            if name.hasPrefix("general") { keys.insert("cfg") }
            XCTAssertEqual(Set(root.stringKeys), keys)
            // args: an argparse.Namespace (small) or None next to a cfg dict (general).
            if name.hasPrefix("small") {
                XCTAssertEqual(root["args"]?.typeName, "argparse.Namespace")
                XCTAssertEqual(root["args"]?["max_tokens"]?.intValue, 1_500_000)
                XCTAssertEqual(root["args"]?["lr"]?.sequence?.first?.doubleValue, 1e-6)
                XCTAssertEqual(root["args"]?["fp16"]?.boolValue, true)
                XCTAssertTrue(root["args"]?["sample_distance"]?.isNone ?? false)
            } else {
                XCTAssertTrue(root["args"]?.isNone ?? false)
                XCTAssertEqual(root["cfg"]?["model"]?["_name"]?.stringValue, "wav2vec")
                XCTAssertEqual(root["cfg"]?["model"]?["residual_scale"]?.doubleValue, 0.3)
            }
            // extra_state: an inert fairseq.meters.AverageMeter (never constructed), a set, bytes.
            let extra = root["extra_state"]
            guard case .object(let meter)? = extra?["train_meters"]?["train_loss"] else { return XCTFail("\(name): no meter") }
            XCTAssertEqual(meter.kind, .inert(module: "fairseq.meters", name: "AverageMeter"))
            XCTAssertEqual(meter.attributes?["count"]?.intValue, 2)
            XCTAssertEqual(extra?["flags"]?.sequence?.compactMap(\.intValue).sorted(), [1, 2, 3])
            guard case .bytes(let blob)? = extra?["blob"] else { return XCTFail("\(name): blob is \(extra?["blob"]?.typeName ?? "nil")") }
            XCTAssertEqual(blob, [0, 1, 0xFE])
            XCTAssertEqual(extra?["train_iterator"]?["epoch"]?.intValue, 3)
            // Optimizer state: an int64 tensor (not readable as float) and float tensors.
            let state = root["last_optimizer_state"]?["state"]
            guard case .dict(let perParam)? = state, case .tensor(let step)? = perParam[0]?["step"],
                  case .tensor(let avg)? = perParam[0]?["exp_avg"] else { return XCTFail("\(name): optimizer state") }
            XCTAssertEqual(step.storage.type, .long)
            XCTAssertEqual(step.shape, [])
            XCTAssertThrowsError(try ckpt.tensor(step, name: "step")) { error in
                guard case .unsupported(let f, let r)? = error as? TorchCheckpointError else { return XCTFail("\(error)") }
                XCTAssertEqual(f, name)
                XCTAssertTrue(r.contains("LongStorage"), r)
            }
            let values = try ckpt.tensor(avg, name: "exp_avg").scalars
            XCTAssertEqual(values.count, 8)
            for (i, v) in values.enumerated() { XCTAssertEqual(v, Float(-1 + 2 * Double(i) / 7), accuracy: 1e-6) }
            XCTAssertEqual(root["last_optimizer_state"]?["loss_scale"]?.doubleValue, 128)
        }
    }

    /// The general fixtures store a transposed view and two slices of one storage; the values equal the
    /// contiguous tensors of the float16 twin (same weights).
    func testStridedViewsAndStorageOffsets() throws {
        let ckpt = try TorchCheckpoint(data: try fixture("general_zip_fp32.pt"), source: "general_zip_fp32.pt")
        guard case .tensor(let transposed)? = ckpt.root["model"]?["feature_aggregator.conv_layers.1.1.weight"],
              case .tensor(let first)? = ckpt.root["model"]?["feature_aggregator.conv_layers.0.1.weight"],
              case .tensor(let second)? = ckpt.root["model"]?["feature_extractor.conv_layers.4.0.weight"] else {
            return XCTFail("tensors missing")
        }
        XCTAssertEqual(transposed.shape, [12, 12, 2])
        XCTAssertEqual(transposed.strides, [12, 1, 144])
        XCTAssertEqual(first.storage.key, second.storage.key)
        XCTAssertEqual(first.storageOffset, 0)
        XCTAssertEqual(second.storageOffset, first.count)
        let legacy = try TorchCheckpoint(data: try fixture("general_legacy_fp16.pt"), source: "general_legacy_fp16.pt")
        for key in ["feature_aggregator.conv_layers.1.1.weight", "feature_aggregator.conv_layers.0.1.weight",
                    "feature_extractor.conv_layers.4.0.weight", "feature_extractor.conv_layers.0.0.weight"] {
            guard case .tensor(let a)? = ckpt.root["model"]?[key], case .tensor(let b)? = legacy.root["model"]?[key] else {
                return XCTFail(key)
            }
            XCTAssertEqual(b.storage.type, .half)
            XCTAssertEqual(try ckpt.tensor(a, name: key).scalars, try legacy.tensor(b, name: key).scalars, key)
        }
    }

    // MARK: Safety

    /// A pickle calling os.system: rejected under .strict at the GLOBAL, and never run under .inert.
    func testArbitraryGlobalsAreNeverRun() throws {
        // \x80\x02 c"os\nsystem\n" X"touch /tmp/pwned" \x85 R .
        var bytes: [UInt8] = [0x80, 0x02, 0x63] + Array("os\nsystem\n".utf8) + [0x58]
        let command = Array("touch /tmp/swiftser-pickle-test".utf8)
        bytes += withUnsafeBytes(of: UInt32(command.count).littleEndian, Array.init) + command + [0x85, 0x52, 0x2E]
        let data = Data(bytes)
        try data.withUnsafeBytes { raw in
            var strict = TorchPickle(raw, range: 0..<raw.count, file: "evil.pkl", part: "pickle", policy: .strict,
                                     persistentLoad: { _ in .none })
            XCTAssertThrowsError(try strict.load()) { error in
                XCTAssertEqual(error as? TorchCheckpointError, .disallowedGlobal(file: "evil.pkl", part: "pickle (byte 2)", global: "os.system"))
                XCTAssertTrue("\(error)".contains("evil.pkl"))
            }
            var inert = TorchPickle(raw, range: 0..<raw.count, file: "evil.pkl", part: "pickle", policy: .inert,
                                    persistentLoad: { _ in .none })
            let (value, end) = try inert.load()
            XCTAssertEqual(end, raw.count)
            guard case .object(let o) = value else { return XCTFail("\(value.typeName)") }
            XCTAssertEqual(o.kind, .inert(module: "os", name: "system"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/swiftser-pickle-test"))
    }

    /// Nesting beyond the limit and self-containing structures are errors, however deep (no stack overflow when
    /// the values are built or freed).
    func testDeepAndRecursiveStructures() throws {
        func run(_ bytes: [UInt8]) throws -> PickleValue {
            try Data(bytes).withUnsafeBytes { raw in
                var p = TorchPickle(raw, range: 0..<raw.count, file: "deep.pkl", part: "pickle", policy: .strict,
                                    persistentLoad: { _ in .none })
                return try p.load().value
            }
        }
        // 300,000 nested 1-tuples, and 300,000 lists each appended into the next.
        let tuples: [UInt8] = [0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: 300_000) + [0x2E]
        let lists: [UInt8] = [0x80, 0x02] + [UInt8](repeating: 0x5D, count: 300_000) + [UInt8](repeating: 0x61, count: 299_999) + [0x2E]
        for (bytes, label) in [(tuples, "tuples"), (lists, "lists")] {
            XCTAssertThrowsError(try run(bytes), label) { error in
                guard case .corrupt(let f, _, let r)? = error as? TorchCheckpointError else { return XCTFail("\(error)") }
                XCTAssertEqual(f, "deep.pkl")
                XCTAssertTrue(r.contains("nested more than \(TorchPickle.maximumDepth)"), r)
            }
        }
        // Nesting up to the limit is fine.
        let ok: [UInt8] = [0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: TorchPickle.maximumDepth) + [0x2E]
        XCTAssertNoThrow(try run(ok))
        // A list that contains itself: EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, STOP.
        XCTAssertThrowsError(try run([0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E])) { error in
            XCTAssertTrue("\(error)".contains("contains itself"), "\(error)")
        }
        // A shared tuple used 2^40 times through doubling stays linear to read and to check.
        var doubling: [UInt8] = [0x80, 0x02, 0x4E, 0x85, 0x71, 0x00, 0x30]  // memo[0] = (None,)
        for i in 0..<40 { doubling += [0x68, UInt8(i), 0x68, UInt8(i), 0x86, 0x71, UInt8(i + 1), 0x30] }  // memo[i+1] = (t_i, t_i)
        doubling += [0x68, 40, 0x2E]
        let shared = try run(doubling)
        let check = shared.firstInertObject(maxVisits: 100_000)
        XCTAssertEqual(check?.global, "<more than 100000 values>")
    }

    func testStrictPolicyRejectsFairseqMeters() throws {
        XCTAssertThrowsError(try TorchCheckpoint(data: try fixture("small_legacy_fp32.pt"), source: "x.pt", policy: .strict)) { error in
            guard case .disallowedGlobal(let f, _, let g)? = error as? TorchCheckpointError else { return XCTFail("\(error)") }
            XCTAssertEqual(f, "x.pt")
            XCTAssertEqual(g, "fairseq.meters.AverageMeter")
        }
    }

    /// An inert object inside `model` (or `args`) stops the import, naming the class and where it is.
    func testImportRejectsUnknownObjectsInModel() throws {
        let main: [UInt8] = [0x80, 0x02, 0x7D] + binunicode("model") + [0x7D] + binunicode("w")
            + [0x63] + Array("numpy.core.multiarray\nscalar\n".utf8) + [0x29, 0x52, 0x73, 0x73] + binunicode("args") + [0x4E, 0x73, 0x2E]
        let data = Data(legacyFile(main: main))
        let ckpt = try TorchCheckpoint(data: data, source: "odd.pt")
        XCTAssertThrowsError(try Wav2VecModel.importFairseq(ckpt)) { error in
            XCTAssertEqual(error as? TorchCheckpointError,
                           .disallowedGlobal(file: "odd.pt", part: "'model'[w]", global: "numpy.core.multiarray.scalar"))
        }
        XCTAssertThrowsError(try TorchCheckpoint(data: data, source: "odd.pt", policy: .strict))
    }

    func testImportErrorsNameTheProblem() throws {
        // No 'model' key.
        let noModel = Data(legacyFile(main: [0x80, 0x02, 0x7D] + binunicode("args") + [0x4E, 0x73, 0x2E]))
        XCTAssertThrowsError(try Wav2VecModel.importFairseq(try TorchCheckpoint(data: noModel, source: "a.pt"))) { error in
            guard case .missing(let f, let what)? = error as? TorchCheckpointError else { return XCTFail("\(error)") }
            XCTAssertEqual(f, "a.pt")
            XCTAssertTrue(what.contains("'model'") && what.contains("args"), what)
        }
        // Weights that do not fit the stored architecture (small weights, large args): every mismatch listed.
        let small = try TorchCheckpoint(data: try fixture("small_legacy_fp32.pt"), source: "s.pt")
        guard case .object(let args)? = small.root["args"], let attributes = args.attributes else { return XCTFail("args") }
        attributes.set(.string("conv_aggregator_layers"), .string("[(32, 2, 1), (32, 3, 1), (32, 5, 1), (32, 2, 1)]"))
        XCTAssertThrowsError(try Wav2VecModel.importFairseq(small)) { error in
            guard let e = error as? StateDictError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.file, "s.pt")
            XCTAssertEqual(e.misShaped.map(\.name), ["feature_aggregator.conv_layers.2.1.weight"])
            XCTAssertEqual(e.misShaped.first?.expected, [32, 32, 5])
            XCTAssertEqual(e.misShaped.first?.found, [32, 32, 4])
            XCTAssertEqual(e.missing.count, 4)  // layer 3: conv weight and bias, group-norm weight and bias
        }
        // Unsupported architectures.
        for (key, value, expected) in [("aggregator", "gru", "aggregator 'gru'"), ("vq_type", "gumbel", "vq-wav2vec"),
                                       ("arch", "wav2vec2", "wav2vec2"), ("conv_feature_layers", "[(512, k, 1)]", "conv_feature_layers")] {
            let ckpt = try TorchCheckpoint(data: try fixture("small_legacy_fp32.pt"), source: "s.pt")
            guard case .object(let a)? = ckpt.root["args"] else { return XCTFail("args") }
            a.attributes?.set(.string(key), .string(value))
            XCTAssertThrowsError(try Wav2VecModel.importFairseq(ckpt)) { error in
                XCTAssertTrue(error is TorchCheckpointError, "\(error)")
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
    }

    func testNotACheckpoint() throws {
        let dir = try Fixtures.temporaryDirectory("torchckpt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("missing.pt")
        XCTAssertThrowsError(try TorchCheckpoint.read(from: missing)) { error in
            guard case .unreadable(let f, _)? = error as? TorchCheckpointError else { return XCTFail("\(error)") }
            XCTAssertEqual(f, missing.path)
        }
        for (bytes, hint) in [([UInt8](), "unknown leading bytes"), (Array("hello world".utf8), "unknown leading bytes"),
                              ([0x80, 0x04, 0x95], "bare pickle")] {
            XCTAssertThrowsError(try TorchCheckpoint(data: Data(bytes), source: "f")) { error in
                guard case .notACheckpoint(_, let r)? = error as? TorchCheckpointError else { return XCTFail("\(error)") }
                XCTAssertTrue(r.contains(hint), r)
            }
        }
        let st = try Data(contentsOf: Fixtures.url("io/st_f32.safetensors"))
        XCTAssertThrowsError(try TorchCheckpoint(data: st, source: "f")) { XCTAssertTrue($0 is TorchCheckpointError) }
    }

    // MARK: Zip specifics

    func testZipCompressedEntryAndCRC() throws {
        let original = [UInt8](try fixture("small_zip_fp16.pt"))
        // Mark every central-directory entry as deflated (method 8).
        var compressed = original
        var p = 0
        while p + 4 <= compressed.count {
            if compressed[p] == 0x50, compressed[p + 1] == 0x4B, compressed[p + 2] == 0x01, compressed[p + 3] == 0x02 {
                compressed[p + 10] = 8
            }
            p += 1
        }
        XCTAssertThrowsError(try TorchCheckpoint(data: Data(compressed), source: "c.pt")) { error in
            guard case .unsupported(let f, let r)? = error as? TorchCheckpointError else { return XCTFail("\(error)") }
            XCTAssertEqual(f, "c.pt")
            XCTAssertTrue(r.contains("compressed (method 8)"), r)
        }
        // A flipped bit in a storage: the CRC check names the entry when the tensor is read.
        let ckpt = try TorchCheckpoint(data: Data(original), source: "z.pt")
        guard case .tensor(let w)? = ckpt.root["model"]?["feature_extractor.conv_layers.1.0.weight"] else { return XCTFail("w") }
        let entry = "small_zip_fp16/data/\(w.storage.key)"
        let zip = try Data(original).withUnsafeBytes { try StoredZipArchive($0, file: "z.pt") }
        guard let range = zip.entries[entry]?.dataRange else { return XCTFail("entry \(entry) not found in \(zip.names)") }
        var damaged = original
        damaged[range.lowerBound + 5] ^= 0x10
        let bad = try TorchCheckpoint(data: Data(damaged), source: "z.pt")
        XCTAssertThrowsError(try bad.tensor(w, name: "w")) { error in
            guard case .corrupt(_, _, let r)? = error as? TorchCheckpointError else { return XCTFail("\(error)") }
            XCTAssertTrue(r.contains("CRC-32") && r.contains(entry), r)
        }
        XCTAssertEqual(CRC32.checksum(UnsafeRawBufferPointer(start: nil, count: 0)), 0)
        XCTAssertEqual(Array("123456789".utf8).withUnsafeBytes { CRC32.checksum($0) }, 0xCBF4_3926)
    }

    // MARK: Fuzzing

    /// Truncated and mutated fixtures either import or fail with a typed error naming the file; none may trap.
    func testTruncatedAndMutatedFilesNeverCrash() throws {
        var rng = RandomGenerator(seed: 31)
        var outcomes = (imported: 0, failed: 0)
        func check(_ bytes: [UInt8], _ label: @autoclosure () -> String, importModel: Bool) {
            do {
                let ckpt = try TorchCheckpoint(data: Data(bytes), source: "fuzz.pt")
                if importModel { _ = try Wav2VecModel.importFairseq(ckpt) } else {
                    // Decode every tensor of the model.
                    if case .dict(let d)? = ckpt.root["model"] {
                        for (k, v) in d.entries { if case .tensor(let t) = v { _ = try ckpt.tensor(t, name: k.stringValue ?? "?") } }
                    }
                }
                outcomes.imported += 1
            } catch let e as TorchCheckpointError {
                XCTAssertEqual(e.file, "fuzz.pt", label())
                outcomes.failed += 1
            } catch let e as StateDictError {
                XCTAssertEqual(e.file, "fuzz.pt", label())
                outcomes.failed += 1
            } catch {
                XCTFail("\(label()): unexpected error type \(error)")
            }
        }
        for name in Self.fixtureNames {
            let original = [UInt8](try fixture(name))
            // Truncations: every length in the first 1,200 bytes (the pickles' headers), then a sparse sweep.
            var lengths = Array(0..<min(1200, original.count))
            lengths += stride(from: 1200, to: original.count, by: 131)
            for n in lengths { check(Array(original.prefix(n)), "\(name) prefix \(n)", importModel: false) }
            // Mutations: 1–3 random bytes, half of the time within the first 6 kB (the pickles, zip headers),
            // otherwise anywhere (storages, the zip central directory).
            let iterations = Int(ProcessInfo.processInfo.environment["SWIFTSER_FUZZ_ITERATIONS"] ?? "") ?? 300
            for m in 0..<iterations {
                var bytes = original
                let span = m % 2 == 0 ? min(6000, bytes.count) : bytes.count
                for _ in 0..<(1 + rng.nextInt(below: 3)) {
                    bytes[rng.nextInt(below: span)] = UInt8(rng.nextInt(below: 256))
                }
                check(bytes, "\(name) mutation \(m)", importModel: m % 10 == 0)
            }
        }
        print("fuzz: \(outcomes.imported) loaded, \(outcomes.failed) rejected with typed errors")
        XCTAssertGreaterThan(outcomes.failed, 3000)
    }

    // MARK: Helpers

    func binunicode(_ s: String) -> [UInt8] {
        let u = Array(s.utf8)
        return [0x58] + withUnsafeBytes(of: UInt32(u.count).littleEndian, Array.init) + u
    }

    /// A legacy torch.save stream around `main` (no storages).
    func legacyFile(main: [UInt8]) -> [UInt8] {
        let magic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A] + TorchCheckpoint.legacyMagic + [0x2E]
        let proto: [UInt8] = [0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E]
        let sysInfo: [UInt8] = [0x80, 0x02, 0x7D] + binunicode("little_endian") + [0x88, 0x73, 0x2E]
        let keys: [UInt8] = [0x80, 0x02, 0x5D, 0x2E]
        return magic + proto + sysInfo + main + keys
    }
}
