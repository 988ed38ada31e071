import SERModels
import SERTensor

/// ``Wav2VecPretrainer``'s updates under ``DataParallelism``: every rank draws the same global batch of
/// crops and the same negatives, computes the objective on its shares (the loss is a mean over
/// predictions, and every item has as many, so a share's part is its item count over the batch size),
/// and the gradients, losses and counts are summed over all shares. wav2vec 1.0 normalises per item
/// (group norm), so the result does not depend on the number of ranks beyond summation order.
extension Wav2VecPretrainer {
    /// One update's training figures over the whole global batch.
    struct StepResult {
        var loss: Double
        var correctPredictions: Int
        var predictionCount: Int
        var accuracy: Double { predictionCount > 0 ? Double(correctPredictions) / Double(predictionCount) : 0 }
    }

    /// Before the first update: every rank takes rank 0's weights; ranks above 0 get their own dropout streams.
    func startParallelRun(_ model: Wav2VecPretrainingModel, update: Int) throws {
        guard parallel.context.size > 1 else { return }
        try parallel.check(batchSize: configuration.batchSize)
        try ModuleStateBroadcast.fromRoot(model, context: parallel.context)
        ModuleStateBroadcast.deriveDropoutStreams(model, seed: configuration.seed, rank: parallel.context.rank, position: update)
    }

    /// Forward and backward passes of one update on `wav` `[batch, samples]` (the optimiser step follows),
    /// negatives drawn from `rng`. With one share this is the plain one-process update.
    func trainingStep(_ model: Wav2VecPretrainingModel, _ wav: Tensor, rng: inout RandomGenerator) throws -> StepResult {
        if parallel.isSingleShare || wav.shape[1] < model.minimumSamples {
            // (Too short an input throws the model's own error here.)
            let r = try model.loss(wav, using: &rng)
            if r.lossValue.isFinite { r.loss.backward() }
            return StepResult(loss: r.lossValue, correctPredictions: r.correctPredictions, predictionCount: r.predictionCount)
        }
        let batch = wav.shape[0]
        try parallel.check(batchSize: batch)
        let frames = model.config.frameCount(samples: wav.shape[1])
        let count = model.objective.negatives
        let all = Wav2VecNegatives.sample(batch: batch, count: count, frames: frames, using: &rng)
        var local = [0.0, 0.0, 0.0]    // Σ weighted loss, correct predictions, predictions
        for share in parallel.localShares {
            let items = share.range(batchSize: batch)
            let per = count * frames
            let negatives = try Wav2VecNegatives(batch: items.count, count: count, frames: frames,
                                                 indices: Array(all.indices[items.lowerBound * per ..< items.upperBound * per]))
            let r = try model.loss(wav.batchItems(items), negatives: negatives)
            let weight = Double(items.count) / Double(batch)
            (r.loss * weight).backward()
            local[0] += weight * r.lossValue
            local[1] += Double(r.correctPredictions)
            local[2] += Double(r.predictionCount)
        }
        try GradientAllReduce.sum(model.parameters(), context: parallel.context)
        let total = try parallel.context.allReduceSum(local)
        return StepResult(loss: total[0], correctPredictions: Int(total[1].rounded()), predictionCount: Int(total[2].rounded()))
    }
}
