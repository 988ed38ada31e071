import Foundation
import FuzzDriver
import FuzzSupport
import SERAudio
import SERFeatures
import SERModels
import SERTensor

/// The one-file model (`model.safetensors`, ``EmotionModelFile``) as ``EmotionRecognizer/init(contentsOf:)``
/// loads it: the safetensors container, the ``EmotionModelDescription`` JSON in its metadata, and the member
/// weights. Random bytes rarely get past the safetensors header, so the input is a patch on a valid model
/// file of a tiny STRFNet: bytes 0–1 give an offset, byte 2 bit 0 whether to cut there, and the rest of the
/// input overwrites from the offset. Byte 2 bit 1 clear: the patch applies to the file's bytes (header,
/// description JSON or weights). Bit 1 set: it applies to the description JSON text, and the file is written
/// again with the fixture's weights, so the description decoder and its validation see well-formed
/// containers. A loaded model must classify a short tone to finite posteriors or
/// throw a typed error.
private struct Fixture {
    let url: URL
    /// The valid model file. Kept as bytes, not `Data`: LeakSanitizer reported the `Data` this global held
    /// (its storage and bytes) as leaked, a false positive (see Fuzz/README.md, "Leaks").
    let file: [UInt8]
    let tensors: [String: Tensor]
    let metadata: [String: String]
    let descriptionKey: String
    let audio: AudioBuffer

    init() {
        var c = STRFNetConfiguration(inputChannels: [FeatureChannel.spectrogram.rawValue], convChannels: 2, strfInputs: [], classes: 2)
        c.residualChannels = [2]
        c.embeddingSize = 4
        c.gruHidden = 3
        c.attentionHidden = 3
        c.mlpHidden = [3]
        let input = EmotionModelInput(frames: .logMel, channels: [.spectrogram], logMel: .paper(sampleRate: 16000),
                                      normalization: .level, speakerNormalization: .perRecording)
        let description = EmotionModelDescription(classes: ["a", "b"], sampleRate: 16000,
                                                  members: [EmotionModelMember(kind: .strfnet, input: input, strfnet: c)],
                                                  provenance: ["epoch": "3"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftser-fuzz-model-\(getpid())")
        url = dir.appendingPathComponent(EmotionModelFile.fileName)
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            var rng = RandomGenerator(seed: 1)
            try EmotionModelFile.write(description, members: [try STRFNet(c, rng: &rng)], to: url)
            let data = try Data(contentsOf: url)
            file = Array(data)
            (tensors, metadata) = try Safetensors.decode(data)
            audio = try AudioBuffer(samples: (0..<8000).map { Float(0.1 * sin(Double($0) * 0.2)) }, sampleRate: 16000)
        } catch {
            fatalError("fuzz fixture: \(error)")  // the fixture itself, not fuzz input
        }
        // The metadata entry holding the description JSON (ModelArchive's configuration key).
        guard let key = metadata.first(where: { $0.value.hasPrefix("{") })?.key else { fatalError("fuzz fixture: no description in the metadata") }
        descriptionKey = key
        // The unchanged file must load and classify, or the fuzzer never reaches past the loader.
        do { _ = try EmotionRecognizer(contentsOf: url).classify(audio) } catch {
            fatalError("fuzz fixture: the unchanged model file does not classify: \(error)")
        }
    }
}

private let fixture = Fixture()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFile(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = Data(bytes: bytes, count: count)
    let file: Data
    if input.count >= 3, input[2] & 2 == 2 {
        var metadata = fixture.metadata
        let json = Data((metadata[fixture.descriptionKey] ?? "").utf8)
        metadata[fixture.descriptionKey] = String(decoding: patched(json, by: input), as: UTF8.self)
        guard let written = try? Safetensors.encode(fixture.tensors, metadata: metadata) else { return 0 }
        file = written
    } else {
        file = patched(Data(fixture.file), by: input)
    }
    guard (try? file.write(to: fixture.url)) != nil else { return 0 }
    if let recognizer = try? EmotionRecognizer(contentsOf: fixture.url) {
        if let p = try? recognizer.classify(fixture.audio) {
            precondition(p.posteriors.allSatisfy(\.isFinite), "non-finite posteriors passed the check")
            precondition(p.posteriors.count == recognizer.classes.count, "posteriors do not match the classes")
        }
    }
    return 0
}

/// The executable's entry point (SwiftPM aliases `main` to it): libFuzzer's driver on ``fuzzModelFile(_:_:)``.
@_cdecl("FuzzModelFile_main")
public func fuzzModelFileMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    _ = fixture  // built before fuzzing, so its allocations are not counted against the first input
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzModelFile(data, size)
    }
}
