import Foundation
import SERTensor

/// Where a functionals classifier gets each utterance's feature vector: SwiftSER's eGeMAPS extractor
/// (``EGeMAPSFunctionalsProvider``, computed from the audio) or, in training, a table of precomputed values.
public protocol FunctionalsProvider: Sendable {
    /// The feature set's name, stored with the model (e.g. `egemaps-v02`).
    var featureSet: String { get }
    /// Feature names, in order (`[features]`).
    var names: [String] { get }
    /// The functionals of one utterance, `[features]`, finite.
    func functionals(_ utterance: Utterance) throws -> [Double]
}

extension FunctionalsProvider {
    /// The functionals of every utterance, `[utterances][features]`, computed in parallel; the first
    /// failure is thrown with its file.
    public func rows(_ utterances: [Utterance]) throws -> [[Double]] {
        var results = [Result<[Double], Error>?](repeating: nil, count: utterances.count)
        results.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            Parallel.forRanges(utterances.count, costPerItem: 1 << 20) { range in
                for i in range { base[i] = Result { try functionals(utterances[i]) } }
            }
        }
        return try results.enumerated().map { i, r in
            guard let r else { throw EmotionModelError.audio(source: utterances[i].path, reason: "functionals were not computed") }
            return try r.get()
        }
    }
}
