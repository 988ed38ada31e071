import XCTest
import SERTestSupport
@testable import SERModels

final class ModulePersistenceTests: XCTestCase {
    func testSaveLoadRoundTripWithMetadata() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = RandomGenerator(seed: 1)
        let a = TinyModel(rng: &rng), b = TinyModel(rng: &rng)
        _ = a(Tensor.randn([3, 2, 5], using: &rng))  // moves the running statistics off their defaults
        let url = dir.appendingPathComponent("model.safetensors")
        try a.save(to: url, metadata: ["model": "tiny", "epochs": "3"])
        let metadata = try b.load(from: url)
        XCTAssertEqual(metadata, ["model": "tiny", "epochs": "3"])
        XCTAssertEqual(b.stateDict().mapValues(\.scalars), a.stateDict().mapValues(\.scalars))
        XCTAssertEqual(b.norm.numBatchesTracked?.item, 1)
        XCTAssertEqual(Set(try Safetensors.read(from: url).keys), Set(a.stateDict().keys))
    }

    func testLoadMismatchNamesTheFileAndKeysAndLeavesModuleUnchanged() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = RandomGenerator(seed: 2)
        let url = dir.appendingPathComponent("mlp.safetensors")
        try MLP(inputSize: 4, hiddenSizes: [5], outputSize: 2, rng: &rng).save(to: url)
        let other = MLP(inputSize: 4, hiddenSizes: [6], outputSize: 2, rng: &rng)
        let before = other.stateDict().mapValues(\.scalars)
        XCTAssertThrowsError(try other.load(from: url)) { error in
            guard let e = error as? StateDictError else { return XCTFail("wrong error \(error)") }
            XCTAssertEqual(e.file, url.path)
            XCTAssertEqual(e.misShaped.map(\.name), ["0.bias", "0.weight", "2.weight"])
            XCTAssertTrue(e.description.contains(url.path), e.description)
        }
        XCTAssertEqual(other.stateDict().mapValues(\.scalars), before)

        let deeper = MLP(inputSize: 4, hiddenSizes: [5, 5], outputSize: 2, rng: &rng)
        XCTAssertThrowsError(try deeper.load(from: url)) { error in
            XCTAssertEqual((error as? StateDictError)?.missing, ["4.bias", "4.weight"])
        }
    }

    func testLoadRejectsMissingAndCorruptFiles() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = RandomGenerator(seed: 3)
        let l = Linear(2, 2, rng: &rng)
        XCTAssertThrowsError(try l.load(from: dir.appendingPathComponent("absent.safetensors"))) {
            XCTAssertTrue($0 is TensorIOError, "\($0)")
        }
        let bad = dir.appendingPathComponent("bad.safetensors")
        try Data([1, 2, 3, 4, 5, 6, 7, 8, 9]).write(to: bad)
        XCTAssertThrowsError(try l.load(from: bad)) { XCTAssertTrue($0 is TensorIOError, "\($0)") }
    }

    /// A file written by `safetensors.torch.save_file(mlp.state_dict())` (generate_layer_fixtures.py)
    /// loads into the MLP with the same layout, and holds the same values as the JSON fixture.
    func testLoadsPyTorchSafetensorsFile() throws {
        var rng = RandomGenerator(seed: 4)
        let mlp = MLP(inputSize: 6, hiddenSizes: [8, 7], outputSize: 3, dropout: 0.3, rng: &rng)
        let metadata = try mlp.load(from: Fixtures.url("layers/mlp_torch.safetensors"))
        XCTAssertEqual(metadata, ["format": "pt"])
        let file = try Fixtures.json(LayerParityTests.File.self, "layers/layers.json")
        let reference = try XCTUnwrap(file.cases.first { $0.name == "mlp_relu_dropout_eval" })
        XCTAssertEqual(Set(reference.state.keys), Set(mlp.stateDict().keys))
        for (name, t) in mlp.stateDict() {
            XCTAssertEqual(t.scalars, reference.state[name]?.data.map { Float($0) }, name)  // exact in float32
        }
    }
}
