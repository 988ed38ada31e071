import Foundation
import SERModels

extension UtterancePredictor {
    /// ``posteriors(_:)``, refusing NaN or infinite values: a posterior that is not a probability is an
    /// error naming the utterance's file, never a prediction.
    /// - Throws: ``TrainingError/nonFinitePosteriors(path:)``, or the predictor's own error.
    public func checkedPosteriors(_ utterances: [Utterance]) throws -> [[Double]] {
        let posteriors = try self.posteriors(utterances)
        for (u, p) in zip(utterances, posteriors) where !p.allSatisfy(\.isFinite) {
            throw TrainingError.nonFinitePosteriors(path: u.path)
        }
        return posteriors
    }
}
