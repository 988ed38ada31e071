import Foundation
import FuzzDriver
import FuzzSupport
import SERModels
import SERTensor
import SERTraining

/// A trained run's model file (`best.safetensors`: weights and metadata) as `predict` and `evaluate`
/// load it (``TrainedRun/load(from:)``). Random bytes rarely get past the safetensors header, so the
/// input is a patch on a valid model file of a tiny STRFNet: bytes 0–1 give an offset, byte 2 says
/// whether to cut the file there, the rest overwrite the file from the offset. A loaded run must give
/// finite posteriors or a typed error.
private struct Fixture {
    let run: URL
    /// The valid model file. Kept as bytes, not `Data`: LeakSanitizer reported a `Data` held by a global as
    /// leaked, a false positive (see Fuzz/README.md, "Leaks").
    let weights: [UInt8]
    let utterance: Utterance

    init() {
        var c = TrainingConfiguration.demo(classes: ["a", "b"])
        c.model.convChannels = 2
        c.model.residualChannels = [2]
        c.model.embeddingSize = 4
        c.model.gruHidden = 3
        c.model.attentionHidden = 3
        c.model.mlpHidden = [3]
        c.speakerNormalization = false
        run = FileManager.default.temporaryDirectory.appendingPathComponent("swiftser-fuzz-run-\(getpid())")
        do {
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
            try JSONEncoder().encode(c).write(to: run.appendingPathComponent(TrainedRun.configFile))
            var rng = RandomGenerator(seed: 1)
            let model = try STRFNet(c.model, rng: &rng)
            weights = Array(try Safetensors.encode(model.stateDict(), metadata: ["epoch": "3", "validation_ua": "0.5"]))
        } catch {
            fatalError("fuzz fixture: \(error)")  // the fixture itself, not fuzz input
        }
        utterance = Utterance(path: "tone", label: 0, speaker: "s",
                              samples: (0..<8000).map { Float(0.1 * sin(Double($0) * 0.2)) })
        // The unchanged run must load and predict, or the fuzzer never reaches past the loader.
        do {
            try Data(weights).write(to: run.appendingPathComponent(TrainedRun.weightsFile))
            _ = try TrainedRun.load(from: run).predictor.checkedPosteriors([utterance])
        } catch {
            fatalError("fuzz fixture: the unchanged run does not predict: \(error)")
        }
    }
}

private let fixture = Fixture()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunFolder(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = Data(bytes: bytes, count: count)
    let file = patched(Data(fixture.weights), by: input)
    guard (try? file.write(to: fixture.run.appendingPathComponent(TrainedRun.weightsFile))) != nil else { return 0 }
    if let run = try? TrainedRun.load(from: fixture.run) {
        if let p = try? run.predictor.checkedPosteriors([fixture.utterance]) {
            precondition(p.allSatisfy { $0.allSatisfy(\.isFinite) }, "non-finite posteriors passed the check")
        }
    }
    return 0
}

/// The executable's entry point (SwiftPM aliases `main` to it): libFuzzer's driver on ``fuzzRunFolder(_:_:)``.
@_cdecl("FuzzRunFolder_main")
public func fuzzRunFolderMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    _ = fixture  // built before fuzzing, so its allocations are not counted against the first input
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzRunFolder(data, size)
    }
}
