import XCTest
import SERTestSupport
@testable import SERTraining

final class ManifestTests: XCTestCase {
    private let base = URL(fileURLWithPath: "/data/corpus")

    private func parse(_ text: String) throws -> Manifest {
        try Manifest.parse(text, source: "m.csv", baseDirectory: base)
    }

    func testAllColumnsAnyOrderAndExtraColumns() throws {
        let m = try parse("""
        Speaker, label ,path,session,gender,split,start,end,comment
        s1,happy,a.wav,S1,female,train,0.5,2.25,hello
        s2,sad,/abs/b.wav,,,,,,
        s3,angry,"dir, with comma/c.wav",S2,male,val,,3,
        """)
        XCTAssertEqual(m.entries, [
            ManifestEntry(path: "a.wav", label: "happy", speaker: "s1", session: "S1", gender: "female", split: .train,
                          start: 0.5, end: 2.25),
            ManifestEntry(path: "/abs/b.wav", label: "sad", speaker: "s2"),
            ManifestEntry(path: "dir, with comma/c.wav", label: "angry", speaker: "s3", session: "S2", gender: "male",
                          split: .validation, end: 3),
        ])
        XCTAssertEqual(m.sourceLines, [2, 3, 4])
        XCTAssertEqual(m.url(of: m.entries[0]).path, "/data/corpus/a.wav")
        XCTAssertEqual(m.url(of: m.entries[1]).path, "/abs/b.wav")
        XCTAssertEqual(m.speakers, ["s1", "s2", "s3"])
    }

    func testReadResolvesRelativePathsAgainstTheManifestFolder() throws {
        let dir = try Fixtures.temporaryDirectory("manifest")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("m.csv")
        try "path,label,speaker\nsub/x.wav,neutral,01\n".write(to: url, atomically: true, encoding: .utf8)
        let m = try Manifest.read(from: url)
        XCTAssertEqual(m.url(of: m.entries[0]).standardizedFileURL.path, dir.appendingPathComponent("sub/x.wav").standardizedFileURL.path)
        XCTAssertEqual(m.sourceFile, url.path)
    }

    func testMissingRequiredColumn() {
        XCTAssertThrowsError(try parse("path,speaker\na.wav,1\n")) { e in
            XCTAssertEqual(e as? ManifestError, .missingColumn(file: "m.csv", column: "label"))
            XCTAssertTrue("\(e)".contains("m.csv") && "\(e)".contains("label"))
        }
        XCTAssertThrowsError(try parse("")) { XCTAssertEqual($0 as? ManifestError, .noHeader(file: "m.csv")) }
        XCTAssertThrowsError(try parse("path,label,speaker,Label\n")) {
            XCTAssertEqual($0 as? ManifestError, .duplicateColumn(file: "m.csv", column: "label"))
        }
    }

    func testWrongFieldCountNamesTheLine() {
        XCTAssertThrowsError(try parse("path,label,speaker\na.wav,x,1\n\"q\nq\",y,2\nb.wav,z\n")) { e in
            XCTAssertEqual(e as? ManifestError, .wrongFieldCount(file: "m.csv", line: 5, expected: 3, found: 2))
        }
    }

    func testBadNumbers() {
        for bad in ["abc", "-1", "nan", "inf", "0x10", "1,5", "1e999"] {
            let quoted = CSV.escape(bad)
            XCTAssertThrowsError(try parse("path,label,speaker,start\na.wav,x,1,\(quoted)\n"), bad) { e in
                XCTAssertEqual(e as? ManifestError, .badNumber(file: "m.csv", line: 2, column: "start", value: bad), bad)
            }
        }
        XCTAssertThrowsError(try parse("path,label,speaker,start,end\na.wav,x,1,0,1\nb.wav,x,1,2,e\n")) { e in
            XCTAssertEqual(e as? ManifestError, .badNumber(file: "m.csv", line: 3, column: "end", value: "e"))
        }
        XCTAssertEqual(try parse("path,label,speaker,start\na.wav,x,1,1.5e1\n").entries[0].start, 15)
    }

    func testStartNotBeforeEnd() {
        XCTAssertThrowsError(try parse("path,label,speaker,start,end\na.wav,x,1,2,2\n")) { e in
            XCTAssertEqual(e as? ManifestError, .startNotBeforeEnd(file: "m.csv", line: 2, start: 2, end: 2))
        }
        XCTAssertThrowsError(try parse("path,label,speaker,start,end\na.wav,x,1,3,2.5\n")) { e in
            XCTAssertEqual(e as? ManifestError, .startNotBeforeEnd(file: "m.csv", line: 2, start: 3, end: 2.5))
        }
    }

    func testEmptyRequiredValuesAndBadSplit() {
        XCTAssertThrowsError(try parse("path,label,speaker\na.wav,  ,1\n")) { e in
            XCTAssertEqual(e as? ManifestError, .emptyValue(file: "m.csv", line: 2, column: "label"))
        }
        XCTAssertThrowsError(try parse("path,label,speaker\na.wav,x,\n")) { e in
            XCTAssertEqual(e as? ManifestError, .emptyValue(file: "m.csv", line: 2, column: "speaker"))
        }
        XCTAssertThrowsError(try parse("path,label,speaker\n,x,1\n")) { e in
            XCTAssertEqual(e as? ManifestError, .emptyValue(file: "m.csv", line: 2, column: "path"))
        }
        XCTAssertThrowsError(try parse("path,label,speaker,split\na.wav,x,1,dev\n")) { e in
            XCTAssertEqual(e as? ManifestError, .badSplit(file: "m.csv", line: 2, value: "dev"))
        }
    }

    func testCSVErrorsSurfaceWithTheFileName() {
        XCTAssertThrowsError(try parse("path,label,speaker\n\"a.wav,x,1\n")) { e in
            XCTAssertEqual(e as? ManifestError, .csv(.unterminatedQuote(file: "m.csv", line: 2, field: 1)))
        }
    }

    func testWriteReadRoundTripWithRelativePaths() throws {
        let dir = try Fixtures.temporaryDirectory("manifest")
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus")
        let entries = [
            ManifestEntry(path: "wav/a,1.wav", label: "happy", speaker: "s \"1\"", session: "S1", start: 0.1, end: 1.0 / 3),
            ManifestEntry(path: "/elsewhere/b.wav", label: "sad", speaker: "s2", split: .test),
            ManifestEntry(path: "wav/line\nbreak.wav", label: "angry", speaker: "s3", gender: "female"),
        ]
        let m = Manifest(entries: entries, baseDirectory: corpus)
        // Written next to the corpus folder: paths under it become relative to the manifest's folder.
        let url = dir.appendingPathComponent("all.csv")
        try m.write(to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("path,label,speaker,session,gender,split,start,end\n"), text)
        XCTAssertTrue(text.contains("\"corpus/wav/a,1.wav\""), text)
        XCTAssertTrue(text.contains("/elsewhere/b.wav"), text)
        let back = try Manifest.read(from: url)
        XCTAssertEqual(back.entries.map(\.path), ["corpus/wav/a,1.wav", "/elsewhere/b.wav", "corpus/wav/line\nbreak.wav"])
        XCTAssertEqual(back.entries.map { back.url(of: $0).standardizedFileURL.path },
                       entries.map { m.url(of: $0).standardizedFileURL.path })
        var expected = entries
        for i in expected.indices { expected[i].path = back.entries[i].path }
        XCTAssertEqual(back.entries, expected)   // times round-trip exactly
        XCTAssertEqual(back.sourceLines, [2, 3, 4])
        // No temporary files left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["all.csv"])
    }

    func testOptionalColumnsOnlyWhenUsed() {
        let m = Manifest(entries: [ManifestEntry(path: "a.wav", label: "x", speaker: "1")])
        XCTAssertEqual(m.csvText(relativeTo: nil), "path,label,speaker\na.wav,x,1\n")
    }

    func testWriteToMissingFolderFails() {
        let m = Manifest(entries: [ManifestEntry(path: "a.wav", label: "x", speaker: "1")])
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/m.csv")
        XCTAssertThrowsError(try m.write(to: url)) { e in
            guard case .unwritable(let f, _)? = e as? ManifestError else { return XCTFail("\(e)") }
            XCTAssertEqual(f, url.path)
        }
    }

    func testNaturalOrder() {
        XCTAssertEqual(NaturalOrder.sorted(["Ses10M", "Ses2F", "Ses1M", "Ses1F", "b", "a10", "a9", "01", "1", "0"]),
                       ["0", "01", "1", "Ses1F", "Ses1M", "Ses2F", "Ses10M", "a9", "a10", "b"])
        XCTAssertEqual(NaturalOrder.sorted(["16", "03", "9", "10"]), ["03", "9", "10", "16"])
    }
}
