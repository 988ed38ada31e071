import Dispatch
import Foundation
import SERTensor

/// Prepares the next training step's batch (draw, crop, gain, log-mel, frequency warping, speaker normalisation,
/// SpecAugment: ``TrainableNetwork/trainingBatch(sampler:rng:classWeights:share:)``) on a loader thread while the
/// current step runs its network, backward and optimiser on the calling thread.
///
/// The sampler and the random generator travel with each request and come back with the prepared step, so no
/// two threads ever use them at once, and their draws happen in the same order as when each batch is prepared
/// just before its step: training gives the same results bit for bit either way (`BatchLoaderTests`). Only
/// ``Trainer`` uses it, for whole batches in one process, and only within an epoch, so checkpoints at the end of
/// an epoch see no batch in flight.
///
/// Off by default: `SWIFTSER_BATCH_LOADER=on` switches it on (read once at start-up). On two cores it made an EmoDB
/// fold of the presets' small STRFNet 3–6 % slower (22.5–22.9 s against 21.7–21.9 s, Docs/Performance.md item 15):
/// the step already keeps both cores busy, and batch building is about 2 % of it, so the loader's work only
/// competes with the step's. Machines with more cores than a step uses may gain; measure there.
final class BatchLoader {
    /// A prepared step, with the sampler and generator as they are after preparing it.
    typealias Prepared = (step: PreparedTrainingStep, sampler: BatchSampler, rng: RandomGenerator)

    /// Whether ``Trainer`` prepares batches ahead (see the type's documentation).
    static let isEnabled: Bool = {
        let setting = TuningVariable.read("SWIFTSER_BATCH_LOADER", expected: "on or off") { text -> Bool? in
            text == "on" ? true : (text == "off" ? false : nil)
        }
        return setting ?? false
    }()

    private let queue = DispatchQueue(label: "SwiftSER.BatchLoader")
    private let finished = DispatchSemaphore(value: 0)
    private var outcome: Result<Prepared, Error>?
    private var inFlight = false

    /// Starts preparing a step on the loader thread from copies of `sampler` and `rng`; the caller must not draw
    /// from its own copies until ``wait()`` hands back the advanced ones.
    func start(sampler: BatchSampler, rng: RandomGenerator,
               _ prepare: @escaping (inout BatchSampler, inout RandomGenerator) throws -> PreparedTrainingStep) {
        precondition(!inFlight, "BatchLoader: a batch is already being prepared")
        inFlight = true
        queue.async {
            var sampler = sampler, rng = rng
            self.outcome = Result { (try prepare(&sampler, &rng), sampler, rng) }
            self.finished.signal()
        }
    }

    /// Waits for the step started last; rethrows what preparing it threw. nil when none is in flight.
    func wait() throws -> Prepared? {
        guard inFlight else { return nil }
        finished.wait()
        inFlight = false
        defer { outcome = nil }
        return try outcome?.get()
    }
}
