import Foundation
import XCTest
@testable import SERTraining

final class CorpusPreparationTests: XCTestCase {
    func testEveryCandidateIsWrittenDroppedOrReported() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ser-prep-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for name in ["03a01Wa.wav", "08a02Fb.wav", "09b01Tc.wav", "10a05Na.wav", "11a01La.wav"] {
            try CorpusTestSupport.writeWAV(root.appendingPathComponent("wav/\(name)"), seconds: 0.2)
        }
        try CorpusTestSupport.writeText("not audio", to: root.appendingPathComponent("wav/12a01Wa.wav"))   // unreadable
        try CorpusTestSupport.writeWAV(root.appendingPathComponent("wav/readme.wav"), seconds: 0.1)        // bad name
        var prep = CorpusPreparation(kind: .emodb, root: root,
                                     selection: try ClassSelection.parse(classes: "neutral,happy,sad,angry", mappings: []))
        let outcome = try prep.run()
        XCTAssertEqual(outcome.importResult.report.candidates, 7)
        XCTAssertEqual(outcome.importResult.report.kept, 5)
        XCTAssertEqual(Set(outcome.importResult.report.dropped.map(\.reason.category)),
                       ["class not selected: boredom", "name does not follow the convention"])
        XCTAssertEqual(outcome.validation.rows, 5)
        XCTAssertEqual(outcome.validation.issues.count, 1)
        XCTAssertTrue(outcome.validation.issues[0].path.hasSuffix("12a01Wa.wav"))
        guard case .unreadable = outcome.validation.issues[0].problem else { return XCTFail("\(outcome.validation.issues[0])") }
        XCTAssertEqual(outcome.manifest.entries.map(\.speaker), ["03", "08", "09", "10"])
        XCTAssertEqual(outcome.validation.summary.perClass, ["neutral": 1, "happy": 1, "sad": 1, "angry": 1])
        // Written and read back (paths relative to the manifest's folder).
        let out = root.appendingPathComponent("manifests/emodb.csv")
        try FileManager.default.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
        try outcome.manifest.write(to: out)
        let back = try Manifest.read(from: out)
        XCTAssertEqual(back.entries.map(\.label), ["angry", "happy", "sad", "neutral"])
        XCTAssertTrue(back.entries.allSatisfy { FileManager.default.fileExists(atPath: back.url(of: $0).path) })

        // Without opening audio the unreadable file passes validation.
        prep.checkAudio = false
        XCTAssertEqual(try prep.run().manifest.entries.count, 5)
        // A folder that is not a corpus is an error naming it.
        let empty = root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        XCTAssertThrowsError(try CorpusPreparation(kind: .ravdess, root: empty).run()) { e in
            XCTAssertTrue("\(e)".contains(empty.path), "\(e)")
        }
    }

    func testSpeakerSplitWritesTheSplitColumn() throws {
        let m = Manifest(entries: ["a", "b", "c", "d", "a"].map { ManifestEntry(path: "\($0).wav", label: "x", speaker: $0) })
        let split = try SpeakerSplit(validationSpeakers: ["b"], testSpeakers: ["c", "d"]).apply(to: m)
        XCTAssertEqual(split.entries.map(\.split), [.train, .validation, .test, .test, .train])
        let noTest = try SpeakerSplit(validationSpeakers: ["d"], testSpeakers: []).apply(to: m)
        XCTAssertEqual(noTest.entries.map(\.split), [.train, .train, .train, .validation, .train])
        XCTAssertThrowsError(try SpeakerSplit(validationSpeakers: ["z"], testSpeakers: []).apply(to: m))
        XCTAssertThrowsError(try SpeakerSplit(validationSpeakers: ["a"], testSpeakers: ["a"]).apply(to: m))
        XCTAssertThrowsError(try SpeakerSplit(validationSpeakers: [], testSpeakers: ["a"]).apply(to: m))
        XCTAssertThrowsError(try SpeakerSplit(validationSpeakers: ["a", "b"], testSpeakers: ["c", "d"]).apply(to: m))
    }
}
