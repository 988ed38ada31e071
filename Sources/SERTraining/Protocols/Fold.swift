/// One fold of a cross-validation protocol: which manifest rows train, validate and test.
///
/// Every fold a protocol produces has non-empty train, validation and test parts, and (except for a
/// fixed split, which takes the manifest's word for it) no speaker in two parts.
public struct Fold: Codable, Equatable, Sendable {
    /// The protocol's stable name, e.g. `leave-one-speaker-out`.
    public var protocolName: String
    /// The fold number, 1-based (`1...count`); `--fold k` selects fold number k.
    public var number: Int
    /// How many folds the protocol gives on this manifest.
    public var count: Int
    /// A stable name usable as a file name: `fold<NN>-test-<test group>` (number zero-padded to at least
    /// two digits, characters outside `A-Z a-z 0-9 . _ -` replaced by `_`), or `fixed` for a fixed split.
    public var name: String
    /// Speakers in each part, in natural order.
    public var trainSpeakers: [String]
    public var validationSpeakers: [String]
    public var testSpeakers: [String]
    /// 0-based indices into the manifest's entries, ascending.
    public var train: [Int]
    public var validation: [Int]
    public var test: [Int]

    public init(protocolName: String, number: Int, count: Int, name: String,
                trainSpeakers: [String], validationSpeakers: [String], testSpeakers: [String],
                train: [Int], validation: [Int], test: [Int]) {
        self.protocolName = protocolName
        self.number = number
        self.count = count
        self.name = name
        self.trainSpeakers = trainSpeakers
        self.validationSpeakers = validationSpeakers
        self.testSpeakers = testSpeakers
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// `fold<NN>-test-<group>` for fold `number` of `count`.
    public static func standardName(number: Int, count: Int, testGroup: String) -> String {
        let width = max(2, String(count).count)
        let digits = String(number)
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        let safe = String(testGroup.unicodeScalars.map { s -> Character in
            let ok = (s.value >= 48 && s.value <= 57) || (s.value >= 65 && s.value <= 90) || (s.value >= 97 && s.value <= 122)
                || s == "." || s == "_" || s == "-"
            return ok ? Character(s) : "_"
        })
        return "fold\(padded)-test-\(safe)"
    }
}
