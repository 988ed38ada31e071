import Foundation
import SERModels

/// Utterance functionals of one part of a run: rows `[utterances][features]`, class indices and speakers.
public struct FunctionalsData: Sendable {
    public var rows: [[Double]]
    public var labels: [Int]
    public var speakers: [String]

    public init(rows: [[Double]], labels: [Int], speakers: [String]) {
        precondition(rows.count == labels.count && rows.count == speakers.count,
                     "FunctionalsData: \(rows.count) rows, \(labels.count) labels, \(speakers.count) speakers")
        self.rows = rows
        self.labels = labels
        self.speakers = speakers
    }
}

/// One hyper-parameter setting tried, with its validation UA.
public struct FunctionalsGridPoint: Codable, Equatable, Sendable {
    public var c: Double
    /// The RBF width used (for `gamma='scale'`, the value it gave).
    public var gamma: Double?
    public var validationUA: Double
}

/// A fitted functionals classifier and how its hyper-parameters were chosen.
public struct FunctionalsFit: Sendable {
    public var classifier: FunctionalsClassifier
    /// Every setting tried, in grid order.
    public var grid: [FunctionalsGridPoint]
    /// The chosen setting.
    public var chosen: FunctionalsGridPoint
}

/// Hyper-parameter choice and fitting of a ``FunctionalsClassifier`` (see ``FunctionalsSettings``).
public enum FunctionalsFitting {
    /// Chooses C (and γ) by validation UA, then refits on `train` (with Platt probabilities for the SVM).
    ///
    /// - Parameters: `classWeighting`: class weights `n / (K · n_k)` from the training rows
    ///   (scikit-learn's `class_weight='balanced'`); `speakerNormalization`: every part is first
    ///   standardised per speaker with its own speakers' statistics; `seed`: LIBSVM's Platt folds.
    /// - Throws: ``TrainingError/emptySplit(_:)`` when a class has no training rows; the solvers' errors.
    public static func fit(_ settings: FunctionalsSettings, classes: [String], featureNames: [String], featureSet: String,
                           speakerNormalization: Bool, classWeighting: Bool, seed: UInt64,
                           train: FunctionalsData, validation: FunctionalsData) throws -> FunctionalsFit {
        try settings.validate()
        let k = classes.count
        let missing = (0..<k).filter { !train.labels.contains($0) }
        guard missing.isEmpty else {
            throw TrainingError.emptySplit("no training utterances of class \(missing.map { classes[$0] }.joined(separator: ", "))")
        }
        guard !validation.rows.isEmpty else { throw TrainingError.emptySplit("no validation utterances") }
        func prepare(_ part: FunctionalsData) -> [[Double]] {
            speakerNormalization ? SpeakerStandardization.apply(part.rows, speakers: part.speakers) : part.rows
        }
        let trainRows = prepare(train), validationRows = prepare(validation)
        let standardizer = FeatureStandardizer.fit(trainRows)
        let z = standardizer.apply(trainRows), zValidation = standardizer.apply(validationRows)
        let weights = classWeighting ? balancedWeights(train.labels, classes: k) : nil
        let gammas: [Double?] = settings.classifier == .svm && settings.kernel == .rbf ? (settings.gammaGrid ?? [scaleGamma(z)]) : [nil]

        func model(c: Double, gamma: Double?, probability: Bool) throws -> FunctionalsClassifier.Model {
            switch settings.classifier {
            case .svm:
                return .svm(try LibSVMTraining.train(rows: z, labels: train.labels, classCount: k, kernel: settings.kernel, c: c,
                                                     gamma: gamma ?? 0, classWeights: weights, probability: probability,
                                                     seed: UInt32(truncatingIfNeeded: seed)))
            case .logisticRegression:
                return .logisticRegression(try LogisticRegressionTraining.train(rows: z, labels: train.labels, classCount: k, c: c,
                                                                                classWeights: weights))
            }
        }
        func classifier(_ m: FunctionalsClassifier.Model, c: Double) -> FunctionalsClassifier {
            FunctionalsClassifier(classes: classes, featureNames: featureNames, featureSet: featureSet,
                                  speakerStandardization: speakerNormalization, standardizer: standardizer, model: m, regularization: c)
        }
        var grid = [FunctionalsGridPoint]()
        for c in settings.cGrid {
            for gamma in gammas {
                let fitted = classifier(try model(c: c, gamma: gamma, probability: false), c: c)
                let predicted = zValidation.map { fitted.output(standardized: $0).predicted }
                let ua = try ClassificationReport(classes: classes, truth: validation.labels, predicted: predicted).unweightedAccuracy
                grid.append(FunctionalsGridPoint(c: c, gamma: gamma, validationUA: ua))
            }
        }
        // Best validation UA; ties: the smaller C, then the smaller gamma.
        guard let chosen = grid.max(by: { a, b in
            if a.validationUA != b.validationUA { return a.validationUA < b.validationUA }
            if a.c != b.c { return a.c > b.c }
            return (a.gamma ?? 0) > (b.gamma ?? 0)
        }) else { throw TrainingError.invalidConfiguration("functionals: empty hyper-parameter grid") }
        let final = classifier(try model(c: chosen.c, gamma: chosen.gamma, probability: true), c: chosen.c)
        return FunctionalsFit(classifier: final, grid: grid, chosen: chosen)
    }

    /// scikit-learn's `class_weight='balanced'`: `n / (K · n_k)` for each class k.
    public static func balancedWeights(_ labels: [Int], classes k: Int) -> [Double] {
        var counts = [Double](repeating: 0, count: k)
        for y in labels { counts[y] += 1 }
        return counts.map { Double(labels.count) / (Double(k) * Swift.max($0, 1)) }
    }

    /// scikit-learn's `gamma='scale'`: `1 / (d · Var(Z))`, the variance over every element of the
    /// (standardised) training matrix `Z` (1 when that variance is 0).
    public static func scaleGamma(_ z: [[Double]]) -> Double {
        let values = z.flatMap { $0 }
        guard !values.isEmpty, let d = z.first?.count else { return 1 }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return variance == 0 ? 1 : 1 / (Double(d) * variance)
    }
}
