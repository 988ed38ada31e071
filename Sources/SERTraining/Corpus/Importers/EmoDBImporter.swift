/// EmoDB (Berlin Database of Emotional Speech) by its file names, `SSTTTEV.wav`:
///
/// - `SS`: speaker, two digits (03, 08–16); gender from the corpus documentation: male 03, 10, 11, 12,
///   15; female 08, 09, 13, 14, 16 (other speaker numbers get no gender).
/// - `TTT`: text, `a` or `b` and two digits (a01 … b10).
/// - `E`: emotion letter (German initial): W (Wut) angry, L (Langeweile) boredom, E (Ekel) disgust,
///   A (Angst) fear, F (Freude) happy, T (Trauer) sad, N neutral.
/// - `V`: version letter (a, b, c, …).
///
/// Entries have speaker = `SS`, no session. Anything else is dropped as an unrecognised name.
public struct EmoDBImporter: FileNameConvention {
    public init() {}

    public var corpusName: String { "EmoDB" }

    /// Emotion letter → label.
    public static let emotions: [Character: String] = [
        "W": "angry", "L": "boredom", "E": "disgust", "A": "fear", "F": "happy", "T": "sad", "N": "neutral",
    ]
    /// Speaker → gender, from the corpus documentation.
    public static let genders: [String: String] = [
        "03": "male", "10": "male", "11": "male", "12": "male", "15": "male",
        "08": "female", "09": "female", "13": "female", "14": "female", "16": "female",
    ]

    public func entry(forRelativePath relativePath: String) -> Result<ManifestEntry, DropReason> {
        let stem = Array(relativePath.fileStem)
        let expected = "SSTTTEV.wav (e.g. 03a01Fa.wav)"
        guard stem.count == 7, stem[0].isASCIIDigit, stem[1].isASCIIDigit,
              stem[2] == "a" || stem[2] == "b", stem[3].isASCIIDigit, stem[4].isASCIIDigit,
              stem[6].isASCII, stem[6].isLowercase
        else { return .failure(.unrecognisedName(expected: expected)) }
        guard let label = Self.emotions[stem[5]] else {
            return .failure(.invalidCode(field: "emotion", value: String(stem[5])))
        }
        let speaker = String(stem[0...1])
        return .success(ManifestEntry(path: relativePath, label: label, speaker: speaker,
                                      gender: Self.genders[speaker]))
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
