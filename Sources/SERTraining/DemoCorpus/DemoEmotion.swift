/// The emotion classes the demo corpus speaks, with the label strings its manifest uses.
///
/// The four classes are the usual 4-class setup of speech emotion recognition (IEMOCAP, EmoDB
/// subsets): neutral, happy, sad, angry. Each has a ``DemoEmotionProfile`` that says how it changes
/// a speaker's voice and prosody; Docs/DemoCorpus.md explains the choices.
public enum DemoEmotion: String, CaseIterable, Codable, Sendable {
    case neutral, happy, sad, angry

    /// The manifest label (the raw value).
    public var label: String { rawValue }

    /// A fixed code mixed into every utterance's seed, so adding a class later changes none of the
    /// existing classes' audio.
    var seedCode: UInt64 {
        switch self {
        case .neutral: return 1
        case .happy: return 2
        case .sad: return 3
        case .angry: return 4
        }
    }

    /// How this emotion shapes prosody and voice quality (see ``DemoEmotionProfile``).
    public var profile: DemoEmotionProfile {
        switch self {
        case .neutral: return .neutral
        case .happy: return .happy
        case .sad: return .sad
        case .angry: return .angry
        }
    }
}
