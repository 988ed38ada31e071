import XCTest
import SERTestSupport
@testable import SERTraining

/// The EmoDB importer on the real corpus's file names, from `../shared/data/emodb/manifest.csv` next to
/// the package (or `$SWIFTSER_EMODB`). Skipped when that folder is absent.
///
/// The expected numbers are the published ones (Burkhardt et al. 2005, the 535-file release):
/// 535 files, 10 speakers, 7 emotions (angry 127, boredom 81, disgust 46, fear 69, happy 71, neutral 79,
/// sad 62), and 339 files in neutral/happy/sad/angry.
final class EmoDBCorpusTests: XCTestCase {
    private var folder: URL {
        if let env = ProcessInfo.processInfo.environment["SWIFTSER_EMODB"] { return URL(fileURLWithPath: env) }
        return Fixtures.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/emodb")
    }

    private func realFileNames() throws -> [String] {
        let manifestURL = folder.appendingPathComponent("manifest.csv")
        guard FileManager.default.fileExists(atPath: manifestURL.path) else {
            throw XCTSkip("EmoDB not found at \(folder.path)")
        }
        // The shared manifest has its own columns (path,speaker,emotion,…); only its paths are used here,
        // read with our CSV reader. Labels and speakers come from the file names alone.
        let records = try CSV.parse(try Data(contentsOf: manifestURL), source: manifestURL.path)
        let pathColumn = try XCTUnwrap(records.first?.fields.firstIndex(of: "path"))
        return records.dropFirst().map { $0.fields[pathColumn] }
    }

    func testAllSevenEmotionsFromRealNames() throws {
        let names = try realFileNames()
        let r = EmoDBImporter().importFiles(names, root: folder)
        XCTAssertEqual(r.report.dropped, [])
        XCTAssertEqual(r.manifest.entries.count, 535)
        let s = CorpusSummary(entries: r.manifest.entries)
        XCTAssertEqual(s.speakers, ["03", "08", "09", "10", "11", "12", "13", "14", "15", "16"])
        XCTAssertEqual(s.perClass, ["angry": 127, "boredom": 81, "disgust": 46, "fear": 69, "happy": 71, "neutral": 79,
                                    "sad": 62])
        XCTAssertEqual(s.perSpeaker, ["03": 49, "08": 58, "09": 43, "10": 38, "11": 55, "12": 35, "13": 61, "14": 69,
                                      "15": 56, "16": 71])
        let genders = Dictionary(grouping: r.manifest.entries, by: { $0.gender ?? "?" }).mapValues(\.count)
        XCTAssertEqual(genders, ["male": 233, "female": 302])
        print("EmoDB, 7 classes:\n" + s.table)
    }

    func testFourClassesFromRealNames() throws {
        let names = try realFileNames()
        let r = EmoDBImporter().importFiles(names, root: folder, selection: .fourClass)
        XCTAssertEqual(r.manifest.entries.count, 339)
        XCTAssertEqual(r.report.dropped.count, 535 - 339)
        XCTAssertEqual(r.report.droppedByCategory, ["class not selected: boredom": 81, "class not selected: disgust": 46,
                                                    "class not selected: fear": 69])
        let s = CorpusSummary(entries: r.manifest.entries, classes: ClassSelection.fourClass.classes)
        XCTAssertEqual(s.perClass, ["neutral": 79, "happy": 71, "sad": 62, "angry": 127])
        XCTAssertEqual(s.speakers.count, 10)
        print("EmoDB, 4 classes:\n" + s.table)

        // The cross-check against the shared manifest's own labels, row by row.
        let manifestURL = folder.appendingPathComponent("manifest.csv")
        let records = try CSV.parse(try Data(contentsOf: manifestURL), source: manifestURL.path)
        let header = records[0].fields
        let p = try XCTUnwrap(header.firstIndex(of: "path")), e = try XCTUnwrap(header.firstIndex(of: "emotion"))
        let sp = try XCTUnwrap(header.firstIndex(of: "speaker"))
        let all = EmoDBImporter().importFiles(names, root: folder).manifest.entries
        let byPath = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })
        for rec in records.dropFirst() {
            let entry = try XCTUnwrap(byPath[rec.fields[p]])
            XCTAssertEqual(entry.label, rec.fields[e], rec.fields[p])
            XCTAssertEqual(entry.speaker, rec.fields[sp], rec.fields[p])
        }
    }

    func testScanAndValidateRealFiles() throws {
        _ = try realFileNames()
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("wav").path) else {
            throw XCTSkip("EmoDB audio not present")
        }
        let r = try EmoDBImporter().importCorpus(at: folder, selection: .fourClass)
        XCTAssertEqual(r.manifest.entries.count, 339)
        let report = ManifestValidator(classes: ClassSelection.fourClass.classes).validate(r.manifest)
        XCTAssertEqual(report.issues, [])
        XCTAssertEqual(report.validIndices.count, 339)
        // Leave-one-speaker-out over EmoDB: 10 folds, fold k validates on the next speaker id.
        let folds = try LeaveOneSpeakerOut().folds(for: r.manifest)
        XCTAssertEqual(folds.map(\.testSpeakers), [["03"], ["08"], ["09"], ["10"], ["11"], ["12"], ["13"], ["14"], ["15"], ["16"]])
        XCTAssertEqual(folds.map(\.validationSpeakers), [["08"], ["09"], ["10"], ["11"], ["12"], ["13"], ["14"], ["15"], ["16"], ["03"]])
        print("EmoDB 4-class test utterances per fold:", folds.map { $0.test.count })
    }
}
