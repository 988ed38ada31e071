import Foundation
import XCTest
import SERAudio
import SERTestSupport
@testable import SERModels
@testable import SERTraining

/// Checkpoints, exact resume and outputs of ``Wav2VecPretrainer`` (short runs of a very small model).
final class Wav2VecPretrainerRunTests: XCTestCase {
    func corpus(_ c: Wav2VecPretrainingConfiguration) throws -> Wav2VecPretrainingCorpus {
        try Wav2VecPretrainingCorpus(recordings: SyntheticSpeech.corpus(files: 8, seconds: 0.7, seed: 40), configuration: c)
    }

    func configuration() throws -> Wav2VecPretrainingConfiguration {
        var c = try SyntheticSpeech.configuration(updates: 6)
        c.cropSeconds = 0.3
        c.batchSize = 3
        c.validationInterval = 2
        c.checkpointInterval = 2
        c.warmupUpdates = 2
        c.model.dropout = 0.1  // dropout generators must be restored too
        return c
    }

    /// Stopping after 4 updates and resuming gives bit-identical weights, Adam state and history to 6 updates in one go.
    func testResumeContinuesExactly() throws {
        let c = try configuration()
        let data = try corpus(c)
        let dir = try Fixtures.temporaryDirectory("w2v-resume")
        defer { try? FileManager.default.removeItem(at: dir) }

        let straight = try Wav2VecPretrainer(configuration: c, corpus: data, outputModel: dir.appendingPathComponent("a.safetensors"))
        let a = try straight.run()
        XCTAssertTrue(a.finished)
        XCTAssertEqual(a.updates, 6)

        let first = try Wav2VecPretrainer(configuration: c, corpus: data, outputModel: dir.appendingPathComponent("b.safetensors"))
        var checkpoints: [Int] = []
        first.progress = { if case .checkpointed(let u, _) = $0 { checkpoints.append(u) } }
        let partial = try first.run(stopAfter: 3)
        XCTAssertFalse(partial.finished)
        XCTAssertEqual(checkpoints, [2, 3], "every checkpointInterval updates, and where it stops")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("b.safetensors").path), "no model before the end")

        let second = try Wav2VecPretrainer(configuration: c, corpus: data, outputModel: dir.appendingPathComponent("b.safetensors"))
        var resumedAt: Int?
        second.progress = { if case let .started(u, _, resumed, _) = $0, resumed { resumedAt = u } }
        let b = try second.run(resume: true)
        XCTAssertEqual(resumedAt, 3)
        XCTAssertTrue(b.finished)

        for (name, t) in a.model.stateDict() {
            XCTAssertEqual(b.model.stateDict()[name]?.scalars, t.scalars, name)
        }
        func strip(_ r: [Wav2VecPretrainingRecord]) -> [Wav2VecPretrainingRecord] { r.map { var x = $0; x.seconds = 0; return x } }
        XCTAssertEqual(strip(a.records), strip(b.records))
        XCTAssertEqual(a.records.map(\.update), [0, 2, 4, 6])
        let optA = try Wav2VecPretrainingCheckpoint.load(from: straight.checkpointDirectory).optimizer
        let optB = try Wav2VecPretrainingCheckpoint.load(from: second.checkpointDirectory).optimizer
        XCTAssertEqual(Set(optA.keys), Set(optB.keys))
        for (k, t) in optA { XCTAssertEqual(optB[k]?.scalars, t.scalars, k) }

        // The outputs: the model file loads as a feature model; the history file holds every record.
        let out = dir.appendingPathComponent("b.safetensors")
        let features = try Wav2VecModel.read(from: out)
        XCTAssertEqual(features.config, c.model)
        let audio = try AudioBuffer(samples: data.validation[0].samples, sampleRate: 16000)
        let f = try features.features(of: audio)
        XCTAssertEqual(f.shape, [c.model.frameCount(samples: audio.count), c.model.contextChannels])
        let history = try JSONDecoder().decode(Wav2VecPretrainingHistory.self,
                                               from: Data(contentsOf: Wav2VecPretrainer.defaultHistoryFile(for: out)))
        XCTAssertEqual(strip(history.records), strip(b.records))
        XCTAssertEqual(history.chanceAccuracy, 1.0 / 6)
    }

    func testBadCheckpointsAreClearErrors() throws {
        let c = try configuration()
        let data = try corpus(c)
        let dir = try Fixtures.temporaryDirectory("w2v-badckpt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("m.safetensors")
        let trainer = try Wav2VecPretrainer(configuration: c, corpus: data, outputModel: out)
        XCTAssertThrowsError(try trainer.run(resume: true)) {
            XCTAssertTrue("\($0)".contains("no checkpoint to resume from"), "\($0)")
        }
        try trainer.run(stopAfter: 2)

        // A different configuration (other than the resumable settings) is refused, naming the setting.
        var other = c
        other.batchSize = 2
        other.totalUpdates = 10  // allowed
        XCTAssertThrowsError(try Wav2VecPretrainer(configuration: other, corpus: data, outputModel: out).run(resume: true)) {
            let text = "\($0)"
            XCTAssertTrue(text.contains("batchSize: checkpoint 3, now 2") && !text.contains("totalUpdates:"), text)
        }
        // Different audio is refused.
        var fewer = data
        fewer.training.removeLast()
        XCTAssertThrowsError(try Wav2VecPretrainer(configuration: c, corpus: fewer, outputModel: out).run(resume: true)) {
            XCTAssertTrue("\($0)".contains("the audio differs from the checkpoint's"), "\($0)")
        }

        // A truncated model file.
        let model = trainer.checkpointDirectory.appendingPathComponent("model.safetensors")
        let bytes = try Data(contentsOf: model)
        try bytes.prefix(bytes.count / 2).write(to: model)
        XCTAssertThrowsError(try trainer.run(resume: true)) {
            let text = "\($0)"
            XCTAssertTrue(text.contains("model.safetensors is unreadable, truncated or invalid"), text)
            XCTAssertTrue(text.contains(trainer.checkpointDirectory.path), text)
        }
        // A missing state file.
        try bytes.write(to: model)
        try FileManager.default.removeItem(at: trainer.checkpointDirectory.appendingPathComponent("state.json"))
        XCTAssertThrowsError(try trainer.run(resume: true)) {
            XCTAssertTrue("\($0)".contains("state.json is missing"), "\($0)")
        }
    }

    /// Audio from a folder and from a manifest: resampling, skipped short files, unreadable files named, the split.
    func testCorpusLoading() throws {
        let c = try configuration()
        let dir = try Fixtures.temporaryDirectory("w2v-corpus")
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertThrowsError(try Wav2VecPretrainingCorpus.load(.directory(dir), configuration: c)) {
            XCTAssertEqual($0 as? Wav2VecPretrainingError, .noAudio(path: dir.path))
        }
        let nowhere = dir.appendingPathComponent("nowhere.csv")
        XCTAssertThrowsError(try Wav2VecPretrainingCorpus.load(.detect(nowhere.path), configuration: c)) {
            XCTAssertEqual($0 as? Wav2VecPretrainingError, .inputNotFound(path: nowhere.path))
        }
        let sub = dir.appendingPathComponent("speaker1")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        for i in 0..<5 {
            let s = SyntheticSpeech.utterance(seconds: 0.5, seed: UInt64(i))
            try AudioFile.write(try AudioBuffer(samples: s, sampleRate: 16000), to: sub.appendingPathComponent("u\(i).wav"))
        }
        // 8 kHz: resampled to 16 kHz.
        let s8 = SyntheticSpeech.utterance(seconds: 0.5, seed: 9).enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        try AudioFile.write(try AudioBuffer(samples: s8, sampleRate: 8000), to: dir.appendingPathComponent("low.wav"))
        // Too short for one prediction (945 samples needed).
        try AudioFile.write(try AudioBuffer(samples: [Float](repeating: 0.1, count: 500), sampleRate: 16000),
                            to: dir.appendingPathComponent("short.wav"))
        var c2 = c
        c2.validationFraction = 0.3
        let corpus = try Wav2VecPretrainingCorpus.load(.directory(dir), configuration: c2)
        XCTAssertEqual(corpus.training.count + corpus.validation.count, 6)
        XCTAssertEqual(corpus.validation.count, 2, "round(0.3 × 6)")
        XCTAssertEqual(corpus.skipped.map { URL(fileURLWithPath: $0.path).lastPathComponent }, ["short.wav"])
        let low = try XCTUnwrap((corpus.training + corpus.validation).first { $0.path.hasSuffix("low.wav") })
        XCTAssertEqual(low.samples.count, 8000, accuracy: 2)
        let again = try Wav2VecPretrainingCorpus.load(.directory(dir), configuration: c2)
        XCTAssertEqual(again.validation.map(\.path), corpus.validation.map(\.path), "deterministic split")

        // A manifest with only a path column, one segment, and an unreadable file: the error names it.
        try "not audio".write(to: dir.appendingPathComponent("broken.wav"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Wav2VecPretrainingCorpus.load(.directory(dir), configuration: c2)) {
            guard case .unreadableAudio(let problems)? = $0 as? Wav2VecPretrainingError else { return XCTFail("\($0)") }
            XCTAssertEqual(problems.map { URL(fileURLWithPath: $0.path).lastPathComponent }, ["broken.wav"])
            XCTAssertTrue("\(problems[0].reason)".contains("unsupported or unrecognised audio format"), problems[0].reason)
            XCTAssertFalse(problems[0].reason.contains("broken.wav"), "the path is not repeated in the reason")
        }
        let manifest = dir.appendingPathComponent("list.csv")
        try "path\nspeaker1/u0.wav\nspeaker1/u1.wav\nlow.wav\n".write(to: manifest, atomically: true, encoding: .utf8)
        let fromList = try Wav2VecPretrainingCorpus.load(.manifest(manifest), configuration: c2)
        XCTAssertEqual(fromList.training.count + fromList.validation.count, 3)
        let full = dir.appendingPathComponent("full.csv")
        try "path,label,speaker,start,end\nspeaker1/u2.wav,neutral,s1,0.1,0.4\nspeaker1/u3.wav,angry,s1,,\n"
            .write(to: full, atomically: true, encoding: .utf8)
        let fromManifest = try Wav2VecPretrainingCorpus.load(.manifest(full), configuration: c2)
        let segment = try XCTUnwrap((fromManifest.training + fromManifest.validation).first { $0.path.contains("u2.wav@") })
        XCTAssertEqual(segment.samples.count, 4800)
        let missing = dir.appendingPathComponent("gone.csv")
        try "path\nnothere.wav\n".write(to: missing, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Wav2VecPretrainingCorpus.load(.manifest(missing), configuration: c2)) {
            XCTAssertTrue("\($0)".contains("nothere.wav"), "\($0)")
        }
    }
}
