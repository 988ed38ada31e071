import XCTest
@testable import SERTraining

final class CSVTests: XCTestCase {
    private func fields(_ text: String) throws -> [[String]] { try CSV.parse(text, source: "t.csv").map(\.fields) }

    func testPlainQuotedAndEmbeddedSpecials() throws {
        let text = "a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",,\"\"\n"
        XCTAssertEqual(try fields(text), [["a", "b", "c"], ["1", "x, y", "say \"hi\""], ["multi\nline", "", ""]])
    }

    func testLineNumbersCountPhysicalLines() throws {
        let records = try CSV.parse("h1,h2\n\"a\nb\nc\",1\nx,2\n", source: "t.csv")
        XCTAssertEqual(records.map(\.line), [1, 2, 5])
    }

    func testCRLFAndBOMAndMissingFinalNewline() throws {
        let text = "\u{FEFF}path,label\r\nx.wav,\"a\r\nb\"\r\ny.wav,c"
        XCTAssertEqual(try fields(text), [["path", "label"], ["x.wav", "a\r\nb"], ["y.wav", "c"]])
        // The BOM must not become part of the first header name.
        XCTAssertEqual(try fields(text)[0][0].unicodeScalars.count, 4)
    }

    func testEmptyLinesAreSkippedButSpacesAreKept() throws {
        XCTAssertEqual(try fields("a,b\n\n1, 2\n\r\n"), [["a", "b"], ["1", " 2"]])
    }

    func testTrailingCommaGivesEmptyField() throws {
        XCTAssertEqual(try fields("a,b,\n"), [["a", "b", ""]])
    }

    func testErrorsNameFileLineAndField() {
        XCTAssertThrowsError(try fields("a,b\n1,\"open\n2,3\n")) { e in
            XCTAssertEqual(e as? CSVError, .unterminatedQuote(file: "t.csv", line: 2, field: 2))
            XCTAssertTrue("\(e)".contains("t.csv:2"))
        }
        XCTAssertThrowsError(try fields("a,b\n1,x\"y\n")) { e in
            XCTAssertEqual(e as? CSVError, .quoteInUnquotedField(file: "t.csv", line: 2, field: 2))
        }
        XCTAssertThrowsError(try fields("a,b\n\"x\"y,1\n")) { e in
            XCTAssertEqual(e as? CSVError, .unexpectedCharacter(file: "t.csv", line: 2, field: 1))
        }
        XCTAssertThrowsError(try fields("a,b\r1,2\n")) { e in
            XCTAssertEqual(e as? CSVError, .bareCarriageReturn(file: "t.csv", line: 1))
        }
        XCTAssertThrowsError(try CSV.parse(Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A]), source: "t.csv")) { e in
            XCTAssertEqual(e as? CSVError, .invalidUTF8(file: "t.csv", line: 2, field: 1))
        }
    }

    func testRenderRoundTripsAwkwardFields() throws {
        let rows = [["path", "label"], ["a,b.wav", "say \"x\""], ["line\nbreak", " padded "], ["crlf\r\nhere", ""],
                    ["ünïcödé/日本.wav", "ok"]]
        let text = CSV.render(rows)
        XCTAssertEqual(try fields(text), rows)
        XCTAssertEqual(CSV.escape("plain"), "plain")
        XCTAssertEqual(CSV.escape("a\"b"), "\"a\"\"b\"")
    }
}
