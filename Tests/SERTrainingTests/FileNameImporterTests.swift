import XCTest
import SERTestSupport
@testable import SERTraining

final class FileNameImporterTests: XCTestCase {
    private let root = URL(fileURLWithPath: "/corpus")

    private func reasons(_ r: ImportResult) -> [String: DropReason] {
        Dictionary(uniqueKeysWithValues: r.report.dropped.map { ($0.source, $0.reason) })
    }

    func testEmoDBNames() {
        let files = ["wav/03a01Wa.wav", "wav/16b10Fb.wav", "wav/08a02Lc.wav", "wav/09b03Ed.wav", "wav/10a04Aa.wav",
                     "wav/11a05Ta.wav", "wav/12a07Nb.wav", "wav/13a01Xa.wav", "wav/readme.wav", "copy/03a01Wa.wav"]
        let r = EmoDBImporter().importFiles(files, root: root)
        XCTAssertEqual(r.manifest.entries.map(\.label), ["angry", "happy", "boredom", "disgust", "fear", "sad", "neutral"])
        XCTAssertEqual(r.manifest.entries.map(\.speaker), ["03", "16", "08", "09", "10", "11", "12"])
        XCTAssertEqual(r.manifest.entries.map(\.gender), ["male", "female", "female", "female", "male", "male", "male"])
        XCTAssertEqual(r.manifest.entries[0], ManifestEntry(path: "wav/03a01Wa.wav", label: "angry", speaker: "03", gender: "male"))
        XCTAssertEqual(reasons(r), [
            "wav/13a01Xa.wav": .invalidCode(field: "emotion", value: "X"),
            "wav/readme.wav": .unrecognisedName(expected: "SSTTTEV.wav (e.g. 03a01Fa.wav)"),
            "copy/03a01Wa.wav": .duplicate(id: "03a01Wa.wav"),
        ])
        XCTAssertEqual(r.report.candidates, 10)
        XCTAssertEqual(r.report.kept + r.report.dropped.count, r.report.candidates)
    }

    func testClassSelectionAndMapping() {
        let files = ["03a01Wa.wav", "03a01Fa.wav", "03a01La.wav", "03a01Na.wav", "03a01Ta.wav", "03a01Ea.wav"]
        let four = EmoDBImporter().importFiles(files, root: root, selection: .fourClass)
        XCTAssertEqual(four.manifest.entries.map(\.label), ["angry", "happy", "neutral", "sad"])
        XCTAssertEqual(four.report.droppedByCategory, ["class not selected: boredom": 1, "class not selected: disgust": 1])
        let mapped = EmoDBImporter().importFiles(files, root: root,
                                                 selection: ClassSelection(classes: ["neg", "neutral"],
                                                                           mapping: ["angry": "neg", "sad": "neg", "disgust": "neg"]))
        XCTAssertEqual(mapped.manifest.entries.map(\.label), ["neg", "neutral", "neg", "neg"])
        XCTAssertEqual(mapped.report.dropped.map(\.reason), [.classNotSelected(label: "happy"), .classNotSelected(label: "boredom")])
        // Without a class list, mapping alone renames and keeps everything.
        let renamed = EmoDBImporter().importFiles(files, root: root, selection: ClassSelection(mapping: ["angry": "anger"]))
        XCTAssertEqual(renamed.manifest.entries.count, 6)
        XCTAssertEqual(renamed.manifest.entries[0].label, "anger")
    }

    func testRAVDESSNames() {
        let files = ["Actor_12/03-01-06-01-02-01-12.wav", "Actor_07/03-01-05-02-01-02-07.wav",
                     "Actor_01/03-01-01-01-01-01-01.wav", "Actor_02/03-01-02-01-01-01-02.wav",
                     "Actor_01/03-02-03-01-01-01-01.wav", "Actor_01/03-01-09-01-01-01-01.wav",
                     "Actor_25/03-01-01-01-01-01-25.wav", "x/3-1-1.wav", "x/03-01-08-01-01-01-24.wav",
                     "x/03-01-04-01-01-01-23.wav", "x/03-01-07-01-01-01-22.wav"]
        let r = RAVDESSImporter().importFiles(files, root: root)
        XCTAssertEqual(r.manifest.entries.map(\.label), ["fear", "angry", "neutral", "calm", "surprise", "sad", "disgust"])
        XCTAssertEqual(r.manifest.entries.map(\.speaker), ["Actor_12", "Actor_07", "Actor_01", "Actor_02", "Actor_24",
                                                           "Actor_23", "Actor_22"])
        XCTAssertEqual(r.manifest.entries.map(\.gender), ["female", "male", "male", "female", "female", "male", "female"])
        XCTAssertEqual(reasons(r), [
            "Actor_01/03-02-03-01-01-01-01.wav": .excludedByOption("song recording (vocal channel 02)"),
            "Actor_01/03-01-09-01-01-01-01.wav": .invalidCode(field: "emotion", value: "09"),
            "Actor_25/03-01-01-01-01-01-25.wav": .invalidCode(field: "actor", value: "25"),
            "x/3-1-1.wav": .unrecognisedName(expected: "MM-CC-EE-II-SS-RR-AA.wav (e.g. 03-01-06-01-02-01-12.wav)"),
        ])
        let withSong = RAVDESSImporter(includeSong: true).importFiles(files, root: root)
        XCTAssertEqual(withSong.manifest.entries.count, 8)
        XCTAssertTrue(withSong.manifest.entries.contains { $0.path == "Actor_01/03-02-03-01-01-01-01.wav" && $0.label == "happy" })
    }

    func testCREMADNamesAndDemographics() throws {
        let dir = try Fixtures.temporaryDirectory("cremad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let demo = dir.appendingPathComponent("VideoDemographics.csv")
        try CorpusTestSupport.writeText("\"ActorID\",\"Age\",\"Sex\",\"Race\",\"Ethnicity\"\r\n1001,51,Male,Caucasian,Not Hispanic\r\n1002,21,Female,Caucasian,Not Hispanic\r\n", to: demo)
        let genders = try CREMADImporter.readDemographics(demo)
        XCTAssertEqual(genders, ["1001": "male", "1002": "female"])
        let files = ["AudioWAV/1001_DFA_ANG_XX.wav", "AudioWAV/1002_IEO_HAP_HI.wav", "AudioWAV/1091_WSI_NEU_LO.wav",
                     "AudioWAV/1003_TIE_SAD_MD.wav", "AudioWAV/1004_ITS_DIS_XX.wav", "AudioWAV/1005_MTI_FEA_XX.wav",
                     "AudioWAV/1001_XYZ_ANG_XX.wav", "AudioWAV/1001_DFA_BOR_XX.wav", "AudioWAV/1001_DFA_ANG_ZZ.wav",
                     "AudioWAV/101_DFA_ANG_XX.wav"]
        let r = CREMADImporter(genders: genders).importFiles(files, root: root)
        XCTAssertEqual(r.manifest.entries.map(\.label), ["angry", "happy", "neutral", "sad", "disgust", "fear"])
        XCTAssertEqual(r.manifest.entries.map(\.speaker), ["1001", "1002", "1091", "1003", "1004", "1005"])
        XCTAssertEqual(r.manifest.entries.map(\.gender), ["male", "female", nil, nil, nil, nil])
        XCTAssertEqual(reasons(r), [
            "AudioWAV/1001_XYZ_ANG_XX.wav": .invalidCode(field: "sentence", value: "XYZ"),
            "AudioWAV/1001_DFA_BOR_XX.wav": .invalidCode(field: "emotion", value: "BOR"),
            "AudioWAV/1001_DFA_ANG_ZZ.wav": .invalidCode(field: "level", value: "ZZ"),
            "AudioWAV/101_DFA_ANG_XX.wav": .unrecognisedName(expected: "SSSS_TTT_EEE_LL.wav (e.g. 1001_DFA_ANG_XX.wav)"),
        ])
    }

    func testNEMONamesAndGenders() throws {
        let dir = try Fixtures.temporaryDirectory("nemo")
        defer { try? FileManager.default.removeItem(at: dir) }
        // nEMO's data.tsv pads speaker ids with spaces.
        let table = dir.appendingPathComponent("data.tsv")
        try CorpusTestSupport.writeText("file_id\temotion\traw_text\tnormalized_text\tspeaker_id\tgender\tage\n"
                                        + "EB0_neutral_13.wav\tneutral\tA.\ta\t        EB0\tfemale\t27\n"
                                        + "WR0_surprised_64.wav\tsurprised\tB.\tb\t        WR0\tmale\t23\n", to: table)
        let genders = try NEMOImporter.readGenders(table)
        XCTAssertEqual(genders, ["EB0": "female", "WR0": "male"])
        let files = ["samples/EB0_anger_1.wav", "samples/WR0_happiness_10.wav", "samples/KS0_sadness_2.wav", "samples/EB0_neutral_13.wav",
                     "samples/WR0_surprised_64.wav", "samples/KS0_fear_3.wav", "samples/EB0_boredom_1.wav", "samples/EB0_anger.wav",
                     "samples/EB0_anger_x.wav"]
        let r = NEMOImporter(genders: genders).importFiles(files, root: root)
        XCTAssertEqual(r.manifest.entries.map(\.label), ["angry", "happy", "sad", "neutral", "surprised", "fear"])
        XCTAssertEqual(r.manifest.entries.map(\.speaker), ["EB0", "WR0", "KS0", "EB0", "WR0", "KS0"])
        XCTAssertEqual(r.manifest.entries.map(\.gender), ["female", "male", nil, "female", "male", nil])
        XCTAssertEqual(reasons(r), [
            "samples/EB0_boredom_1.wav": .invalidCode(field: "emotion", value: "boredom"),
            "samples/EB0_anger.wav": .unrecognisedName(expected: "SSS_emotion_N.wav (e.g. EB0_anger_1.wav)"),
            "samples/EB0_anger_x.wav": .unrecognisedName(expected: "SSS_emotion_N.wav (e.g. EB0_anger_1.wav)"),
        ])
        // A table without the columns is named.
        try CorpusTestSupport.writeText("file_id\temotion\n", to: table)
        XCTAssertThrowsError(try NEMOImporter.readGenders(table)) { XCTAssertTrue("\($0)".contains("speaker_id"), "\($0)") }
    }

    func testFolderPerLabelOnDisk() throws {
        let dir = try Fixtures.temporaryDirectory("folders")
        defer { try? FileManager.default.removeItem(at: dir) }
        for p in ["happy/spk01_a.wav", "happy/sub/spk02_b.WAV", "sad/spk01_c.flac", "loose.wav", "sad/nomatch.wav",
                  "sad/.hidden.wav", ".git/x.wav"] {
            try CorpusTestSupport.writeText("not really audio", to: dir.appendingPathComponent(p))
        }
        try CorpusTestSupport.writeText("notes", to: dir.appendingPathComponent("sad/notes.txt"))
        XCTAssertEqual(try CorpusFiles.audioFiles(under: dir),
                       ["happy/spk01_a.wav", "happy/sub/spk02_b.WAV", "loose.wav", "sad/nomatch.wav", "sad/spk01_c.flac"])

        let r = try FolderPerLabelImporter(speakerPattern: "^(spk[0-9]+)_").importCorpus(at: dir)
        XCTAssertEqual(r.manifest.entries, [
            ManifestEntry(path: "happy/spk01_a.wav", label: "happy", speaker: "spk01"),
            ManifestEntry(path: "happy/sub/spk02_b.WAV", label: "happy", speaker: "spk02"),
            ManifestEntry(path: "sad/spk01_c.flac", label: "sad", speaker: "spk01"),
        ])
        XCTAssertEqual(reasons(r), ["loose.wav": .notInLabelFolder,
                                    "sad/nomatch.wav": .speakerPatternMismatch(pattern: "^(spk[0-9]+)_")])
        XCTAssertEqual(r.manifest.baseDirectory, dir)

        let plain = try FolderPerLabelImporter().importCorpus(at: dir)
        XCTAssertEqual(plain.manifest.entries.map(\.speaker), ["unknown", "unknown", "unknown", "unknown"])
        // A pattern without a group takes the whole match.
        let whole = try FolderPerLabelImporter(speakerPattern: "spk[0-9]+").importCorpus(at: dir)
        XCTAssertEqual(whole.manifest.entries.map(\.speaker), ["spk01", "spk02", "spk01"])

        XCTAssertThrowsError(try FolderPerLabelImporter(speakerPattern: "(unclosed")) { e in
            guard case .invalidPattern(let p, _)? = e as? CorpusImportError else { return XCTFail("\(e)") }
            XCTAssertEqual(p, "(unclosed")
        }
    }

    func testSymbolicLinksAreFollowed() throws {
        let dir = try Fixtures.temporaryDirectory("links")
        defer { try? FileManager.default.removeItem(at: dir) }
        let real = dir.appendingPathComponent("real"), root = dir.appendingPathComponent("root")
        try CorpusTestSupport.writeText("x", to: real.appendingPathComponent("sub/03a01Wa.wav"))
        try CorpusTestSupport.writeText("x", to: root.appendingPathComponent("wav/03a02Wa.wav"))
        let fm = FileManager.default
        try fm.createSymbolicLink(at: root.appendingPathComponent("linked"), withDestinationURL: real.appendingPathComponent("sub"))
        try fm.createSymbolicLink(at: root.appendingPathComponent("wav/loop"), withDestinationURL: root)   // a cycle
        try fm.createSymbolicLink(at: dir.appendingPathComponent("rootlink"), withDestinationURL: root)
        XCTAssertEqual(try CorpusFiles.audioFiles(under: root), ["linked/03a01Wa.wav", "wav/03a02Wa.wav"])
        XCTAssertEqual(try EmoDBImporter().importCorpus(at: dir.appendingPathComponent("rootlink")).manifest.entries.count, 2)
    }

    func testImportErrors() throws {
        let dir = try Fixtures.temporaryDirectory("empty")
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertThrowsError(try EmoDBImporter().importCorpus(at: dir)) { e in
            XCTAssertEqual(e as? CorpusImportError, .nothingFound(root: dir.path, expected: "audio files"))
        }
        let file = dir.appendingPathComponent("f.wav")
        try CorpusTestSupport.writeText("x", to: file)
        XCTAssertThrowsError(try EmoDBImporter().importCorpus(at: file)) { e in
            XCTAssertEqual(e as? CorpusImportError, .notADirectory(path: file.path))
        }
    }
}
