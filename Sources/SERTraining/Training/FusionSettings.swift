import Foundation

/// Fusion of a network with utterance functionals (``TrainingConfiguration/fusion``): late, with functionals
/// classifiers (below), or early, inside the network (``Kind/early``).
///
/// The network (or the mean of an ensemble's networks, ``TrainingConfiguration/ensemble``) and one or more
/// ``FunctionalsSettings`` classifiers are trained on the same training speakers; the classifiers' posteriors are
/// averaged into the functionals part `p_functionals`, and the whole-utterance posteriors are combined as a weighted
/// mean, `p = w · p_network + (1 − w) · p_functionals`, with `w`
/// taken from ``networkWeights`` by the validation speakers' class-balanced negative log-likelihood (ties: the
/// better UA, then the `w` nearest 0.5; see ``PosteriorFusion/chooseWeight(network:functionals:labels:classes:grid:)``). The functionals classifier uses
/// the configuration's ``TrainingConfiguration/speakerNormalization`` and class weighting, so both
/// parts see the same speaker information (track I without, track S with).
///
/// JSON (`config.json` key `fusion`): `{"kind": "late", "functionals": [{"classifier": "svm"}],
/// "networkWeights": [0, 0.1, …, 1]}`; every key may be left out (these are the defaults). `functionals` may also
/// be a single object (one classifier), as configurations written before lists were read.
public struct FusionSettings: Codable, Equatable, Sendable {
    /// How the parts are combined.
    public enum Kind: String, Codable, CaseIterable, Sendable {
        /// A weighted mean of the network part's and the functionals part's posteriors (trained apart).
        case late
        /// The utterance's eGeMAPS functionals, standardised on the training utterances, concatenated to the
        /// STRFNet's pooled embedding before its MLP (``SERModels/STRFNetConfiguration/utteranceFunctionals``) and
        /// trained with it: one network, no functionals classifier (``functionals`` and ``networkWeights`` unused).
        case early
    }

    public var kind: Kind = .late
    /// The functionals classifiers fused with the network, their posteriors averaged (default: the RBF SVM on
    /// eGeMAPS, C from 0.1, 1, 10). All read SwiftSER's eGeMAPS functionals, computed once per utterance.
    public var functionals = [FunctionalsSettings(classifier: .svm)]
    /// Candidate weights `w` of the network part, each in [0, 1] (0: functionals only, 1: network only).
    public var networkWeights: [Double] = (0...10).map { Double($0) / 10 }

    public init() {}

    public func validate() throws {
        func fail(_ m: String) -> TrainingError { .invalidConfiguration("fusion: \(m)") }
        if networkWeights.isEmpty || !networkWeights.allSatisfy({ $0 >= 0 && $0 <= 1 }) {
            throw fail("networkWeights must hold values in [0, 1]")
        }
        if functionals.isEmpty { throw fail("functionals must name at least one classifier") }
        for f in functionals {
            do { try f.validate() } catch TrainingError.invalidConfiguration(let m) { throw fail(m) }
        }
    }

    private enum CodingKeys: String, CodingKey { case kind, functionals, networkWeights }

    /// Early fusion writes only its kind (the late settings do not apply to it).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        guard kind == .late else { return }
        try c.encode(functionals, forKey: .functionals)
        try c.encode(networkWeights, forKey: .networkWeights)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        kind = try c.decodeIfPresent(Kind.self, forKey: .kind) ?? kind
        // A list, or (as written before lists) one object; decoding errors name the key of whichever it is.
        if (try? c.decodeIfPresent([AnyShape].self, forKey: .functionals)) != nil {
            functionals = try c.decode([FunctionalsSettings].self, forKey: .functionals)
        } else if let one = try c.decodeIfPresent(FunctionalsSettings.self, forKey: .functionals) {
            functionals = [one]
        }
        networkWeights = try c.decodeIfPresent([Double].self, forKey: .networkWeights) ?? networkWeights
    }
}

/// Any JSON value (decoding checks only that it is there): tells a list from an object before decoding it.
private struct AnyShape: Decodable {
    init(from decoder: Decoder) throws {}
}
