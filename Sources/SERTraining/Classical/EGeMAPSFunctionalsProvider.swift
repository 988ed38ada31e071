import Foundation
import SERModels
import SERAudio
import SERFeatures

/// The 88 eGeMAPS v02 functionals of each utterance from SwiftSER's own extractor
/// (``EGeMAPSExtractor``, names ``EGeMAPS/functionalNames``), on the utterance's 16 kHz samples.
/// With a ``FeatureCache`` they are computed once per audio content and reused by later runs (the
/// cache key holds the samples and the settings string ``cacheSettings``).
public struct EGeMAPSFunctionalsProvider: FunctionalsProvider {
    public static let cacheSettings = "egemaps-v02-functionals-v1"
    public let cache: FeatureCache?
    private let extractor = EGeMAPSExtractor()

    public init(cache: FeatureCache? = nil) throws {
        self.cache = cache
    }

    public var featureSet: String { "egemaps-v02" }
    public var names: [String] { EGeMAPS.functionalNames }

    public func functionals(_ utterance: Utterance) throws -> [Double] {
        let compute = { () throws -> [Float] in
            do {
                return try extractor.functionals(try AudioBuffer(samples: utterance.samples, sampleRate: UtteranceStore.sampleRate))
            } catch {
                throw TrainingError.audio(path: utterance.path, reason: "eGeMAPS functionals: \(error)")
            }
        }
        let values = try cache?.values(for: utterance.samples, settings: Self.cacheSettings, expectedCount: EGeMAPS.functionalNames.count,
                                       compute: compute) ?? compute()
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw TrainingError.audio(path: utterance.path, reason: "eGeMAPS functional \(EGeMAPS.functionalNames[bad]) is not finite")
        }
        return values.map(Double.init)
    }
}
