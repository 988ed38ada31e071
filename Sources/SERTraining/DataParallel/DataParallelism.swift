import SERTensor

/// How a training step's global batch is divided: over the ranks of ``context`` and, within each rank,
/// into ``microBatches`` shares computed one after another (gradient accumulation).
///
/// The global batch is drawn identically on every rank (the same sampler and generator states), split
/// into `shareCount = ranks × microBatches` contiguous shares of nearly equal size (share `s` holds items
/// `⌊s·B/S⌋ ..< ⌊(s+1)·B/S⌋`), and rank `r` computes shares `r·k ..< (r+1)·k`. Each share's loss is
/// scaled by its part of the global loss's normaliser (``BatchShare/lossWeight(labels:classWeights:)``),
/// so the summed gradient is the gradient of the one-process loss on the whole batch; results do not
/// depend on the number of ranks except through batch normalisation, whose batch statistics are those
/// of each share (see Docs/Scaling.md), and through summation order.
public struct DataParallelism {
    public var context: DataParallelContext
    /// Shares each rank computes per step, one after another (1: the rank's share in one pass).
    public var microBatches: Int

    public init(context: DataParallelContext = SingleProcessContext(), microBatches: Int = 1) {
        precondition(microBatches >= 1, "DataParallelism: microBatches must be >= 1")
        self.context = context
        self.microBatches = microBatches
    }

    /// One process, the whole batch in one pass.
    public static var single: DataParallelism { DataParallelism() }

    /// Shares of every global batch, over all ranks.
    public var shareCount: Int { context.size * microBatches }

    /// Whether a step is the plain one-process step (one share: the whole batch).
    public var isSingleShare: Bool { shareCount == 1 }

    /// The shares this rank computes.
    public var localShares: [BatchShare] {
        (context.rank * microBatches ..< (context.rank + 1) * microBatches).map { BatchShare(index: $0, count: shareCount) }
    }

    /// - Throws: ``DataParallelError/batchTooSmall(batchSize:shares:)`` when a share would be empty.
    public func check(batchSize: Int) throws {
        guard batchSize >= shareCount else { throw DataParallelError.batchTooSmall(batchSize: batchSize, shares: shareCount) }
    }
}

/// Share ``index`` of ``count`` of a global batch.
public struct BatchShare: Equatable, Sendable {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        precondition(count >= 1 && index >= 0 && index < count, "BatchShare: index \(index) of \(count)")
        self.index = index
        self.count = count
    }

    /// The whole batch.
    public static let whole = BatchShare(index: 0, count: 1)

    public var isWhole: Bool { count == 1 }

    /// The items of a global batch of `batchSize` in this share.
    public func range(batchSize: Int) -> Range<Int> {
        (index * batchSize / count) ..< ((index + 1) * batchSize / count)
    }

    /// The factor that turns this share's weighted-mean loss into its part of the global batch's
    /// weighted-mean loss: `Σ_{i∈share} w_{y_i} / Σ_i w_{y_i}` over the global batch's `labels` (weights
    /// 1 without `classWeights`, giving `n_share / B`). Summed over the shares it is 1.
    public func lossWeight(labels: [Int], classWeights: Tensor?) -> Double {
        let w = classWeights?.doubles
        func weight(_ y: Int) -> Double { w.map { $0[y] } ?? 1 }
        let total = labels.reduce(0.0) { $0 + weight($1) }
        guard total > 0 else { return 0 }
        return range(batchSize: labels.count).reduce(0.0) { $0 + weight(labels[$1]) } / total
    }

    /// `loss` (this share's weighted mean) scaled by ``lossWeight(labels:classWeights:)``; unchanged for
    /// the whole batch.
    public func scaled(_ loss: Tensor, labels: [Int], classWeights: Tensor?) -> Tensor {
        isWhole ? loss : loss * lossWeight(labels: labels, classWeights: classWeights)
    }
}
