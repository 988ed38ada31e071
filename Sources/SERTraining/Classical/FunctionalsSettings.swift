import Foundation
import SERModels

/// The classical classifier of a ``TrainingConfiguration`` with model kind `functionals-svm` or
/// `functionals-logreg`: utterance functionals, standardisation fitted on the training speakers
/// (per speaker first with ``TrainingConfiguration/speakerNormalization``), then an SVM or a
/// multinomial logistic regression. C (and, for an RBF SVM with a ``gammaGrid``, γ) is chosen by the
/// validation speakers' UA (ties: the smaller C, then the smaller γ); the final model is refitted on
/// the training speakers only, as the accuracy anchor `egemaps_svm.py` does.
///
/// JSON (`config.json` key `functionals`): `{"classifier": "svm", "kernel": "rbf", "cGrid": [0.1, 1, 10],
/// "features": "egemaps"}`; `gammaGrid` (absent: scikit-learn's `gamma='scale'`, `1 / (d · Var(Z))` of
/// the standardised training matrix Z), `featuresTable` (a CSV of precomputed functionals).
public struct FunctionalsSettings: Codable, Equatable, Sendable {
    public enum Classifier: String, Codable, CaseIterable, Sendable {
        case svm
        case logisticRegression = "logreg"
    }

    public var classifier: Classifier
    /// SVM kernel (unused by the logistic regression).
    public var kernel: SupportVectorMachine.Kernel = .rbf
    /// Candidate values of C (the anchor's: SVM 0.1, 1, 10; logistic regression 0.01, 0.1, 1, 10).
    public var cGrid: [Double]
    /// Candidate RBF widths; nil: `gamma='scale'`.
    public var gammaGrid: [Double]?
    /// Where the functionals come from: `egemaps` (SwiftSER's eGeMAPS v02 extractor, computed from
    /// the audio) or `table` (``featuresTable``).
    public var features: FeatureSource = .egemaps
    /// A CSV with a `file` column (manifest paths, as in the manifest) and one column per functional;
    /// required when ``features`` is `table`.
    public var featuresTable: String?

    public enum FeatureSource: String, Codable, CaseIterable, Sendable {
        case egemaps
        case table
    }

    public init(classifier: Classifier) {
        self.classifier = classifier
        self.cGrid = classifier == .svm ? [0.1, 1, 10] : [0.01, 0.1, 1, 10]
    }

    public func validate() throws {
        func fail(_ m: String) -> TrainingError { .invalidConfiguration("functionals: \(m)") }
        if cGrid.isEmpty || !cGrid.allSatisfy({ $0 > 0 && $0.isFinite }) { throw fail("cGrid must hold positive values") }
        if let g = gammaGrid {
            if classifier != .svm || kernel != .rbf { throw fail("gammaGrid applies to the RBF SVM only") }
            if g.isEmpty || !g.allSatisfy({ $0 > 0 && $0.isFinite }) { throw fail("gammaGrid must hold positive values") }
        }
        switch features {
        case .egemaps: if featuresTable != nil { throw fail("featuresTable is read only with features 'table'") }
        case .table: if (featuresTable ?? "").isEmpty { throw fail("features 'table' needs featuresTable (a CSV file)") }
        }
    }

    private enum CodingKeys: String, CodingKey { case classifier, kernel, cGrid, gammaGrid, features, featuresTable }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(classifier: try c.decode(Classifier.self, forKey: .classifier))
        kernel = try c.decodeIfPresent(SupportVectorMachine.Kernel.self, forKey: .kernel) ?? kernel
        cGrid = try c.decodeIfPresent([Double].self, forKey: .cGrid) ?? cGrid
        gammaGrid = try c.decodeIfPresent([Double].self, forKey: .gammaGrid)
        features = try c.decodeIfPresent(FeatureSource.self, forKey: .features) ?? features
        featuresTable = try c.decodeIfPresent(String.self, forKey: .featuresTable)
    }
}
