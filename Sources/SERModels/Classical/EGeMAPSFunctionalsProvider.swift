import Foundation
import SERAudio
import SERFeatures

/// The 88 eGeMAPS v02 functionals of each utterance from SwiftSER's own extractor
/// (``EGeMAPSExtractor``, names ``EGeMAPS/functionalNames``), on the utterance's samples at
/// ``sampleRate`` (16 kHz: what training computes them on, and what ``EmotionRecognizer`` resamples to).
/// With a ``FeatureCache`` they are computed once per audio content and reused by later runs (the
/// cache key holds the samples and the settings string ``cacheSettings``).
public struct EGeMAPSFunctionalsProvider: FunctionalsProvider {
    /// The feature-set name stored with a classifier on these functionals.
    public static let featureSetName = "egemaps-v02"
    public static let cacheSettings = "egemaps-v02-functionals-v1"
    /// The rate (Hz) of the utterances' samples.
    public static let sampleRate = 16000
    public let cache: FeatureCache?
    private let extractor = EGeMAPSExtractor()

    public init(cache: FeatureCache? = nil) {
        self.cache = cache
    }

    public var featureSet: String { Self.featureSetName }
    public var names: [String] { EGeMAPS.functionalNames }

    /// - Throws: ``EmotionModelError/audio(source:reason:)`` naming the utterance's file.
    public func functionals(_ utterance: Utterance) throws -> [Double] {
        let compute = { () throws -> [Float] in
            do {
                return try extractor.functionals(try AudioBuffer(samples: utterance.samples, sampleRate: Self.sampleRate))
            } catch {
                throw EmotionModelError.audio(source: utterance.path, reason: "eGeMAPS functionals: \(error)")
            }
        }
        let values = try cache?.values(for: utterance.samples, settings: Self.cacheSettings, expectedCount: EGeMAPS.functionalNames.count,
                                       compute: compute) ?? compute()
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw EmotionModelError.audio(source: utterance.path, reason: "eGeMAPS functional \(EGeMAPS.functionalNames[bad]) is not finite")
        }
        return values.map(Double.init)
    }
}

extension UtteranceFunctionalsInput {
    /// SwiftSER's 88 eGeMAPS v02 functionals (``EGeMAPSFunctionalsProvider``): the input of `--fusion early`.
    public static let egemaps = UtteranceFunctionalsInput(featureSet: EGeMAPSFunctionalsProvider.featureSetName,
                                                          count: EGeMAPS.functionalNames.count)
}
