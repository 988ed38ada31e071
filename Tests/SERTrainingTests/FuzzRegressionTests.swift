import Foundation
import XCTest
@testable import SERTraining

/// Inputs the libFuzzer targets (Fuzz/) found crashing, kept as regression tests (issue 14).
final class FuzzRegressionTests: XCTestCase {
    /// FuzzManifestCSV, crash-00dde979…: a path holding a comma followed by a combining mark (U+0748) was
    /// written unquoted (`CSV.escape` compared `Character`s, and "," + U+0748 is one `Character`), so the
    /// manifest read back had a row with one field too many.
    func testManifestWithCommaBeforeCombiningMarkSurvivesWritingAndReading() throws {
        let input: [UInt8] = [
        112, 97, 116, 104, 44, 108, 97, 98, 101, 108, 44, 115, 112, 101, 97, 107, 101, 114, 44, 115, 112, 108, 105,
        116, 44, 115, 116, 97, 114, 116, 44, 101, 104, 100, 10, 97, 46, 119, 97, 118, 44, 40, 97, 112, 112, 121, 44,
        115, 50, 44, 116, 114, 97, 105, 110, 44, 48, 44, 49, 46, 53, 10, 34, 98, 44, 221, 136, 97, 118, 97, 118, 34,
        44, 115, 112, 112, 121, 44, 115, 50, 44, 116, 114, 97, 105, 110, 44, 48, 44, 49, 46, 53, 10, 34, 98, 44, 32,
        99, 46, 119, 97, 118, 34, 44, 115, 97, 100, 44, 115, 50, 6, 95, 44, 118, 97, 108, 44, 44, 57
        ]
        let manifest = try Manifest.parse(Data(input), source: "crash.csv", baseDirectory: nil)
        XCTAssertEqual(manifest.entries[1].path, "b,\u{0748}avav")
        let again = try Manifest.parse(manifest.csvText(relativeTo: nil), source: "again.csv", baseDirectory: nil)
        XCTAssertEqual(again.entries, manifest.entries)

        XCTAssertEqual(CSV.escape("b,\u{0748}x"), "\"b,\u{0748}x\"")
        XCTAssertEqual(CSV.escape("\"\u{0301}"), "\"\"\"\u{0301}\"")
        XCTAssertEqual(CSV.escape(" \u{0301}a"), "\" \u{0301}a\"")
        XCTAssertEqual(CSV.escape("plain"), "plain")
        let rows = [["a,\u{0748}", "\"\u{0301}q", " \u{0301}", "x\r\n"]]
        XCTAssertEqual(try CSV.parse(CSV.render(rows), source: "rows.csv").map(\.fields), rows)
    }
}
