import Foundation
import SERTensor

/// Saving and loading the classifiers as one safetensors file with their configuration (see ``ModelArchive``).
extension STRFNet {
    public static let archiveKind = "strfnet"

    public func save(to url: URL) throws {
        try ModelArchive.save(self, kind: STRFNet.archiveKind, configuration: configuration, to: url)
    }

    /// Rebuilds the network from the file's configuration and loads its weights.
    public static func load(from url: URL) throws -> STRFNet {
        let config = try ModelArchive.configuration(STRFNetConfiguration.self, kind: archiveKind, at: url)
        var rng = RandomGenerator(seed: 0)
        let net = try STRFNet(config, rng: &rng)
        try ModelArchive.loadWeights(into: net, from: url)
        return net
    }
}

extension Wav2VecClassifier {
    public static let archiveKind = "wav2vec-classifier"

    public func save(to url: URL) throws {
        try ModelArchive.save(self, kind: Wav2VecClassifier.archiveKind, configuration: configuration, to: url)
    }

    public static func load(from url: URL) throws -> Wav2VecClassifier {
        let config = try ModelArchive.configuration(Wav2VecClassifierConfiguration.self, kind: archiveKind, at: url)
        var rng = RandomGenerator(seed: 0)
        let net = try Wav2VecClassifier(config, rng: &rng)
        try ModelArchive.loadWeights(into: net, from: url)
        return net
    }
}
