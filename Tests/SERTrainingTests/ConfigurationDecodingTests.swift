import Foundation
import XCTest
@testable import SERTraining

/// Issue 14, defect 3: configuration files are read strictly. A misspelt key at any depth is refused
/// with its dotted path and the known keys; `{}` is the documented default; a wrong type names its key.
final class ConfigurationDecodingTests: XCTestCase {
    func decodeError(_ json: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try TrainingConfiguration.decode(Data(json.utf8))
            XCTFail("\(json) was accepted", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }

    func testUnknownNestedKeyIsRefusedWithItsPath() {
        let message = decodeError(#"{"logMel": {"bandCont": 40}}"#)
        print("logMel typo: \(message)")
        XCTAssertTrue(message.contains("unknown key 'logMel.bandCont'"), message)
        XCTAssertTrue(message.contains("bandCount"), "the known keys are listed: \(message)")
    }

    func testUnknownKeysInOtherSectionsAreRefused() throws {
        var c = TrainingConfiguration.paper(.spectrogramModulation)
        c.specAugment = SpecAugmentConfig()
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(c)) as? [String: Any])
        var model = try XCTUnwrap(object["model"] as? [String: Any])
        model["gruHiden"] = 3
        var withTypo = object
        withTypo["model"] = model
        let message = decodeError(String(decoding: try JSONSerialization.data(withJSONObject: withTypo), as: UTF8.self))
        XCTAssertTrue(message.contains("'model.gruHiden'"), message)

        var spec = try XCTUnwrap(object["specAugment"] as? [String: Any])
        spec["timeMask"] = 1
        var withSpecTypo = object
        withSpecTypo["specAugment"] = spec
        let specMessage = decodeError(String(decoding: try JSONSerialization.data(withJSONObject: withSpecTypo), as: UTF8.self))
        XCTAssertTrue(specMessage.contains("'specAugment.timeMask'"), specMessage)

    }

    func testTopLevelTypoAndDuplicateKeysAreRefused() {
        XCTAssertTrue(decodeError(#"{"maxEpoch": 3}"#).contains("unknown key 'maxEpoch'"))
        XCTAssertTrue(decodeError(#"{"maxEpochs": 3, "maxEpochs": 4}"#).contains("duplicate key"))
        XCTAssertTrue(decodeError("[1]").contains("must be a JSON object"))
    }

    func testEmptyObjectIsThePaperSpectrogramConfiguration() throws {
        // Optional settings left out are off (gradient clipping included).
        var paper = TrainingConfiguration.paper(.spectrogram)
        paper.gradientClipNorm = nil
        let c = try TrainingConfiguration.decode(Data("{}".utf8))
        XCTAssertEqual(c, paper)
        XCTAssertNoThrow(try c.validate())
        let twoClasses = try TrainingConfiguration.decode(Data(#"{"classes": ["low", "high"]}"#.utf8))
        var paperTwo = TrainingConfiguration.paper(.spectrogram, classes: ["low", "high"])
        paperTwo.gradientClipNorm = nil
        XCTAssertEqual(twoClasses, paperTwo)
        XCTAssertNoThrow(try twoClasses.validate())
    }

    func testWrongTypeNamesTheKey() {
        let fractional = decodeError(#"{"maxEpochs": 2.5}"#)
        print("maxEpochs 2.5: \(fractional)")
        XCTAssertTrue(fractional.contains("'maxEpochs' must be an integer, found 2.5"), fractional)
        let text = decodeError(#"{"logMel": {"bandCount": "forty"}}"#)
        XCTAssertTrue(text.contains("'logMel.bandCount' must be an integer, found \"forty\""), text)
        let nested = decodeError(#"{"logMel": {"hopLength": 160.5}}"#)
        XCTAssertTrue(nested.contains("'logMel.hopLength' must be an integer, found 160.5"), nested)
        // null means "not given": the default.
        XCTAssertEqual(try TrainingConfiguration.decode(Data(#"{"batchSize": null}"#.utf8)).batchSize, 64)
    }

    func testFileErrorsNameTheFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ser-config-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"{"logMel": {"bandCont": 40}}"#.utf8).write(to: url)
        XCTAssertThrowsError(try TrainingConfiguration.read(from: url)) { e in
            XCTAssertTrue("\(e)".hasPrefix(url.path), "\(e)")
            XCTAssertTrue("\(e)".contains("logMel.bandCont"), "\(e)")
        }
        var request = TrainingRequest()
        request.configFile = url
        XCTAssertThrowsError(try request.configuration()) { e in XCTAssertTrue("\(e)".contains("logMel.bandCont"), "\(e)") }
    }
}
