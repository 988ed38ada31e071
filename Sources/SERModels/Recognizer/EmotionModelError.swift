/// Why a model file cannot be loaded, or a recording cannot be classified. Each case names the file
/// (or the recording) and what would fix it.
public enum EmotionModelError: Error, CustomStringConvertible, Equatable {
    /// The file is not a SwiftSER model file (no description in its metadata) or cannot be read.
    case unreadable(file: String, reason: String)
    /// The description is inconsistent or incomplete.
    case invalidDescription(file: String, problem: String)
    /// A member of a kind this version cannot run (written by a newer version).
    case unsupportedMemberKind(file: String, member: Int, kind: String, known: [String])
    /// The weights do not fit the described architecture.
    case weightsMismatch(file: String, member: Int, reason: String)
    /// A weight holds NaN or an infinity.
    case nonFiniteWeight(file: String, tensor: String)
    /// The recording holds no samples.
    case emptyAudio(source: String)
    /// The recording holds a NaN or an infinite sample.
    case nonFiniteAudio(source: String, sample: Int)
    /// The network produced a NaN or infinite posterior (a broken model or extreme input).
    case nonFinitePosterior(source: String, startSeconds: Double)
    /// Window or hop outside what the analysis allows.
    case invalidWindows(String)
    /// The audio could not be read, resampled or turned into features.
    case audio(source: String, reason: String)
    /// A model that standardises functionals per speaker was given fewer than `minimum` recordings of one
    /// speaker (a recording alone has no speaker statistics).
    case speakerRecordingsNeeded(source: String, given: Int, minimum: Int)
    /// A functionals member's feature set (a table of precomputed functionals) cannot be computed from audio.
    case featuresNotFromAudio(file: String, featureSet: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): not a readable SwiftSER model file: \(reason)"
        case let .invalidDescription(file, problem): return "\(file): invalid model description: \(problem)"
        case let .unsupportedMemberKind(file, member, kind, known):
            return "\(file): member \(member) is of kind '\(kind)', which this version of SwiftSER cannot run "
                + "(it runs \(known.joined(separator: ", "))); update SwiftSER or use a model without that member"
        case let .weightsMismatch(file, member, reason): return "\(file): the weights of member \(member) do not fit its architecture: \(reason)"
        case let .nonFiniteWeight(file, tensor): return "\(file): tensor '\(tensor)' holds NaN or infinite values; the model is broken (retrain or use an earlier checkpoint)"
        case let .emptyAudio(source): return "\(source): the recording holds no samples"
        case let .nonFiniteAudio(source, sample): return "\(source): sample \(sample) is NaN or infinite"
        case let .nonFinitePosterior(source, start):
            return "\(source): the model gave a NaN or infinite posterior for the window starting at \(start) s"
        case let .invalidWindows(m): return "invalid analysis windows: \(m)"
        case let .audio(source, reason): return "\(source): \(reason)"
        case let .speakerRecordingsNeeded(source, given, minimum):
            return "\(source): the model standardises functionals per speaker (trained with --speaker-normalization): it needs at least "
                + "\(minimum) recordings of one speaker classified together, got \(given). Pass one speaker's recordings together "
                + "(ser-cli predict --same-speaker FILES-or-FOLDER; EmotionRecognizer.classify(oneSpeaker:)); "
                + "a recording alone would be standardised by its own statistics to all zeros"
        case let .featuresNotFromAudio(file, featureSet):
            return "\(file): the model was trained on precomputed functionals ('\(featureSet)', --features-csv), which SwiftSER cannot "
                + "compute from audio, so it cannot classify recordings; evaluate it on a manifest whose files are in that table "
                + "(ser-cli evaluate --run RUN --manifest FILE), or train without --features-csv to classify audio"
        }
    }
}
