import Foundation

/// Late fusion of a network with a functionals classifier (``TrainingConfiguration/fusion``).
///
/// The network (or the mean of an ensemble's networks, ``TrainingConfiguration/ensemble``) and a
/// ``FunctionalsSettings`` classifier are trained on the same training speakers; their whole-utterance
/// posteriors are combined as a weighted mean, `p = w · p_network + (1 − w) · p_functionals`, with `w`
/// taken from ``networkWeights`` by the validation speakers' class-balanced negative log-likelihood (ties: the
/// better UA, then the `w` nearest 0.5; see ``PosteriorFusion/chooseWeight(network:functionals:labels:classes:grid:)``). The functionals classifier uses
/// the configuration's ``TrainingConfiguration/speakerNormalization`` and class weighting, so both
/// parts see the same speaker information (track I without, track S with).
///
/// JSON (`config.json` key `fusion`): `{"kind": "late", "functionals": {"classifier": "svm"},
/// "networkWeights": [0, 0.1, …, 1]}`; every key may be left out (these are the defaults).
public struct FusionSettings: Codable, Equatable, Sendable {
    /// How the parts are combined. Only late fusion (of posteriors) is built.
    public enum Kind: String, Codable, CaseIterable, Sendable {
        case late
    }

    public var kind: Kind = .late
    /// The functionals classifier fused with the network (default: the RBF SVM on eGeMAPS, C from 0.1, 1, 10).
    public var functionals = FunctionalsSettings(classifier: .svm)
    /// Candidate weights `w` of the network part, each in [0, 1] (0: functionals only, 1: network only).
    public var networkWeights: [Double] = (0...10).map { Double($0) / 10 }

    public init() {}

    public func validate() throws {
        func fail(_ m: String) -> TrainingError { .invalidConfiguration("fusion: \(m)") }
        if networkWeights.isEmpty || !networkWeights.allSatisfy({ $0 >= 0 && $0 <= 1 }) {
            throw fail("networkWeights must hold values in [0, 1]")
        }
        do { try functionals.validate() } catch TrainingError.invalidConfiguration(let m) { throw fail(m) }
    }

    private enum CodingKeys: String, CodingKey { case kind, functionals, networkWeights }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        kind = try c.decodeIfPresent(Kind.self, forKey: .kind) ?? kind
        functionals = try c.decodeIfPresent(FunctionalsSettings.self, forKey: .functionals) ?? functionals
        networkWeights = try c.decodeIfPresent([Double].self, forKey: .networkWeights) ?? networkWeights
    }
}
