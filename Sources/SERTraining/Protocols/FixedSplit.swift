/// The split written in the manifest's `split` column: one fold (number 1, name `fixed`) whose train,
/// validation and test rows are those marked `train`, `val` and `test`. Every row needs a split value
/// and each part needs at least one row. Speakers are not checked for overlap: the manifest's author
/// decides.
public struct FixedSplit: CrossValidationProtocol {
    public init() {}

    public var name: String { CrossValidationProtocolKind.fixedSplit.rawValue }

    public func folds(for manifest: Manifest) throws -> [Fold] {
        guard !manifest.entries.isEmpty else { throw ProtocolError.emptyManifest(protocolName: name) }
        let missing = manifest.entries.indices.filter { manifest.entries[$0].split == nil }
        if let first = missing.first {
            throw ProtocolError.missingSplit(rows: missing.count, firstRow: first, firstLine: manifest.line(ofEntry: first))
        }
        var parts: [DataSplit: [Int]] = [:]
        var speakers: [DataSplit: Set<String>] = [:]
        for (i, e) in manifest.entries.enumerated() {
            guard let s = e.split else { continue }
            parts[s, default: []].append(i)
            speakers[s, default: []].insert(e.speaker)
        }
        for part in DataSplit.allCases where parts[part] == nil { throw ProtocolError.emptySplit(part: part.rawValue) }
        func sorted(_ s: DataSplit) -> [String] { NaturalOrder.sorted(speakers[s] ?? []) }
        return [Fold(protocolName: name, number: 1, count: 1, name: "fixed",
                     trainSpeakers: sorted(.train), validationSpeakers: sorted(.validation), testSpeakers: sorted(.test),
                     train: parts[.train] ?? [], validation: parts[.validation] ?? [], test: parts[.test] ?? [])]
    }
}
