/// Leave-one-session-out: fold k tests the k-th session (natural order) and validates on the next
/// session cyclically (the session after the last is the first); the other sessions train.
///
/// On IEMOCAP: fold 1 tests Ses01 and validates on Ses02, …, fold 5 tests Ses05 and validates on Ses01.
/// Needs the `session` column on every row, each speaker in one session, and at least 3 sessions.
public struct LeaveOneSessionOut: CrossValidationProtocol {
    public init() {}

    public var name: String { CrossValidationProtocolKind.leaveOneSessionOut.rawValue }

    public func folds(for manifest: Manifest) throws -> [Fold] {
        let sessions = try FoldBuilder.sessions(of: manifest, protocolName: name)
        let n = sessions.count
        guard n >= 3 else { throw ProtocolError.tooFew(protocolName: name, what: "sessions", found: n, needed: 3) }
        let all = Set(sessions)
        return (0..<n).map { k in
            let test = sessions[k], validation = sessions[(k + 1) % n]
            return FoldBuilder.fold(protocolName: name, number: k + 1, count: n,
                                    name: Fold.standardName(number: k + 1, count: n, testGroup: test),
                                    manifest: manifest, key: { $0.session ?? "" },
                                    train: all.subtracting([test, validation]), validation: [validation], test: [test])
        }
    }
}
