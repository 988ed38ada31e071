import XCTest
import SERTestSupport
@testable import SERTraining

final class ManifestValidationTests: XCTestCase {
    func testProblemsAreReportedRowByRow() throws {
        let dir = try Fixtures.temporaryDirectory("validate")
        defer { try? FileManager.default.removeItem(at: dir) }
        try CorpusTestSupport.writeWAV(dir.appendingPathComponent("a.wav"), seconds: 1.0)
        try CorpusTestSupport.writeWAV(dir.appendingPathComponent("b.wav"), seconds: 0.5)
        try CorpusTestSupport.writeText("this is not audio", to: dir.appendingPathComponent("text.wav"))
        let csv = """
        path,label,speaker,start,end
        a.wav,happy,s1,,
        b.wav,sad,s2,,
        missing.wav,sad,s1,,
        text.wav,angry,s2,,
        a.wav,bored,s1,0,0.5
        a.wav,sad,s2,0.2,1.005
        a.wav,sad,s2,0.2,1.5
        a.wav,sad,s1,1.0,
        a.wav,happy,s1,,
        """
        let url = dir.appendingPathComponent("m.csv")
        try CorpusTestSupport.writeText(csv + "\n", to: url)
        let manifest = try Manifest.read(from: url)
        let report = ManifestValidator(classes: ["neutral", "happy", "sad", "angry"]).validate(manifest)
        print(report.text)

        XCTAssertEqual(report.rows, 9)
        XCTAssertEqual(report.validIndices, [0, 1, 5])   // 1.005 s is within the 10 ms tolerance
        XCTAssertEqual(report.issues.map(\.line), [4, 5, 6, 8, 9, 10])
        XCTAssertEqual(report.issues[0].problem, .missingFile)
        guard case .unreadable(let why) = report.issues[1].problem else { return XCTFail("\(report.issues[1])") }
        XCTAssertTrue(why.contains("text.wav"), why)
        XCTAssertEqual(report.issues[2].problem, .unknownLabel(label: "bored"))
        XCTAssertEqual(report.issues[3].problem, .segmentOutOfRange(start: 0.2, end: 1.5, duration: 1.0))
        XCTAssertEqual(report.issues[4].problem, .segmentOutOfRange(start: 1.0, end: nil, duration: 1.0))
        XCTAssertEqual(report.issues[5].problem, .duplicate(ofIndex: 0, line: 2))
        XCTAssertEqual(report.issues[5].description, "line 10: a.wav: same file and segment as line 2")
        XCTAssertTrue(report.issues[0].description.hasPrefix("line 4: missing.wav:"), report.issues[0].description)
        // Every row is either valid or named in an issue.
        XCTAssertEqual(Set(report.validIndices).union(report.issues.map(\.index)), Set(0..<9))
        XCTAssertEqual(report.invalidRowCount, 6)

        XCTAssertEqual(report.summary.classes, ["neutral", "happy", "sad", "angry"])
        XCTAssertEqual(report.summary.perClass, ["neutral": 0, "happy": 1, "sad": 2, "angry": 0])
        XCTAssertEqual(report.summary.perSpeaker, ["s1": 1, "s2": 2])
        XCTAssertEqual(report.summary.table, """
        | speaker | neutral | happy | sad | angry | total |
        | --- | ---: | ---: | ---: | ---: | ---: |
        | s1 | 0 | 1 | 0 | 0 | 1 |
        | s2 | 0 | 0 | 2 | 0 | 2 |
        | total | 0 | 1 | 2 | 0 | 3 |

        """)

        let kept = manifest.keeping(report.validIndices)
        XCTAssertEqual(kept.entries.count, 3)
        XCTAssertEqual(kept.sourceLines, [2, 3, 7])
    }

    func testLabelsOnlyWithoutAudio() {
        let m = Manifest(entries: [ManifestEntry(path: "nowhere.wav", label: "x", speaker: "1"),
                                   ManifestEntry(path: "nowhere2.wav", label: "y", speaker: "1")])
        let r = ManifestValidator(classes: ["x"], checkAudio: false).validate(m)
        XCTAssertEqual(r.validIndices, [0])
        XCTAssertEqual(r.issues.map(\.problem), [.unknownLabel(label: "y")])
        XCTAssertNil(r.issues[0].line)
        XCTAssertEqual(r.issueCounts, ["unknown label 'y'": 1])
    }

    func testSummaryAppendsUnlistedLabels() {
        let s = CorpusSummary(entries: [ManifestEntry(path: "a", label: "zeta", speaker: "10"),
                                        ManifestEntry(path: "b", label: "alpha", speaker: "9"),
                                        ManifestEntry(path: "c", label: "sad", speaker: "9")], classes: ["sad"])
        XCTAssertEqual(s.classes, ["sad", "alpha", "zeta"])
        XCTAssertEqual(s.speakers, ["9", "10"])
        XCTAssertEqual(s.counts, [[1, 1, 0], [0, 0, 1]])
        XCTAssertEqual(s.total, 3)
    }
}
