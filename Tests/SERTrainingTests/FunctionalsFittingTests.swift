import Foundation
@testable import SERTraining
import SERModels
import SERTestSupport
import XCTest

/// Training the functionals classifier against scikit-learn (fixture from
/// `Tests/Fixtures/generate_classical_fixtures.py`): LIBSVM through the shim solves the same problem
/// as scikit-learn's SVC (same solver, same sub-problems), the Newton logistic regression reaches
/// the optimum of scikit-learn's objective (reference: its newton-cholesky solver at tol 1e-14, max
/// |gradient| 1e-15; its default lbfgs stops ~1e-3 short, with the same predictions), and the Swift
/// inference equals LIBSVM's own.
final class FunctionalsFittingTests: XCTestCase {
    private func flat(_ a: [[Double]]) -> [Double] { a.flatMap { $0 } }

    func testSVMTrainingMatchesScikitLearnSVC() throws {
        let f = try ClassicalFixture.load()
        let z = FeatureStandardizer.fit(f.train).apply(f.train)
        let gamma = FunctionalsFitting.scaleGamma(z)
        XCTAssertEqual(gamma, f.svm_rbf.gamma_scale, accuracy: 1e-15 * gamma)
        let weights = FunctionalsFitting.balancedWeights(f.train_labels, classes: f.classes)
        XCTAssertLessThan(Discrepancy.between(weights, f.svm_rbf.class_weight).maxRelative, 1e-15)
        for s in [f.svm_rbf, f.svm_linear] {
            let m = try LibSVMTraining.train(rows: z, labels: f.train_labels, classCount: f.classes, kernel: s.kernel == "rbf" ? .rbf : .linear,
                                             c: s.C, gamma: s.kernel == "rbf" ? gamma : 0, classWeights: weights)
            XCTAssertEqual(m.supportVectorCounts, s.n_support, "\(s.kernel): support vectors per class")
            let values = f.scaler.query.map(m.decisionValues)
            let d = Discrepancy.between(flat(values), flat(s.decision), floor: 1e-3)
            let coef = Discrepancy.between(flat(m.coefficients), flat(s.dual_coef), floor: 1e-3)
            let rho = Discrepancy.between(m.rho, s.intercept.map { -$0 }, floor: 1e-3)
            print("LIBSVM \(s.kernel) C=\(s.C) vs scikit-learn SVC: decision values \(d); dual coefficients \(coef); rho \(rho)")
            XCTAssertLessThan(d.maxRelative, 1e-6)
            XCTAssertLessThan(coef.maxRelative, 1e-6)
            XCTAssertLessThan(rho.maxRelative, 1e-6)
            XCTAssertEqual(f.scaler.query.map(m.predict), s.predict, "\(s.kernel) predictions")
        }
    }

    func testSwiftInferenceEqualsLIBSVMPredictions() throws {
        let f = try ClassicalFixture.load()
        let z = FeatureStandardizer.fit(f.train).apply(f.train)
        let weights = FunctionalsFitting.balancedWeights(f.train_labels, classes: f.classes)
        for kernel in SupportVectorMachine.Kernel.allCases {
            let r = try LibSVMTraining.reference(rows: z, labels: f.train_labels, classCount: f.classes, kernel: kernel, c: 1,
                                                 gamma: FunctionalsFitting.scaleGamma(z), classWeights: weights, probability: true,
                                                 seed: 7, queries: f.scaler.query)
            let values = f.scaler.query.map(r.model.decisionValues)
            let probabilities = values.compactMap { r.model.probabilities(decisionValues: $0) }
            let dv = Discrepancy.between(flat(values), flat(r.decisionValues), floor: 1e-3)
            let dp = Discrepancy.between(flat(probabilities), flat(r.probabilities), floor: 1e-6)
            print("Swift inference vs LIBSVM's svm_predict_values / svm_predict_probability (\(kernel)): decision \(dv), probabilities \(dp)")
            XCTAssertLessThan(dv.maxRelative, 1e-12)
            XCTAssertLessThan(dp.maxRelative, 1e-12)
            XCTAssertEqual(values.map(r.model.vote), r.predicted)
            for p in probabilities { XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-12) }
            // Platt parameters are reproducible from the seed.
            let again = try LibSVMTraining.train(rows: z, labels: f.train_labels, classCount: f.classes, kernel: kernel, c: 1,
                                                 gamma: FunctionalsFitting.scaleGamma(z), classWeights: weights, probability: true, seed: 7)
            XCTAssertEqual(again, r.model)
        }
    }

    func testLogisticRegressionMatchesScikitLearn() throws {
        let f = try ClassicalFixture.load()
        let z = FeatureStandardizer.fit(f.train).apply(f.train)
        let m = try LogisticRegressionTraining.train(rows: z, labels: f.train_labels, classCount: f.classes, c: f.logreg.C,
                                                     classWeights: FunctionalsFitting.balancedWeights(f.train_labels, classes: f.classes))
        let coef = Discrepancy.between(flat(m.weights), flat(f.logreg.coef), floor: 1e-3)
        let intercept = Discrepancy.between(m.intercepts, f.logreg.intercept, floor: 1e-3)
        let scores = Discrepancy.between(flat(f.scaler.query.map(m.scores)), flat(f.logreg.decision), floor: 1e-3)
        let proba = Discrepancy.between(flat(f.scaler.query.map(m.probabilities)), flat(f.logreg.proba), floor: 1e-6)
        print("Newton logistic regression vs scikit-learn (newton-cholesky, tol 1e-14): coef \(coef); intercept \(intercept); scores \(scores); probabilities \(proba)")
        XCTAssertLessThan(coef.maxRelative, 1e-6)
        XCTAssertLessThan(intercept.maxRelative, 1e-6)
        XCTAssertLessThan(scores.maxRelative, 1e-6)
        XCTAssertLessThan(proba.maxRelative, 1e-6)
        XCTAssertEqual(f.scaler.query.map(m.predict), f.logreg.predict)
    }

    func testGridSearchChoosesOnValidationAndLearns() throws {
        let f = try ClassicalFixture.load()
        let classes = ["a", "b", "c", "d"]
        let train = FunctionalsData(rows: f.train, labels: f.train_labels, speakers: Array(f.speakers.prefix(f.train.count)))
        let validation = FunctionalsData(rows: f.query, labels: f.query_labels, speakers: Array(f.speakers.suffix(f.query.count)))
        let names = (0..<f.features).map { "f\($0)" }
        for kind in FunctionalsSettings.Classifier.allCases {
            let fit = try FunctionalsFitting.fit(FunctionalsSettings(classifier: kind), classes: classes, featureNames: names, featureSet: "test",
                                                 speakerNormalization: false, classWeighting: true, seed: 1, train: train, validation: validation)
            XCTAssertEqual(fit.grid.map(\.c), kind == .svm ? [0.1, 1, 10] : [0.01, 0.1, 1, 10])
            let best = fit.grid.map(\.validationUA).max() ?? 0
            XCTAssertEqual(fit.chosen.validationUA, best)
            XCTAssertEqual(fit.chosen.c, fit.grid.first { $0.validationUA == best }?.c, "ties go to the smaller C")
            let outputs = fit.classifier.classify(f.query, speakers: validation.speakers)
            let ua = try ClassificationReport(classes: classes, truth: f.query_labels, predicted: outputs.map(\.predicted)).unweightedAccuracy
            print("\(kind.rawValue): grid \(fit.grid.map { String(format: "C=%g UA=%.3f", $0.c, $0.validationUA) }), chosen C=\(fit.chosen.c), UA \(ua)")
            XCTAssertEqual(ua, fit.chosen.validationUA, accuracy: 1e-12, "the refit on train is the model that was validated")
            XCTAssertGreaterThan(ua, 0.5, "learns well above chance (0.25)")
            for o in outputs { XCTAssertEqual(o.posteriors.reduce(0, +), 1, accuracy: 1e-9) }
        }
    }

    func testBadTrainingDataIsReported() {
        XCTAssertThrowsError(try LibSVMTraining.train(rows: [[1, .nan], [0, 1]], labels: [0, 1], classCount: 2, kernel: .rbf, c: 1, gamma: 1)) {
            XCTAssertTrue("\($0)".contains("row 0 holds a NaN"), "\($0)")
        }
        XCTAssertThrowsError(try LibSVMTraining.train(rows: [[1, 2], [0, 1]], labels: [0, 0], classCount: 2, kernel: .rbf, c: 1, gamma: 1)) {
            XCTAssertTrue("\($0)".contains("no training rows of class index 1"), "\($0)")
        }
        XCTAssertThrowsError(try LogisticRegressionTraining.train(rows: [[1, 2], [0]], labels: [0, 1], classCount: 2, c: 1)) {
            XCTAssertTrue("\($0)".contains("row 1 has 1 features"), "\($0)")
        }
    }
}
