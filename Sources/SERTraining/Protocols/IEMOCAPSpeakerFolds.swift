/// The paper's IEMOCAP protocol (Section 3.3, following Fayek et al. 2017): one session validates, and each
/// speaker of the other sessions is the test set in turn while the remaining speakers of those sessions
/// train.
///
/// On IEMOCAP (sessions Ses01…Ses05, speakers `Ses01F`, `Ses01M`, …): Ses05's two speakers validate
/// in every fold; fold k tests the k-th of the 8 speakers of Ses01–Ses04 in natural order
/// (fold 1 `Ses01F`, fold 2 `Ses01M`, …, fold 8 `Ses04M`) and trains on the other 7.
///
/// Needs the `session` column on every row, each speaker in one session. The validation session is the
/// last in natural order unless ``validationSession`` names another.
public struct IEMOCAPSpeakerFolds: CrossValidationProtocol {
    /// The session that validates in every fold; nil: the last session in natural order.
    public var validationSession: String?

    public init(validationSession: String? = nil) { self.validationSession = validationSession }

    /// `iemocap-8fold`, with `-val-<session>` appended when a validation session is named.
    public var name: String {
        validationSession.map { "\(CrossValidationProtocolKind.iemocap8Fold.rawValue)-val-\($0)" }
            ?? CrossValidationProtocolKind.iemocap8Fold.rawValue
    }

    public func folds(for manifest: Manifest) throws -> [Fold] {
        let sessions = try FoldBuilder.sessions(of: manifest, protocolName: name)
        guard sessions.count >= 2 else { throw ProtocolError.tooFew(protocolName: name, what: "sessions", found: sessions.count, needed: 2) }
        let held = validationSession ?? sessions[sessions.count - 1]
        guard sessions.contains(held) else {
            throw ProtocolError.unknownSession(protocolName: name, session: held, available: sessions)
        }
        var validation = Set<String>(), rest = Set<String>()
        for e in manifest.entries { if e.session == held { validation.insert(e.speaker) } else { rest.insert(e.speaker) } }
        let testers = NaturalOrder.sorted(rest)
        guard testers.count >= 2 else {
            throw ProtocolError.tooFew(protocolName: name, what: "speakers outside the validation session", found: testers.count, needed: 2)
        }
        return testers.enumerated().map { k, speaker in
            FoldBuilder.fold(protocolName: name, number: k + 1, count: testers.count,
                             name: Fold.standardName(number: k + 1, count: testers.count, testGroup: speaker),
                             manifest: manifest, key: \.speaker,
                             train: rest.subtracting([speaker]), validation: validation, test: [speaker])
        }
    }
}
