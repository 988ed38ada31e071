import Foundation
import SERModels
import SERTensor
import SERTestSupport
import XCTest

/// The inference side of the functionals classifier against scikit-learn (fixture from
/// `Tests/Fixtures/generate_classical_fixtures.py`): standardisation, per-speaker standardisation,
/// SVC decision values and votes from scikit-learn's own support vectors, and the file format.
final class FunctionalsClassifierTests: XCTestCase {
    private func worst(_ a: [[Double]], _ b: [[Double]]) -> Discrepancy {
        Discrepancy.between(a.flatMap { $0 }, b.flatMap { $0 }, floor: 1e-3)
    }

    func testStandardizerMatchesStandardScaler() throws {
        let f = try ClassicalFixture.load()
        let s = FeatureStandardizer.fit(f.train)
        let mean = Discrepancy.between(s.mean, f.scaler.mean), scale = Discrepancy.between(s.scale, f.scaler.scale)
        let z = worst(s.apply(f.query), f.scaler.query)
        print("StandardScaler: mean \(mean), scale \(scale), transformed \(z)")
        XCTAssertLessThan(mean.maxRelative, 1e-12)
        XCTAssertLessThan(scale.maxRelative, 1e-12)
        XCTAssertLessThan(z.maxRelative, 1e-11)
        // A constant feature gets scale 1 and maps to 0.
        let constant = FeatureStandardizer.fit([[1, 5], [2, 5], [3, 5]])
        XCTAssertEqual(constant.scale[1], 1)
        XCTAssertEqual(constant.apply([2, 5]), [0, 0])
    }

    func testSpeakerStandardizationMatchesFloat64Reference() throws {
        let f = try ClassicalFixture.load()
        let z = SpeakerStandardization.apply(f.train + f.query, speakers: f.speakers)
        let d = worst(z, f.speaker)
        print("per-speaker standardisation against the NumPy float64 reference: \(d)")
        XCTAssertLessThan(d.maxRelative, 1e-11)
        // A speaker with one utterance: deviation 0 is replaced by 1, the row becomes 0.
        let single = SpeakerStandardization.apply([[3, 4], [1, 1], [3, 1]], speakers: ["a", "b", "b"])
        XCTAssertEqual(single[0], [0, 0])
        XCTAssertEqual(single[1], [-1, 0])
    }

    /// scikit-learn's support vectors and coefficients through the Swift decision function.
    private func sklearnModel(_ s: ClassicalFixture.SVM, _ f: ClassicalFixture) -> SupportVectorMachine {
        let z = FeatureStandardizer(mean: f.scaler.mean, scale: f.scaler.scale).apply(f.train)
        return SupportVectorMachine(kernel: s.kernel == "rbf" ? .rbf : .linear, gamma: s.gamma, supportVectors: s.support.map { z[$0] },
                                    supportVectorCounts: s.n_support, coefficients: s.dual_coef, rho: s.intercept.map { -$0 })
    }

    func testSVMDecisionValuesFromScikitLearnModel() throws {
        let f = try ClassicalFixture.load()
        for s in [f.svm_rbf, f.svm_linear] {
            let m = sklearnModel(s, f)
            let values = f.scaler.query.map(m.decisionValues)
            let d = worst(values, s.decision)
            print("SVC \(s.kernel) decision values from scikit-learn's support vectors: \(d)")
            XCTAssertLessThan(d.maxRelative, 1e-10)
            XCTAssertEqual(f.scaler.query.map(m.predict), s.predict, "\(s.kernel) votes")
            XCTAssertEqual(SupportVectorMachine.pairs(classes: 4).map { [$0.0, $0.1] }, [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]])
        }
    }

    func testLogisticRegressionFromScikitLearnCoefficients() throws {
        let f = try ClassicalFixture.load()
        let m = MultinomialLogisticRegression(weights: f.logreg.coef, intercepts: f.logreg.intercept)
        let d = worst(f.scaler.query.map(m.scores), f.logreg.decision)
        let p = worst(f.scaler.query.map(m.probabilities), f.logreg.proba)
        print("LogisticRegression scores \(d), probabilities \(p)")
        XCTAssertLessThan(d.maxRelative, 1e-10)
        XCTAssertLessThan(p.maxRelative, 1e-10)
        XCTAssertEqual(f.scaler.query.map(m.predict), f.logreg.predict)
    }

    func testPlattCouplingGivesADistribution() {
        // Pairwise estimates that agree with p = (0.5, 0.3, 0.2) are coupled back to it.
        let p = [0.5, 0.3, 0.2]
        var r = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<3 { for j in 0..<3 where i != j { r[i][j] = p[i] / (p[i] + p[j]) } }
        let coupled = SupportVectorMachine.couple(r)
        XCTAssertEqual(coupled.reduce(0, +), 1, accuracy: 1e-12)
        for k in 0..<3 { XCTAssertEqual(coupled[k], p[k], accuracy: 1e-3) }
    }

    func testSaveLoadRoundTripAndValidation() throws {
        let f = try ClassicalFixture.load()
        var svm = sklearnModel(f.svm_rbf, f)
        svm.plattA = [-1, -2, -1.5, -1, -0.5, -2]
        svm.plattB = [0.1, 0, -0.1, 0.2, 0, 0]
        let names = (0..<f.features).map { "f\($0)" }
        let classifier = FunctionalsClassifier(classes: ["neutral", "happy", "sad", "angry"], featureNames: names, featureSet: "test",
                                               speakerStandardization: true,
                                               standardizer: FeatureStandardizer(mean: f.scaler.mean, scale: f.scaler.scale),
                                               model: .svm(svm), regularization: 1)
        let dir = try Fixtures.temporaryDirectory("functionals-model")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        try classifier.save(to: url)
        let loaded = try FunctionalsClassifier.load(from: url)
        XCTAssertEqual(loaded, classifier)
        let outputs = loaded.classify(f.query, speakers: Array(f.speakers.suffix(f.query.count)))
        for o in outputs { XCTAssertEqual(o.posteriors.reduce(0, +), 1, accuracy: 1e-9) }

        let logreg = FunctionalsClassifier(classes: ["a", "b", "c", "d"], featureNames: names, featureSet: "test", speakerStandardization: false,
                                           standardizer: FeatureStandardizer(mean: f.scaler.mean, scale: f.scaler.scale),
                                           model: .logisticRegression(MultinomialLogisticRegression(weights: f.logreg.coef, intercepts: f.logreg.intercept)),
                                           regularization: 0.3)
        try logreg.save(to: url)
        XCTAssertEqual(try FunctionalsClassifier.load(from: url), logreg)

        // Damaged files: each error names the tensor or key.
        var (tensors, meta) = classifier.encoded()
        func expectError(_ tensors: [String: Tensor], _ meta: [String: String], _ fragment: String) {
            XCTAssertThrowsError(try FunctionalsClassifier.decode(tensors: tensors, metadata: meta, source: "m.safetensors")) { e in
                XCTAssertTrue("\(e)".contains(fragment), "\(e) should mention \(fragment)")
                XCTAssertTrue("\(e)".contains("m.safetensors"))
            }
        }
        var t = tensors
        t["svm.rho"] = nil
        expectError(t, meta, "'svm.rho' is missing")
        t = tensors
        t["svm.dual_coef"] = Tensor(shape: [2, 3], scalars: [Double](repeating: 0, count: 6))
        expectError(t, meta, "'svm.dual_coef' has shape [2, 3]")
        t = tensors
        var mean = f.scaler.mean
        mean[3] = .nan
        t["standardizer.mean"] = Tensor(shape: [mean.count], scalars: mean)
        expectError(t, meta, "'standardizer.mean' holds a NaN or infinite value at element 3")
        meta["kind"] = "tree"
        expectError(tensors, meta, "metadata 'kind'")
        (tensors, meta) = classifier.encoded()
        meta["classes"] = "neutral"
        expectError(tensors, meta, "metadata 'classes'")
    }
}
