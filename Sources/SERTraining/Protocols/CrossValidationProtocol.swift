/// A rule that splits a manifest into folds of train, validation and test rows.
///
/// Conforming types: ``IEMOCAPSpeakerFolds`` (the paper's 8-fold), ``LeaveOneSessionOut``,
/// ``LeaveOneSpeakerOut``, ``FixedSplit``. ``CrossValidationProtocolKind`` names them for configuration
/// files and the command line. The folds depend only on the set of speakers/sessions (and the row
/// order for the indices), so every machine computing fold k of the same manifest gets the same fold.
public protocol CrossValidationProtocol: Sendable {
    /// The stable name recorded in every fold and result, e.g. `leave-one-speaker-out`.
    var name: String { get }
    /// All folds, numbered from 1.
    /// - Throws: ``ProtocolError`` when the manifest cannot be split this way.
    func folds(for manifest: Manifest) throws -> [Fold]
}

extension CrossValidationProtocol {
    /// Fold `number` (1-based) alone.
    /// - Throws: ``ProtocolError/foldOutOfRange(protocolName:number:count:)`` or a splitting error.
    public func fold(number: Int, for manifest: Manifest) throws -> Fold {
        let all = try folds(for: manifest)
        guard number >= 1 && number <= all.count else {
            throw ProtocolError.foldOutOfRange(protocolName: name, number: number, count: all.count)
        }
        return all[number - 1]
    }

    /// The fold with the given ``Fold/name``.
    public func fold(named foldName: String, for manifest: Manifest) throws -> Fold {
        let all = try folds(for: manifest)
        guard let f = all.first(where: { $0.name == foldName }) else {
            throw ProtocolError.unknownFoldName(protocolName: name, name: foldName, available: all.map(\.name))
        }
        return f
    }
}

/// The protocols by name, for configurations and the command line.
public enum CrossValidationProtocolKind: String, Codable, CaseIterable, Sendable {
    /// ``IEMOCAPSpeakerFolds`` with the last session validating.
    case iemocap8Fold = "iemocap-8fold"
    /// ``LeaveOneSessionOut``.
    case leaveOneSessionOut = "leave-one-session-out"
    /// ``LeaveOneSpeakerOut``.
    case leaveOneSpeakerOut = "leave-one-speaker-out"
    /// ``FixedSplit``.
    case fixedSplit = "fixed-split"

    /// The protocol with its default settings.
    public var protocolValue: any CrossValidationProtocol {
        switch self {
        case .iemocap8Fold: return IEMOCAPSpeakerFolds()
        case .leaveOneSessionOut: return LeaveOneSessionOut()
        case .leaveOneSpeakerOut: return LeaveOneSpeakerOut()
        case .fixedSplit: return FixedSplit()
        }
    }

    /// The kind called `name`.
    /// - Throws: ``ProtocolError/unknownProtocol(name:)``.
    public static func named(_ name: String) throws -> CrossValidationProtocolKind {
        guard let k = CrossValidationProtocolKind(rawValue: name) else { throw ProtocolError.unknownProtocol(name: name) }
        return k
    }
}

/// Shared construction of folds from groups of rows.
enum FoldBuilder {
    /// A fold whose parts are the rows whose `key` is in the given group sets.
    static func fold(protocolName: String, number: Int, count: Int, name: String, manifest: Manifest,
                     key: (ManifestEntry) -> String,
                     train: Set<String>, validation: Set<String>, test: Set<String>) -> Fold {
        var tr = [Int](), va = [Int](), te = [Int]()
        var trS = Set<String>(), vaS = Set<String>(), teS = Set<String>()
        for (i, e) in manifest.entries.enumerated() {
            let k = key(e)
            if test.contains(k) { te.append(i); teS.insert(e.speaker) }
            else if validation.contains(k) { va.append(i); vaS.insert(e.speaker) }
            else if train.contains(k) { tr.append(i); trS.insert(e.speaker) }
        }
        return Fold(protocolName: protocolName, number: number, count: count, name: name,
                    trainSpeakers: NaturalOrder.sorted(trS), validationSpeakers: NaturalOrder.sorted(vaS),
                    testSpeakers: NaturalOrder.sorted(teS), train: tr, validation: va, test: te)
    }

    /// Session of every row, throwing for a row without one or a speaker in two sessions.
    static func sessions(of manifest: Manifest, protocolName: String) throws -> [String] {
        guard !manifest.entries.isEmpty else { throw ProtocolError.emptyManifest(protocolName: protocolName) }
        var sessionsOfSpeaker = [String: Set<String>]()
        for (i, e) in manifest.entries.enumerated() {
            guard let s = e.session else {
                throw ProtocolError.missingSession(protocolName: protocolName, row: i, line: manifest.line(ofEntry: i), path: e.path)
            }
            sessionsOfSpeaker[e.speaker, default: []].insert(s)
        }
        for speaker in NaturalOrder.sorted(sessionsOfSpeaker.keys) {
            if let ss = sessionsOfSpeaker[speaker], ss.count > 1 {
                throw ProtocolError.speakerInSeveralSessions(protocolName: protocolName, speaker: speaker,
                                                             sessions: NaturalOrder.sorted(ss))
            }
        }
        return NaturalOrder.sorted(Set(manifest.entries.compactMap(\.session)))
    }
}
