import Foundation

/// A classical classifier on utterance functionals (e.g. the 88 eGeMAPS functionals): optional
/// per-speaker standardisation, standardisation fitted on the training set, then an SVM or a
/// multinomial logistic regression. Everything inference needs, with no training code; stored as a member of
/// the one-file model (``FunctionalsClassifierModule``, ``EmotionModelMember/init(functionals:weight:)``; tensors and
/// metadata as in `FunctionalsClassifier+Persistence.swift`).
public struct FunctionalsClassifier: Equatable, Sendable {
    public enum Model: Equatable, Sendable {
        case svm(SupportVectorMachine)
        case logisticRegression(MultinomialLogisticRegression)

        public var classCount: Int {
            switch self {
            case .svm(let m): return m.classCount
            case .logisticRegression(let m): return m.classCount
            }
        }

        public var featureCount: Int {
            switch self {
            case .svm(let m): return m.featureCount
            case .logisticRegression(let m): return m.featureCount
            }
        }
    }

    /// Class names in output order (index `k` of posteriors and predictions).
    public var classes: [String]
    /// Names of the input features, in order (`[features]`).
    public var featureNames: [String]
    /// The feature extractor the inputs come from (e.g. `egemaps-v02`), so a loaded model can be fed.
    public var featureSet: String
    /// Whether inputs are standardised per speaker (``SpeakerStandardization``) before ``standardizer``.
    public var speakerStandardization: Bool
    /// Standardisation fitted on the (speaker-standardised) training rows.
    public var standardizer: FeatureStandardizer
    public var model: Model
    /// The regularisation constant C the model was trained with (for reports).
    public var regularization: Double

    public init(classes: [String], featureNames: [String], featureSet: String, speakerStandardization: Bool,
                standardizer: FeatureStandardizer, model: Model, regularization: Double) {
        precondition(classes.count == model.classCount, "FunctionalsClassifier: \(classes.count) class names for \(model.classCount) classes")
        precondition(featureNames.count == standardizer.featureCount && model.featureCount == standardizer.featureCount,
                     "FunctionalsClassifier: \(featureNames.count) names, \(standardizer.featureCount) standardised, \(model.featureCount) model features")
        self.classes = classes
        self.featureNames = featureNames
        self.featureSet = featureSet
        self.speakerStandardization = speakerStandardization
        self.standardizer = standardizer
        self.model = model
        self.regularization = regularization
    }

    /// The result for one utterance.
    public struct Output: Equatable, Sendable {
        /// The predicted class index: the SVM's one-against-one vote, or the logistic regression's
        /// highest score (what scikit-learn's `predict` returns).
        public var predicted: Int
        /// Class posteriors `[classes]`, summing to 1: the SVM's coupled Platt probabilities (uniform
        /// when the SVM has none), or the softmax of the logistic regression.
        public var posteriors: [Double]
        /// The SVM's one-against-one decision values `[K(K−1)/2]`, or the logistic regression's scores `[K]`.
        public var decisionValues: [Double]
    }

    /// Classifies rows `[utterances][features]` of raw functionals; `speakers[i]` names row i's
    /// speaker (used only with ``speakerStandardization``, whose statistics come from these rows).
    public func classify(_ rows: [[Double]], speakers: [String]) -> [Output] {
        let prepared = speakerStandardization ? SpeakerStandardization.apply(rows, speakers: speakers) : rows
        return prepared.map { classify(standardizedBySpeaker: $0) }
    }

    /// Classifies one row that is already speaker-standardised (or needs no speaker standardisation).
    public func classify(standardizedBySpeaker row: [Double]) -> Output {
        output(standardized: standardizer.apply(row))
    }

    /// The result for a row already standardised by ``standardizer`` (`[features]`).
    public func output(standardized x: [Double]) -> Output {
        switch model {
        case .svm(let m):
            let f = m.decisionValues(x)
            let p = m.probabilities(decisionValues: f) ?? [Double](repeating: 1 / Double(m.classCount), count: m.classCount)
            return Output(predicted: m.vote(f), posteriors: p, decisionValues: f)
        case .logisticRegression(let m):
            let s = m.scores(x)
            return Output(predicted: m.predict(x), posteriors: MultinomialLogisticRegression.softmax(s), decisionValues: s)
        }
    }
}
