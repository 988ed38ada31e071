import Foundation
import XCTest
import SERAudio
import SERFeatures
import SERTestSupport
@testable import SERModels

/// A functionals classifier as a member of the one-file model: written and read by ``EmotionModelFile``
/// (float64 tensors kept exactly), classifying an ``AudioBuffer`` in one call with the same posteriors as the
/// classifier on the recording's eGeMAPS functionals, damaged members refused naming the tensor, per-speaker
/// standardisation needing one speaker's recordings together, and table-based models refusing audio.
final class FunctionalsModelFileTests: XCTestCase {
    static let classes = EmotionRecognizerTests.classes

    var directory: URL!
    override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory("functionals-member") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// Test recordings (16 kHz) of different pitch glides and noise.
    static func recordings(_ count: Int, seconds: Double = 1.5) -> [AudioBuffer] {
        (0..<count).compactMap { i in
            try? AudioBuffer(samples: EmotionRecognizerTests.sound(seconds: seconds + 0.2 * Double(i), rate: 16000, seed: UInt64(11 + i)),
                             sampleRate: 16000)
        }
    }

    static func functionals(_ audio: AudioBuffer) throws -> [Double] {
        try EGeMAPSFunctionalsProvider().functionals(Utterance(path: "x", label: 0, speaker: "", samples: audio.samples))
    }

    /// An eGeMAPS classifier with made-up parameters: standardiser fitted on `rows`, then an RBF SVM whose
    /// support vectors are standardised rows (with Platt parameters), or a logistic regression.
    static func classifier(svm: Bool, speakerStandardization: Bool = false, rows: [[Double]], featureSet: String = "egemaps-v02",
                           names: [String] = EGeMAPS.functionalNames, platt: Bool = true) -> FunctionalsClassifier {
        let prepared = speakerStandardization ? SpeakerStandardization.apply(rows, speakers: rows.map { _ in "s" }) : rows
        let standardizer = FeatureStandardizer.fit(prepared)
        let z = standardizer.apply(prepared)
        var rng = RandomGenerator(seed: 5)
        let k = classes.count, d = names.count
        let model: FunctionalsClassifier.Model
        if svm {
            let sv = (0..<k).map { z[$0 % z.count].map { $0 + 0.1 * rng.nextNormal() } }
            model = .svm(SupportVectorMachine(kernel: .rbf, gamma: 1 / Double(d), supportVectors: sv, supportVectorCounts: [1, 1, 1, 1],
                                              coefficients: (0..<(k - 1)).map { _ in (0..<k).map { _ in rng.nextNormal() } },
                                              rho: (0..<6).map { _ in 0.2 * rng.nextNormal() },
                                              plattA: platt ? (0..<6).map { _ in -1 - rng.nextUniform() } : nil,
                                              plattB: platt ? (0..<6).map { _ in 0.1 * rng.nextNormal() } : nil))
        } else {
            model = .logisticRegression(MultinomialLogisticRegression(weights: (0..<k).map { _ in (0..<d).map { _ in 0.3 * rng.nextNormal() } },
                                                                      intercepts: (0..<k).map { _ in rng.nextNormal() }))
        }
        return FunctionalsClassifier(classes: classes, featureNames: names, featureSet: featureSet, speakerStandardization: speakerStandardization,
                                     standardizer: standardizer, model: model, regularization: 1)
    }

    func write(_ classifier: FunctionalsClassifier) throws -> URL {
        let url = directory.appendingPathComponent(UUID().uuidString + ".safetensors")
        try EmotionModelFile.write(EmotionModelDescription(functionals: classifier, provenance: ["C": "1"]),
                                   members: [FunctionalsClassifierModule(classifier)], to: url)
        return url
    }

    func testFunctionalsMemberRoundTripsAndClassifiesAudioInOneCall() throws {
        let audio = Self.recordings(4)
        let rows = try audio.map(Self.functionals)
        for svm in [true, false] {
            let classifier = Self.classifier(svm: svm, rows: rows)
            let url = try write(classifier)
            let recognizer = try EmotionRecognizer(contentsOf: url)
            XCTAssertEqual((recognizer.networks.first as? FunctionalsClassifierModule)?.classifier, classifier, "float64 parameters kept exactly")
            XCTAssertEqual(recognizer.modelDescription.members.first?.kind, "functionals")
            XCTAssertTrue(recognizer.classifiesWholeRecordings)
            XCTAssertFalse(recognizer.needsSpeakerGroups)
            var worst = 0.0
            for (a, row) in zip(audio, rows) {
                let p = try recognizer.classify(a)
                let expected = classifier.classify([row], speakers: [""])[0].posteriors
                worst = max(worst, zip(p.posteriors, expected).map { abs($0 - $1) }.max() ?? 0)
                XCTAssertEqual(p.posteriors.reduce(0, +), 1, accuracy: 1e-9)
                XCTAssertEqual(p.label, Self.classes[p.posteriors.indices.max { p.posteriors[$0] < p.posteriors[$1] } ?? 0])
                XCTAssertEqual(p.timeline.points.count, 1, "a functionals model classifies the whole recording")
                XCTAssertEqual(p.timeline.points[0].end, a.duration, accuracy: 1e-9)
            }
            print("functionals \(svm ? "SVM" : "logreg") member: worst |posterior difference| after the model file \(worst)")
            XCTAssertEqual(worst, 0, "the same float64 arithmetic on the same functionals")
            // The SVM's evaluation decision is its vote; posteriors are LIBSVM's Platt estimates (not uniform).
            if svm {
                let utterances = audio.map { Utterance(path: "x", label: 0, speaker: "", samples: $0.samples) }
                XCTAssertEqual(try recognizer.predictedClasses(utterances), classifier.classify(rows, speakers: rows.map { _ in "" }).map(\.predicted))
                XCTAssertFalse(try recognizer.posteriors(utterances).allSatisfy { Set($0).count == 1 })
            }
        }
        // Other rates are resampled to 16 kHz first.
        let recognizer = try EmotionRecognizer(contentsOf: try write(Self.classifier(svm: true, rows: rows)))
        let other = try AudioBuffer(samples: EmotionRecognizerTests.sound(seconds: 1.2, rate: 22050), sampleRate: 22050)
        XCTAssertEqual(try recognizer.classify(other).posteriors.reduce(0, +), 1, accuracy: 1e-9)
    }

    func testBrokenFunctionalsMembersAreRefusedNamingTheTensor() throws {
        let rows = try Self.recordings(4).map(Self.functionals)
        let url = try write(Self.classifier(svm: true, rows: rows))
        let (tensors, metadata) = try Safetensors.readWithMetadata(from: url, keepFloat64: true)
        XCTAssertEqual(tensors["members.0.svm.support_vectors"]?.dtype, .float64)
        func expect(_ change: (inout [String: Tensor], inout [String: String]) -> Void, _ fragments: [String]) {
            var t = tensors, m = metadata
            change(&t, &m)
            let broken = directory.appendingPathComponent("broken.safetensors")
            XCTAssertNoThrow(try Safetensors.write(t, metadata: m, to: broken, keepFloat64: true))
            XCTAssertThrowsError(try EmotionRecognizer(contentsOf: broken)) { e in
                for f in fragments + [broken.path] { XCTAssertTrue("\(e)".contains(f), "\(e) should mention \(f)") }
            }
        }
        expect({ t, _ in
            var v = t["members.0.svm.dual_coef"]?.doubles ?? []
            v[2] = .nan
            t["members.0.svm.dual_coef"] = Tensor(shape: t["members.0.svm.dual_coef"]?.shape ?? [], scalars: v)
        }, ["members.0.svm.dual_coef", "NaN or infinite"])
        expect({ t, _ in t["members.0.standardizer.scale"] = Tensor(shape: [88], scalars: [Double](repeating: .infinity, count: 88)) },
               ["members.0.standardizer.scale", "NaN or infinite"])
        expect({ t, _ in t["members.0.svm.rho"] = nil }, ["member 0", "'svm.rho' is missing"])
        expect({ t, _ in t["members.0.svm.rho"] = Tensor(shape: [5], scalars: [Double](repeating: 0, count: 5)) }, ["'svm.rho' has shape [5]"])
        expect({ t, _ in t["members.0.svm.extra"] = Tensor(shape: [1], scalars: [0.0]) }, ["svm.extra"])
        expect({ t, _ in t["members.0.svm.prob_a"] = nil; t["members.0.svm.prob_b"] = nil }, ["probability estimates"])
        // A description whose member settings are damaged.
        let (description, _) = try EmotionModelFile.read(from: url)
        var wrongClasses = description
        wrongClasses.members[0].functionals?["classes"] = #"["a","b","c","d"]"#
        var noSettings = description
        noSettings.members[0].functionals = nil
        var wrongPolicy = description
        wrongPolicy.members[0].input.speakerNormalization = .perSpeaker
        for (d, fragment) in [(wrongClasses, "classes"), (noSettings, "needs 'functionals'"), (wrongPolicy, "speaker_standardization")] {
            let broken = directory.appendingPathComponent("description.safetensors")
            try ModelArchive.save(MemberList([FunctionalsClassifierModule(Self.classifier(svm: true, rows: rows))]), kind: EmotionModelFile.kind,
                                  configuration: d, to: broken)
            XCTAssertThrowsError(try EmotionRecognizer(contentsOf: broken)) { e in XCTAssertTrue("\(e)".contains(fragment), "\(e) should mention \(fragment)") }
        }
    }

    func testSpeakerStandardisedMemberNeedsOneSpeakersRecordings() throws {
        let audio = Self.recordings(3)
        let rows = try audio.map(Self.functionals)
        let classifier = Self.classifier(svm: true, speakerStandardization: true, rows: rows)
        let recognizer = try EmotionRecognizer(contentsOf: try write(classifier))
        XCTAssertEqual(recognizer.modelDescription.members[0].input.speakerNormalization, .perSpeaker)
        XCTAssertTrue(recognizer.needsSpeakerGroups)
        // One recording alone would be standardised to zeros by its own statistics: refused, saying what to pass.
        XCTAssertThrowsError(try recognizer.classify(audio[0])) { e in
            XCTAssertEqual(e as? EmotionModelError, .speakerRecordingsNeeded(source: "the recording", given: 1, minimum: 2))
            XCTAssertTrue("\(e)".contains("--same-speaker") && "\(e)".contains("classify(oneSpeaker:)"), "\(e)")
        }
        XCTAssertThrowsError(try recognizer.classify(oneSpeaker: [audio[0]])) { e in
            XCTAssertEqual(e as? EmotionModelError, .speakerRecordingsNeeded(source: "recording 1", given: 1, minimum: 2))
        }
        let group = try recognizer.classify(oneSpeaker: audio, sources: ["a.wav", "b.wav", "c.wav"])
        let expected = classifier.classify(rows, speakers: ["s", "s", "s"])
        for (p, e) in zip(group, expected) {
            XCTAssertEqual(p.posteriors, e.posteriors)
            XCTAssertEqual(p.warnings.last, .fewSpeakerRecordings(count: 3, recommended: EmotionRecognizer.recommendedSpeakerRecordings))
        }
        // Whole utterances (evaluation): each speaker's statistics over that speaker's utterances.
        let utterances = audio.map { Utterance(path: "x", label: 0, speaker: "spk", samples: $0.samples) }
        XCTAssertEqual(try recognizer.posteriors(utterances), expected.map(\.posteriors))
    }

    /// Precomputed functionals (a table) cannot be computed from audio: the model loads, and classifying audio is
    /// refused with what to do instead; given the table's values (a provider), it classifies whole utterances.
    func testTableFunctionalsModelRefusesAudio() throws {
        struct Table: FunctionalsProvider {
            var featureSet: String { "table:f.csv" }
            var names: [String] { ["f1", "f2", "f3", "f4", "f5"] }
            func functionals(_ utterance: Utterance) throws -> [Double] { [1, 2, 3, 4, Double(utterance.samples.count % 7)] }
        }
        let rows: [[Double]] = (0..<6).map { (i: Int) -> [Double] in
            (0..<5).map { (j: Int) -> Double in Double((j + 1) * (i + 2) % 5) }
        }
        let classifier = Self.classifier(svm: false, rows: rows, featureSet: "table:f.csv", names: Table().names)
        let url = try write(classifier)
        let recognizer = try EmotionRecognizer(contentsOf: url)
        XCTAssertThrowsError(try recognizer.checkClassifiesAudio()) { e in
            XCTAssertEqual(e as? EmotionModelError, .featuresNotFromAudio(file: url.path, featureSet: "table:f.csv"))
            XCTAssertTrue("\(e)".contains("--features-csv") && "\(e)".contains("evaluate"), "\(e)")
        }
        XCTAssertThrowsError(try recognizer.classify(Self.recordings(1)[0])) { XCTAssertTrue("\($0)".contains("cannot classify recordings"), "\($0)") }
        // With the table's values (evaluation of the table's files) it classifies whole utterances, never audio.
        let withTable = try EmotionRecognizer(contentsOf: url, functionalsProvider: Table())
        XCTAssertThrowsError(try withTable.classify(Self.recordings(1)[0]))
        let u = Utterance(path: "x", label: 0, speaker: "", samples: [0, 0, 0])
        XCTAssertEqual(try withTable.posteriors([u])[0], classifier.classify([[1, 2, 3, 4, 3]], speakers: [""])[0].posteriors)
    }
}
