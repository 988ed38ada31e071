/// A fixed split by speakers, written into the manifest's `split` column (for `ser-cli train`): the
/// rows of ``validationSpeakers`` become `val`, those of ``testSpeakers`` `test`, all others `train`.
public struct SpeakerSplit: Equatable, Sendable {
    public var validationSpeakers: [String]
    public var testSpeakers: [String]

    public init(validationSpeakers: [String], testSpeakers: [String]) {
        self.validationSpeakers = validationSpeakers
        self.testSpeakers = testSpeakers
    }

    /// `manifest` with every row's split set.
    /// - Throws: ``ReportingError/invalidArgument(_:)`` when a named speaker is not in the manifest, a
    ///   speaker is named for both parts, no validation speaker is given, or no speaker is left to train.
    public func apply(to manifest: Manifest) throws -> Manifest {
        let known = Set(manifest.speakers)
        let val = Set(validationSpeakers), test = Set(testSpeakers)
        guard !val.isEmpty else { throw ReportingError.invalidArgument("name at least one validation speaker") }
        if let s = (validationSpeakers + testSpeakers).first(where: { !known.contains($0) }) {
            throw ReportingError.invalidArgument("speaker '\(s)' is not in the manifest (speakers: \(manifest.speakers.joined(separator: ", ")))")
        }
        if let s = validationSpeakers.first(where: test.contains) {
            throw ReportingError.invalidArgument("speaker '\(s)' is named for both validation and test")
        }
        guard known.subtracting(val).subtracting(test).count > 0 else {
            throw ReportingError.invalidArgument("no speaker is left for training")
        }
        var m = manifest
        for i in m.entries.indices {
            let s = m.entries[i].speaker
            m.entries[i].split = val.contains(s) ? .validation : test.contains(s) ? .test : .train
        }
        return m
    }
}
