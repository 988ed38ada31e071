import Foundation

/// Class posteriors of whole recordings with a functionals member of a model file: the recording's
/// functionals (``provider``), then the ``FunctionalsClassifier`` (standardisation, SVM with LIBSVM's Platt
/// probability estimates, or logistic regression with its softmax).
///
/// With speaker standardisation (``needsSpeakerGroups``) each speaker's statistics come from that speaker's
/// utterances among those passed together (``posteriors(_:)`` groups them by ``Utterance/speaker``).
public struct FunctionalsMemberPredictor: UtterancePredictor {
    public let classifier: FunctionalsClassifier
    /// Where the functionals come from; nil when the classifier's feature set cannot be computed from
    /// audio (a table of precomputed functionals): classifying then throws
    /// ``EmotionModelError/featuresNotFromAudio(file:featureSet:)``.
    public let provider: FunctionalsProvider?
    /// The model file (or name), for errors.
    public let source: String

    /// - Parameter provider: nil: SwiftSER's own extractor for the classifier's feature set, if it has one
    ///   (``defaultProvider(featureSet:)``).
    /// - Throws: ``EmotionModelError/invalidDescription(file:problem:)`` when the provider's feature names
    ///   are not the classifier's, or for an SVM without Platt parameters (its posteriors would not be probabilities).
    public init(classifier: FunctionalsClassifier, provider: FunctionalsProvider? = nil, source: String) throws {
        let chosen = provider ?? Self.defaultProvider(featureSet: classifier.featureSet)
        if let chosen, chosen.names != classifier.featureNames {
            throw EmotionModelError.invalidDescription(file: source, problem: "the classifier reads \(classifier.featureNames.count) functionals of "
                                                       + "'\(classifier.featureSet)'; \(chosen.featureSet) gives \(chosen.names.count) other ones")
        }
        if case .svm(let svm) = classifier.model, !svm.hasProbabilities {
            throw EmotionModelError.invalidDescription(file: source, problem: "the SVM has no probability estimates (tensors svm.prob_a and "
                                                       + "svm.prob_b), so it cannot give posteriors; retrain it (training fits them)")
        }
        self.classifier = classifier
        self.provider = chosen
        self.source = source
    }

    /// The functionals SwiftSER computes from audio for `featureSet` (`egemaps-v02`), or nil.
    public static func defaultProvider(featureSet: String) -> FunctionalsProvider? {
        featureSet == EGeMAPSFunctionalsProvider.featureSetName ? EGeMAPSFunctionalsProvider() : nil
    }

    /// Whether the classifier's feature set is computed from audio by SwiftSER (not a table of precomputed
    /// functionals, which serves evaluation of the table's files only, even when given as ``provider``).
    public var computesFromAudio: Bool { Self.defaultProvider(featureSet: classifier.featureSet) != nil }

    public var needsPitchPulses: Bool { false }
    /// Whether recordings must be classified in groups of one speaker's recordings (speaker standardisation).
    public var needsSpeakerGroups: Bool { classifier.speakerStandardization }

    /// Posteriors `[utterances][classes]` of whole utterances.
    public func posteriors(_ utterances: [Utterance]) throws -> [[Double]] {
        try classify(utterances).posteriors
    }

    /// The classifier's own decision: the SVM's pairwise vote (scikit-learn's `predict`; it can differ from
    /// the most probable class of the Platt posteriors), or the logistic regression's highest score.
    public func predictedClasses(_ utterances: [Utterance]) throws -> [Int] {
        try classify(utterances).predicted
    }

    /// Posteriors and the classifier's own decisions.
    /// - Throws: ``EmotionModelError/featuresNotFromAudio(file:featureSet:)`` without a provider; the provider's errors.
    public func classify(_ utterances: [Utterance]) throws -> (posteriors: [[Double]], predicted: [Int]) {
        guard let provider else { throw EmotionModelError.featuresNotFromAudio(file: source, featureSet: classifier.featureSet) }
        let rows = try provider.rows(utterances)
        for (u, r) in zip(utterances, rows) where r.count != classifier.featureNames.count || !r.allSatisfy(\.isFinite) {
            throw EmotionModelError.audio(source: u.path, reason: "its \(r.count) functionals are not \(classifier.featureNames.count) finite values")
        }
        let out = classifier.classify(rows, speakers: utterances.map(\.speaker))
        return (out.map(\.posteriors), out.map(\.predicted))
    }
}
