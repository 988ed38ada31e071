import XCTest
@testable import SERTraining

final class ProtocolTests: XCTestCase {
    /// An IEMOCAP-shaped manifest: sessions Ses01…Ses05, speakers Ses0kF/Ses0kM, 3 rows each, rows
    /// interleaved so indices are not contiguous per speaker.
    private func iemocapLike() -> Manifest {
        var entries = [ManifestEntry]()
        for r in 0..<3 {
            for s in [5, 3, 1, 4, 2] {
                for g in ["M", "F"] {
                    entries.append(ManifestEntry(path: "Ses0\(s)\(g)_\(r).wav", label: ["neutral", "happy", "sad"][r],
                                                 speaker: "Ses0\(s)\(g)", session: "Ses0\(s)"))
                }
            }
        }
        return Manifest(entries: entries)
    }

    private func assertPartition(_ f: Fold, _ m: Manifest, file: StaticString = #filePath, line: UInt = #line) {
        let all = f.train + f.validation + f.test
        XCTAssertEqual(all.sorted(), Array(0..<m.entries.count), "\(f.name) is not a partition", file: file, line: line)
        XCTAssertEqual(f.train, f.train.sorted(), file: file, line: line)
        XCTAssertFalse(f.train.isEmpty || f.validation.isEmpty || f.test.isEmpty, file: file, line: line)
        XCTAssertEqual(Set(f.train.map { m.entries[$0].speaker }), Set(f.trainSpeakers), file: file, line: line)
        XCTAssertEqual(Set(f.validation.map { m.entries[$0].speaker }), Set(f.validationSpeakers), file: file, line: line)
        XCTAssertEqual(Set(f.test.map { m.entries[$0].speaker }), Set(f.testSpeakers), file: file, line: line)
        XCTAssertTrue(Set(f.trainSpeakers).isDisjoint(with: f.testSpeakers), file: file, line: line)
        XCTAssertTrue(Set(f.trainSpeakers).isDisjoint(with: f.validationSpeakers), file: file, line: line)
        XCTAssertTrue(Set(f.validationSpeakers).isDisjoint(with: f.testSpeakers), file: file, line: line)
    }

    func testIEMOCAPEightFold() throws {
        let m = iemocapLike()
        let p = IEMOCAPSpeakerFolds()
        let folds = try p.folds(for: m)
        let testers = ["Ses01F", "Ses01M", "Ses02F", "Ses02M", "Ses03F", "Ses03M", "Ses04F", "Ses04M"]
        XCTAssertEqual(folds.count, 8)
        XCTAssertEqual(folds.map(\.testSpeakers), testers.map { [$0] })
        XCTAssertEqual(folds.map(\.name), testers.enumerated().map { "fold0\($0.offset + 1)-test-\($0.element)" })
        for (k, f) in folds.enumerated() {
            XCTAssertEqual(f.number, k + 1)
            XCTAssertEqual(f.count, 8)
            XCTAssertEqual(f.protocolName, "iemocap-8fold")
            XCTAssertEqual(f.validationSpeakers, ["Ses05F", "Ses05M"])
            XCTAssertEqual(f.trainSpeakers, testers.filter { $0 != testers[k] })
            XCTAssertEqual(f.trainSpeakers.count, 7)
            XCTAssertEqual(f.test.count, 3)
            assertPartition(f, m)
        }
        XCTAssertEqual(try p.fold(number: 3, for: m), folds[2])
        XCTAssertEqual(try p.fold(named: "fold08-test-Ses04M", for: m), folds[7])
        XCTAssertThrowsError(try p.fold(number: 9, for: m)) {
            XCTAssertEqual($0 as? ProtocolError, .foldOutOfRange(protocolName: "iemocap-8fold", number: 9, count: 8))
        }
        XCTAssertThrowsError(try p.fold(number: 0, for: m))
        XCTAssertThrowsError(try p.fold(named: "fold09", for: m)) {
            guard case .unknownFoldName? = $0 as? ProtocolError else { return XCTFail("\($0)") }
        }
        // Another validation session.
        let other = try IEMOCAPSpeakerFolds(validationSession: "Ses01").folds(for: m)
        XCTAssertEqual(other.first?.testSpeakers, ["Ses02F"])
        XCTAssertEqual(other.first?.validationSpeakers, ["Ses01F", "Ses01M"])
        XCTAssertEqual(other.first?.protocolName, "iemocap-8fold-val-Ses01")
        XCTAssertThrowsError(try IEMOCAPSpeakerFolds(validationSession: "Ses09").folds(for: m)) {
            guard case .unknownSession? = $0 as? ProtocolError else { return XCTFail("\($0)") }
        }
    }

    func testSessionProtocolsNeedSessions() {
        var m = iemocapLike()
        m.entries[4].session = nil
        XCTAssertThrowsError(try IEMOCAPSpeakerFolds().folds(for: m)) {
            XCTAssertEqual($0 as? ProtocolError, .missingSession(protocolName: "iemocap-8fold", row: 4, line: nil, path: m.entries[4].path))
        }
        m = iemocapLike()
        m.entries[0].session = "Ses02"   // Ses05M now appears in two sessions
        XCTAssertThrowsError(try LeaveOneSessionOut().folds(for: m)) {
            XCTAssertEqual($0 as? ProtocolError, .speakerInSeveralSessions(protocolName: "leave-one-session-out",
                                                                           speaker: "Ses05M", sessions: ["Ses02", "Ses05"]))
        }
        let two = Manifest(entries: [ManifestEntry(path: "a", label: "x", speaker: "A", session: "1"),
                                     ManifestEntry(path: "b", label: "x", speaker: "B", session: "2")])
        XCTAssertThrowsError(try LeaveOneSessionOut().folds(for: two)) {
            XCTAssertEqual($0 as? ProtocolError, .tooFew(protocolName: "leave-one-session-out", what: "sessions", found: 2, needed: 3))
        }
        XCTAssertThrowsError(try IEMOCAPSpeakerFolds().folds(for: two)) {
            guard case .tooFew? = $0 as? ProtocolError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try LeaveOneSpeakerOut().folds(for: Manifest(entries: []))) {
            XCTAssertEqual($0 as? ProtocolError, .emptyManifest(protocolName: "leave-one-speaker-out"))
        }
    }

    func testLeaveOneSessionOutValidatesOnTheNextSession() throws {
        let m = iemocapLike()
        let folds = try LeaveOneSessionOut().folds(for: m)
        XCTAssertEqual(folds.map(\.name), ["fold01-test-Ses01", "fold02-test-Ses02", "fold03-test-Ses03", "fold04-test-Ses04",
                                           "fold05-test-Ses05"])
        XCTAssertEqual(folds.map(\.testSpeakers), [1, 2, 3, 4, 5].map { ["Ses0\($0)F", "Ses0\($0)M"] })
        XCTAssertEqual(folds.map(\.validationSpeakers), [2, 3, 4, 5, 1].map { ["Ses0\($0)F", "Ses0\($0)M"] })
        for f in folds {
            XCTAssertEqual(f.trainSpeakers.count, 6)
            XCTAssertEqual(f.test.count, 6)
            assertPartition(f, m)
        }
    }

    func testLeaveOneSpeakerOutValidatesOnTheNextSpeakerId() throws {
        let speakers = ["10", "2", "3", "a b/c"]
        let m = Manifest(entries: speakers.flatMap { s in (0..<2).map { ManifestEntry(path: "\(s)-\($0)", label: "x", speaker: s) } })
        let folds = try LeaveOneSpeakerOut().folds(for: m)
        XCTAssertEqual(folds.map(\.testSpeakers), [["2"], ["3"], ["10"], ["a b/c"]])
        XCTAssertEqual(folds.map(\.validationSpeakers), [["3"], ["10"], ["a b/c"], ["2"]])
        XCTAssertEqual(folds.map(\.name), ["fold01-test-2", "fold02-test-3", "fold03-test-10", "fold04-test-a_b_c"])
        XCTAssertEqual(folds[2].test, [0, 1])
        for f in folds { assertPartition(f, m); XCTAssertEqual(f.trainSpeakers.count, 2) }
        let twoSpeakers = Manifest(entries: Array(m.entries.prefix(4)))
        XCTAssertThrowsError(try LeaveOneSpeakerOut().folds(for: twoSpeakers)) {
            XCTAssertEqual($0 as? ProtocolError, .tooFew(protocolName: "leave-one-speaker-out", what: "speakers", found: 2, needed: 3))
        }
        XCTAssertEqual(Fold.standardName(number: 7, count: 120, testGroup: "x"), "fold007-test-x")
        // Two validation speakers: the next two cyclically; same test speakers and fold names; v + 2 speakers needed.
        let two = try LeaveOneSpeakerOut(validationSpeakers: 2).folds(for: m)
        XCTAssertEqual(two.map(\.testSpeakers), folds.map(\.testSpeakers))
        XCTAssertEqual(two.map(\.name), folds.map(\.name))
        XCTAssertEqual(two.map(\.validationSpeakers), [["3", "10"], ["10", "a b/c"], ["2", "a b/c"], ["2", "3"]])
        for f in two { assertPartition(f, m); XCTAssertEqual(f.trainSpeakers.count, 1) }
        XCTAssertThrowsError(try LeaveOneSpeakerOut(validationSpeakers: 3).folds(for: m)) {
            XCTAssertEqual($0 as? ProtocolError, .tooFew(protocolName: "leave-one-speaker-out", what: "speakers", found: 4, needed: 5))
        }
    }

    func testFixedSplit() throws {
        let m = try Manifest.parse("""
        path,label,speaker,split
        a,x,1,train
        b,x,2,test
        c,x,3,val
        d,x,1,train
        """, source: "m.csv", baseDirectory: nil)
        let folds = try FixedSplit().folds(for: m)
        XCTAssertEqual(folds.count, 1)
        XCTAssertEqual(folds[0].name, "fixed")
        XCTAssertEqual(folds[0].train, [0, 3])
        XCTAssertEqual(folds[0].validation, [2])
        XCTAssertEqual(folds[0].test, [1])
        XCTAssertEqual(folds[0].trainSpeakers, ["1"])

        let missing = try Manifest.parse("path,label,speaker,split\na,x,1,train\nb,x,2,\nc,x,3,\nd,x,3,val\n",
                                         source: "m.csv", baseDirectory: nil)
        XCTAssertThrowsError(try FixedSplit().folds(for: missing)) {
            XCTAssertEqual($0 as? ProtocolError, .missingSplit(rows: 2, firstRow: 1, firstLine: 3))
            XCTAssertTrue("\($0)".contains("line 3"))
        }
        let noVal = try Manifest.parse("path,label,speaker,split\na,x,1,train\nb,x,2,test\n", source: "m.csv", baseDirectory: nil)
        XCTAssertThrowsError(try FixedSplit().folds(for: noVal)) { XCTAssertEqual($0 as? ProtocolError, .emptySplit(part: "val")) }
    }

    func testKindsByName() throws {
        for k in CrossValidationProtocolKind.allCases {
            XCTAssertEqual(k.protocolValue.name, k.rawValue)
            XCTAssertEqual(try CrossValidationProtocolKind.named(k.rawValue), k)
        }
        XCTAssertThrowsError(try CrossValidationProtocolKind.named("kfold")) {
            XCTAssertEqual($0 as? ProtocolError, .unknownProtocol(name: "kfold"))
        }
    }

    func testFoldsAreCodable() throws {
        let f = try LeaveOneSessionOut().fold(number: 2, for: iemocapLike())
        XCTAssertEqual(try JSONDecoder().decode(Fold.self, from: JSONEncoder().encode(f)), f)
    }
}
