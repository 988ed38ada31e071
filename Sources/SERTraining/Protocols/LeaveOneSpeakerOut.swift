/// Leave-one-speaker-out: fold k tests the k-th speaker (natural order, ``NaturalOrder``) and validates
/// on the next speaker id cyclically (the speaker after the last is the first); the other speakers train.
///
/// On EmoDB (speakers 03, 08, 09, 10, 11, 12, 13, 14, 15, 16): fold 1 tests 03 and validates on 08, …,
/// fold 10 tests 16 and validates on 03. Needs at least 3 speakers.
public struct LeaveOneSpeakerOut: CrossValidationProtocol {
    public init() {}

    public var name: String { CrossValidationProtocolKind.leaveOneSpeakerOut.rawValue }

    public func folds(for manifest: Manifest) throws -> [Fold] {
        guard !manifest.entries.isEmpty else { throw ProtocolError.emptyManifest(protocolName: name) }
        let speakers = manifest.speakers
        let n = speakers.count
        guard n >= 3 else { throw ProtocolError.tooFew(protocolName: name, what: "speakers", found: n, needed: 3) }
        let all = Set(speakers)
        return (0..<n).map { k in
            let test = speakers[k], validation = speakers[(k + 1) % n]
            return FoldBuilder.fold(protocolName: name, number: k + 1, count: n,
                                    name: Fold.standardName(number: k + 1, count: n, testGroup: test),
                                    manifest: manifest, key: \.speaker,
                                    train: all.subtracting([test, validation]), validation: [validation], test: [test])
        }
    }
}
