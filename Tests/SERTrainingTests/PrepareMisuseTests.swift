import Foundation
import XCTest
@testable import SERTraining

/// Issue 14, defect 5: `prepare` never exits with an empty class column or an empty manifest.
final class PrepareMisuseTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("ser-prep-misuse-\(UUID().uuidString)")
        for name in ["03a01Wa.wav", "08a02Fb.wav", "09b01Tc.wav", "10a05Na.wav", "11a01La.wav"] {
            try CorpusTestSupport.writeWAV(root.appendingPathComponent("wav/\(name)"), seconds: 0.2)
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    func testAMisspeltClassIsAnError() throws {
        let prep = CorpusPreparation(kind: .emodb, root: root,
                                     selection: try ClassSelection.parse(classes: "neutral,happy,sadd", mappings: []))
        XCTAssertThrowsError(try prep.run()) { error in
            let message = "\(error)"
            print("misspelt class: \(message)")
            XCTAssertEqual(error as? CorpusImportError,
                           .unknownClasses(classes: ["sadd"], available: ["angry", "boredom", "happy", "neutral", "sad"]))
        }
    }

    func testTheWrongCorpusLayoutIsAnErrorNotAnEmptyManifest() throws {
        XCTAssertThrowsError(try CorpusPreparation(kind: .ravdess, root: root).run()) { error in
            let message = "\(error)"
            print("wrong corpus: \(message)")
            guard case .noUsableRows(_, "ravdess", 5, let reasons)? = error as? CorpusImportError else { return XCTFail(message) }
            XCTAssertEqual(reasons, ["5 name does not follow the convention"])
            XCTAssertTrue(message.contains("--corpus"), message)
        }
    }
}
