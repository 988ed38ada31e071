/// The settings of wav2vec 1.0's contrastive prediction objective (fairseq `Wav2VecPredictionsModel`, 2019):
/// how many future frames are predicted, how many distractors each prediction is scored against, and how far
/// ahead the first predicted frame lies.
///
/// Step `s` (0-based) pairs the context c_t with the encoder output z_{t + offset + s}; every (utterance, target
/// frame) gets ``negatives`` distractor frames drawn uniformly from the same utterance (``Wav2VecNegatives``).
/// Decoding fills absent keys with the defaults (fairseq's: 12 steps, 10 negatives, automatic offset, binary
/// cross-entropy).
public struct Wav2VecObjective: Codable, Equatable, Sendable {
    /// Future frames predicted from each context vector [`prediction_steps`]; the head has one matrix per step.
    public var predictionSteps: Int
    /// Distractors per (utterance, target frame) [`num_negatives`].
    public var negatives: Int
    /// Frames between a context frame and its first target [`offset`]; nil = automatic, ⌈R/H⌉ with R the encoder's
    /// receptive field and H its hop (``Wav2VecConfig/predictionOffset``: 3 for wav2vec large and base).
    public var offset: Int?
    /// The loss: false = binary cross-entropy over every logit (wav2vec 1.0 as released, 2019); true = fairseq's later
    /// `--infonce` option: softmax cross-entropy over each prediction's N+1 candidates (true frame = class 0), averaged
    /// over predictions. See ``Wav2VecPredictions/loss(context:targets:negatives:offset:infoNCE:)``.
    public var infoNCE: Bool

    public init(predictionSteps: Int = 12, negatives: Int = 10, offset: Int? = nil, infoNCE: Bool = false) {
        self.predictionSteps = predictionSteps
        self.negatives = negatives
        self.offset = offset
        self.infoNCE = infoNCE
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        predictionSteps = try c.decodeIfPresent(Int.self, forKey: .predictionSteps) ?? 12
        negatives = try c.decodeIfPresent(Int.self, forKey: .negatives) ?? 10
        offset = try c.decodeIfPresent(Int.self, forKey: .offset)
        infoNCE = try c.decodeIfPresent(Bool.self, forKey: .infoNCE) ?? false
    }

    /// The offset for a model with `config`: ``offset`` if set, otherwise ``Wav2VecConfig/predictionOffset``.
    public func resolvedOffset(for config: Wav2VecConfig) -> Int { offset ?? config.predictionOffset }

    /// Encoder frames an input needs for at least one prediction: `offset + 1`.
    public func minimumFrames(for config: Wav2VecConfig) -> Int { resolvedOffset(for: config) + 1 }

    /// Prediction steps used for an input of `frames` frames: `min(predictionSteps, frames − offset)` (fairseq's
    /// `steps = min(steps, tsz − offset)`); ≤ 0 when the input is too short.
    public func usableSteps(frames: Int, config: Wav2VecConfig) -> Int {
        Swift.min(predictionSteps, frames - resolvedOffset(for: config))
    }

    /// Checks the settings. - Throws: ``Wav2VecObjectiveError/invalidObjective(_:)`` naming the field.
    public func validate() throws {
        guard predictionSteps >= 1 && predictionSteps <= 1024 else {
            throw Wav2VecObjectiveError.invalidObjective("predictionSteps \(predictionSteps) outside 1...1024")
        }
        guard negatives >= 1 && negatives <= 1024 else {
            throw Wav2VecObjectiveError.invalidObjective("negatives \(negatives) outside 1...1024")
        }
        if let o = offset, !(o >= 0 && o <= 4096) {
            throw Wav2VecObjectiveError.invalidObjective("offset \(o) outside 0...4096")
        }
    }
}

/// Errors of the wav2vec pretraining objective.
public enum Wav2VecObjectiveError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A setting of ``Wav2VecObjective`` is out of range.
    case invalidObjective(String)
    /// An input too short for one prediction: it gives `frames` encoder frames, the objective needs `minimum`.
    case tooFewFrames(frames: Int, minimum: Int)
    /// Negative indices that do not fit the batch (wrong count, or an index outside the utterance).
    case invalidNegatives(String)
    /// Context and targets whose shapes do not fit the prediction head.
    case shapeMismatch(String)

    public var description: String {
        switch self {
        case .invalidObjective(let s): return "invalid wav2vec objective: \(s)"
        case let .tooFewFrames(f, m):
            return "input gives \(f) encoder frames; the prediction objective needs at least \(m) (offset + 1)"
        case .invalidNegatives(let s): return "invalid negative indices: \(s)"
        case .shapeMismatch(let s): return "wav2vec prediction head: \(s)"
        }
    }
}
