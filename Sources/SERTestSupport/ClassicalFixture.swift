/// `Tests/Fixtures/classical/classical.json` (written by `generate_classical_fixtures.py`):
/// scikit-learn's StandardScaler, SVC and LogisticRegression on a small synthetic problem.
public struct ClassicalFixture: Codable {
    public struct Scaler: Codable {
        public var mean: [Double]
        public var scale: [Double]
        /// The query rows standardised.
        public var query: [[Double]]
    }

    public struct SVM: Codable {
        public var C: Double
        public var kernel: String
        public var gamma: Double
        public var gamma_scale: Double
        public var n_support: [Int]
        public var support: [Int]
        public var dual_coef: [[Double]]
        public var intercept: [Double]
        public var class_weight: [Double]
        /// One-against-one decision values of the query rows.
        public var decision: [[Double]]
        public var predict: [Int]
    }

    public struct LogReg: Codable {
        public var C: Double
        public var coef: [[Double]]
        public var intercept: [Double]
        public var decision: [[Double]]
        public var proba: [[Double]]
        public var predict: [Int]
    }

    public var classes: Int
    public var features: Int
    public var train: [[Double]]
    public var train_labels: [Int]
    public var query: [[Double]]
    public var query_labels: [Int]
    /// Speakers of the training rows, then of the query rows.
    public var speakers: [String]
    public var scaler: Scaler
    /// Every row (training, then query) standardised per speaker.
    public var speaker: [[Double]]
    public var svm_rbf: SVM
    public var svm_linear: SVM
    public var logreg: LogReg

    public static func load() throws -> ClassicalFixture { try Fixtures.json(ClassicalFixture.self, "classical/classical.json") }
}
