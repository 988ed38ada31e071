import Foundation

/// Late fusion of a network with a functionals classifier (``TrainingConfiguration/fusion``).
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
    /// How the parts are combined. Only late fusion (of posteriors) is built.
    public enum Kind: String, Codable, CaseIterable, Sendable {
        case late
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
