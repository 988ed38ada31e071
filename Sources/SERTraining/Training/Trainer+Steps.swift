import SERTensor

extension Trainer {
    /// `loss`'s value, after back-propagating it when it is finite (a non-finite loss is reported, not applied).
    static func backPropagated(_ loss: Tensor) -> Double {
        let value = Double(loss.item)
        if value.isFinite { loss.backward() }
        return value
    }

    /// Runs one epoch's `steps` optimiser steps (zero gradients, loss, backward, clipping, schedule, Adam) and
    /// returns the sum of their losses. With ``preparesBatchesAhead`` and whole batches in one process, step
    /// `n + 1`'s batch is prepared on a ``BatchLoader`` while step `n` runs; `sampler` and `rng` end in the same
    /// state either way, and no batch is in flight when this returns or throws.
    /// - Throws: ``TrainingError/nonFiniteLoss(epoch:step:)``, or what preparing a batch or the network threw.
    func runSteps(epoch: Int, steps: Int, sampler: inout BatchSampler, rng: inout RandomGenerator) throws -> Double {
        let c = configuration
        let loader = preparesBatchesAhead && parallel.isSingleShare && steps > 1 ? BatchLoader() : nil
        let network = network, classWeights = classWeights
        var prepared: PreparedTrainingStep?
        var lossSum = 0.0
        do {
            for step in 1...steps {
                optimizer.zeroGrad()
                let value: Double
                if let loader {
                    let current = try prepared ?? network.trainingBatch(sampler: &sampler, rng: &rng, classWeights: classWeights,
                                                                         share: .whole)
                    prepared = nil
                    if step < steps {
                        loader.start(sampler: sampler, rng: rng) {
                            try network.trainingBatch(sampler: &$0, rng: &$1, classWeights: classWeights, share: .whole)
                        }
                    }
                    value = try Self.backPropagated(current.loss())
                } else {
                    value = try trainingStep(sampler: &sampler, rng: &rng)
                }
                guard value.isFinite else { throw TrainingError.nonFiniteLoss(epoch: epoch, step: step) }
                if let clip = c.gradientClipNorm { _ = optimizer.clipGradNorm(maxNorm: clip) }
                if let schedule = c.schedule { schedule.apply(to: optimizer, atStep: (epoch - 1) * steps + step - 1) }
                optimizer.step()
                lossSum += value
                progress(.step(epoch: epoch, step: step, steps: steps, loss: value))
                if let next = try loader?.wait() { (prepared, sampler, rng) = next }
            }
        } catch {
            _ = try? loader?.wait()
            throw error
        }
        return lossSum
    }
}
