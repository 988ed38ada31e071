import SERModels
import SERTensor

/// ``Trainer``'s steps under ``DataParallelism``: each rank draws the same global batch, computes its
/// shares, and the gradients, batch-norm running statistics and loss are summed over all shares.
extension Trainer {
    /// Before the first step: every rank takes rank 0's weights (the same seed gives the same weights,
    /// this makes it certain), and ranks above 0 get their own dropout streams.
    func startParallelRun(epoch: Int) throws {
        guard parallel.context.size > 1 else { return }
        try ModuleStateBroadcast.fromRoot(network.module, context: parallel.context)
        ModuleStateBroadcast.deriveDropoutStreams(network.module, seed: configuration.seed, rank: parallel.context.rank, position: epoch)
    }

    /// One step's forward and backward passes (the optimiser step follows): the global batch's loss,
    /// with every trainable parameter's gradient that of the global loss. With one share this is the
    /// plain one-process step.
    func trainingStep(sampler: inout BatchSampler, rng: inout RandomGenerator) throws -> Double {
        if parallel.isSingleShare {
            return try Self.backPropagated(network.trainingLoss(sampler: &sampler, rng: &rng, classWeights: classWeights, share: .whole))
        }
        let startSampler = sampler, startRNG = rng
        var statistics = RunningStatisticsAverage(network.module)
        var local = 0.0
        for share in parallel.localShares {
            // Every share draws the same global batch from the same states; all end in the same state.
            sampler = startSampler
            rng = startRNG
            statistics.beginShare()
            let loss = try network.trainingLoss(sampler: &sampler, rng: &rng, classWeights: classWeights, share: share)
            local += Double(loss.item)
            loss.backward()
            statistics.endShare()
        }
        try GradientAllReduce.sum(network.module.parameters(), context: parallel.context)
        try statistics.finish(context: parallel.context, shareCount: parallel.shareCount)
        return try parallel.context.allReduceSum([local])[0]
    }

    /// Rank 0's validation UA and WA on every rank, so that all ranks keep the same best epoch and stop
    /// together (the ranks evaluate the same weights; this guards against any difference).
    func agreedAccuracy(_ report: ClassificationReport) throws -> (ua: Double, wa: Double) {
        let values = try parallel.context.broadcastFromRoot([report.unweightedAccuracy, report.weightedAccuracy])
        return (values[0], values[1])
    }
}
