import XCTest
import SERTestSupport
@testable import SERTraining

/// The IEMOCAP importer on a miniature of the full-release layout built in a temporary folder.
///
/// Each of the 5 sessions has two dialogs whose summary lines are
///   impro (`Ses0NF_impro01`): F000 neu, M000 exc, F001 hap, M001 sad, F002 ang, M002 fru, F003 xxx, M003 oth
///   script (`Ses0NM_script01_1`): F000 sad, M000 ang, F001 neu, M001 sur, F002 exc, M002 xxx
/// so with the 4-class selection each session keeps 9 utterances (6 by its female speaker, 3 by its male
/// speaker: the speaker is the utterance id's last letter, not the dialog's). Traps: Session 2's
/// `Ses02F_impro01_M001` (sad) has no WAV; Session 3's impro file has a malformed summary line; Session 4's
/// files use CRLF; Session 1's EmoEvaluation holds a hidden `._` file and a `Categorical/` subfolder whose
/// lines must not be read. Expected with the 4 classes: 45 − 1 = 44 utterances.
final class IEMOCAPImporterTests: XCTestCase {
    static let impro: [(String, String)] = [("F000", "neu"), ("M000", "exc"), ("F001", "hap"), ("M001", "sad"),
                                            ("F002", "ang"), ("M002", "fru"), ("F003", "xxx"), ("M003", "oth")]
    static let script: [(String, String)] = [("F000", "sad"), ("M000", "ang"), ("F001", "neu"), ("M001", "sur"),
                                             ("F002", "exc"), ("M002", "xxx")]

    private var root: URL!

    override func setUpWithError() throws {
        root = try Fixtures.temporaryDirectory("iemocap")
        for s in 1...5 {
            let session = root.appendingPathComponent("Session\(s)")
            let eval = session.appendingPathComponent("dialog/EmoEvaluation")
            for (dialog, lines) in [("Ses0\(s)F_impro01", Self.impro), ("Ses0\(s)M_script01_1", Self.script)] {
                let newline = s == 4 ? "\r\n" : "\n"
                var text = "% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]" + newline + newline
                var t = 1.0
                for (suffix, code) in lines {
                    let id = "\(dialog)_\(suffix)"
                    text += String(format: "[%.4f - %.4f]", t, t + 1.5) + "\t\(id)\t\(code)\t[2.5000, 3.0000, 3.5000]" + newline
                    text += "C-E1:\tNeutral;\t()" + newline + "A-E1:\tval 3; act 2; dom  3;\t()" + newline + newline
                    t += 2
                    if !(s == 2 && id == "Ses02F_impro01_M001") {
                        try CorpusTestSupport.writeWAV(session.appendingPathComponent("sentences/wav/\(dialog)/\(id).wav"))
                    }
                }
                if s == 3 && dialog.contains("impro") { text += "[oops - 4.0]\tSes03F_impro01_F009\tneu" + newline }
                try CorpusTestSupport.writeText(text, to: eval.appendingPathComponent("\(dialog).txt"))
            }
        }
        let eval1 = root.appendingPathComponent("Session1/dialog/EmoEvaluation")
        try Data([0x00, 0x05, 0x16, 0x07, 0xFF]).write(to: eval1.appendingPathComponent("._Ses01F_impro01.txt"))
        try CorpusTestSupport.writeText("[1.0 - 2.0]\tSes01F_impro01_F000\tang\t[1, 1, 1]\n",
                                        to: eval1.appendingPathComponent("Categorical/Ses01F_impro01_e2_cat.txt"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func testFourClassImportCountsAndMapping() throws {
        let result = try IEMOCAPImporter().importCorpus(at: root)   // default: ClassSelection.fourClass
        let m = result.manifest
        XCTAssertEqual(m.entries.count, 44)
        XCTAssertEqual(result.report.kept, 44)
        XCTAssertEqual(result.report.candidates, 71)            // 5 × (8 + 6) summary lines + 1 malformed
        XCTAssertEqual(result.report.dropped.count, 71 - 44)    // nothing dropped silently
        XCTAssertEqual(result.report.droppedByCategory, [
            "no majority label": 10,
            "class not selected: frustrated": 5, "class not selected: other": 5, "class not selected: surprise": 5,
            "audio file missing": 1, "unparseable annotation line": 1,
        ])
        let summary = CorpusSummary(entries: m.entries, classes: ClassSelection.fourClass.classes)
        XCTAssertEqual(summary.perClass, ["neutral": 10, "happy": 15, "sad": 9, "angry": 10])
        var perSpeaker = [String: Int]()
        for s in 1...5 { perSpeaker["Ses0\(s)F"] = 6; perSpeaker["Ses0\(s)M"] = 3 }
        perSpeaker["Ses02M"] = 2
        XCTAssertEqual(summary.perSpeaker, perSpeaker)
        XCTAssertEqual(summary.speakers, ["Ses01F", "Ses01M", "Ses02F", "Ses02M", "Ses03F", "Ses03M", "Ses04F", "Ses04M",
                                          "Ses05F", "Ses05M"])

        // exc → happy, the speaker from the utterance's own letter, path in sentences/wav/<dialog>/.
        let e = try XCTUnwrap(m.entries.first { $0.path.hasSuffix("Ses01F_impro01_M000.wav") })
        XCTAssertEqual(e, ManifestEntry(path: "Session1/sentences/wav/Ses01F_impro01/Ses01F_impro01_M000.wav",
                                        label: "happy", speaker: "Ses01M", session: "Ses01", gender: "male"))
        let f = try XCTUnwrap(m.entries.first { $0.path.hasSuffix("Ses03M_script01_1_F002.wav") })
        XCTAssertEqual(f.label, "happy")
        XCTAssertEqual(f.speaker, "Ses03F")
        XCTAssertEqual(f.gender, "female")
        // Every path exists.
        for e in m.entries { XCTAssertTrue(FileManager.default.fileExists(atPath: m.url(of: e).path), e.path) }

        let missing = try XCTUnwrap(result.report.dropped.first { $0.reason.category == "audio file missing" })
        XCTAssertEqual(missing.source, "Session2/dialog/EmoEvaluation/Ses02F_impro01.txt:15")
        XCTAssertEqual(missing.reason, .missingAudio(path: "Session2/sentences/wav/Ses02F_impro01/Ses02F_impro01_M001.wav"))
        let bad = try XCTUnwrap(result.report.dropped.first { $0.reason.category == "unparseable annotation line" })
        XCTAssertEqual(bad.source, "Session3/dialog/EmoEvaluation/Ses03F_impro01.txt:35")
        print(result.report.text)
    }

    func testAllClassesKeepsEveryMajorityLabelUnmerged() throws {
        let result = try IEMOCAPImporter().importCorpus(at: root, selection: .all)
        XCTAssertEqual(result.manifest.entries.count, 59)   // 5 × 12 non-xxx, one WAV missing
        XCTAssertEqual(CorpusSummary(entries: result.manifest.entries).perClass,
                       ["neutral": 10, "happy": 5, "excited": 10, "sad": 9, "angry": 10, "frustrated": 5, "surprise": 5,
                        "other": 5])
    }

    func testWrittenManifestReadsBack() throws {
        let result = try IEMOCAPImporter().importCorpus(at: root)
        let url = root.appendingPathComponent("iemocap.csv")
        try result.manifest.write(to: url)
        let back = try Manifest.read(from: url)
        XCTAssertEqual(back.entries, result.manifest.entries)   // root-relative paths, as the manifest sits in root
        let report = ManifestValidator(classes: ClassSelection.fourClass.classes).validate(back)
        XCTAssertEqual(report.validIndices.count, 44)
        XCTAssertEqual(report.issues, [])
    }

    func testLineAndIDParsing() {
        XCTAssertEqual(IEMOCAPImporter.parseLine("[6.2901 - 8.2357]\tSes01F_impro01_F000\tneu\t[2.5000, 2.5000, 2.5000]"),
                       .init(start: 6.2901, end: 8.2357, id: "Ses01F_impro01_F000", code: "neu"))
        XCTAssertEqual(IEMOCAPImporter.parseLine("[140.2250 - 145.6000]  Ses01F_impro05_F019 ang [1.5000, 4.0000, 4.5000]\r")?.code, "ang")
        XCTAssertNil(IEMOCAPImporter.parseLine("C-E1:\tNeutral;\t()"))
        XCTAssertNil(IEMOCAPImporter.parseLine("[1.0 - 2.0]\tSes01F_impro05_F019"))
        XCTAssertNil(IEMOCAPImporter.parseLine("[6.2 8.2]\tSes01F_impro01_F000\tneu"))
        let id = IEMOCAPImporter.parseID("Ses01F_impro01_M003")
        XCTAssertEqual(id?.session, "Ses01")
        XCTAssertEqual(id?.speaker, "Ses01M")
        XCTAssertEqual(id?.gender, "male")
        XCTAssertEqual(id?.dialog, "Ses01F_impro01")
        XCTAssertEqual(IEMOCAPImporter.parseID("Ses05M_script02_2_F014")?.dialog, "Ses05M_script02_2")
        XCTAssertNil(IEMOCAPImporter.parseID("Ses01F_impro01_X003"))
        XCTAssertNil(IEMOCAPImporter.parseID("Session1_impro01_F003"))
    }

    func testNotACorpusFolder() throws {
        let empty = try Fixtures.temporaryDirectory("not-iemocap")
        defer { try? FileManager.default.removeItem(at: empty) }
        XCTAssertThrowsError(try IEMOCAPImporter().importCorpus(at: empty)) { e in
            guard case .nothingFound? = e as? CorpusImportError else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try IEMOCAPImporter().importCorpus(at: empty.appendingPathComponent("nope"))) { e in
            XCTAssertEqual(e as? CorpusImportError, .rootNotFound(path: empty.appendingPathComponent("nope").path))
        }
    }
}
