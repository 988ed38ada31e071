/// Leave-one-speaker-out: fold k tests the k-th speaker (natural order, ``NaturalOrder``) and validates
/// on the next speaker id cyclically (the speaker after the last is the first); the other speakers train.
///
/// On EmoDB (speakers 03, 08, 09, 10, 11, 12, 13, 14, 15, 16): fold 1 tests 03 and validates on 08, …,
/// fold 10 tests 16 and validates on 03. Needs at least 3 speakers.
///
/// With ``validationSpeakers`` `v` > 1, fold k validates on the next `v` speakers cyclically (model selection on
/// more speakers, fewer to train on); needs at least `v + 2` speakers. The test speaker of every fold is the same.
public struct LeaveOneSpeakerOut: CrossValidationProtocol {
    /// Speakers that validate in each fold (1: the protocol of the accuracy anchors).
    public var validationSpeakers: Int

    public init(validationSpeakers: Int = 1) {
        self.validationSpeakers = validationSpeakers
    }

    public var name: String { CrossValidationProtocolKind.leaveOneSpeakerOut.rawValue }

    public func folds(for manifest: Manifest) throws -> [Fold] {
        guard !manifest.entries.isEmpty else { throw ProtocolError.emptyManifest(protocolName: name) }
        let speakers = manifest.speakers
        let n = speakers.count
        let v = Swift.max(1, validationSpeakers)
        guard n >= v + 2 else { throw ProtocolError.tooFew(protocolName: name, what: "speakers", found: n, needed: v + 2) }
        let all = Set(speakers)
        return (0..<n).map { k in
            let test = speakers[k], validation = Set((1...v).map { speakers[(k + $0) % n] })
            return FoldBuilder.fold(protocolName: name, number: k + 1, count: n,
                                    name: Fold.standardName(number: k + 1, count: n, testGroup: test),
                                    manifest: manifest, key: \.speaker,
                                    train: all.subtracting(validation.union([test])), validation: validation, test: [test])
        }
    }
}
