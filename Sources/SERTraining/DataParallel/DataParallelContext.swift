/// The collective operations data-parallel training needs from a group of processes ("ranks"), each
/// holding a full copy of the model: the narrow hook through which ``Trainer`` and ``Wav2VecPretrainer``
/// run under MPI without SERTraining depending on it (the MPI implementation is `MPIContext` in
/// SERDistributed). ``SingleProcessContext`` is the one-process default.
///
/// Every rank must call the collectives in the same order with buffers of the same length; each call
/// returns when all ranks have contributed. Implementations throw ``DataParallelError`` on failure.
public protocol DataParallelContext: AnyObject {
    /// This process's rank, `0 ..< size`.
    var rank: Int { get }
    /// The number of ranks.
    var size: Int { get }
    /// Replaces `buffer` with its element-wise sum over all ranks; every rank receives the same values.
    func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws
    /// ``allReduceSum(_:)-(UnsafeMutableBufferPointer<Float>)`` in float64 (losses, counts).
    func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws
    /// Replaces `buffer`'s bytes on every rank with rank 0's.
    func broadcastFromRoot(_ buffer: UnsafeMutableRawBufferPointer) throws
    /// Returns when every rank has called it.
    func barrier() throws
}

extension DataParallelContext {
    /// Whether this rank writes files (checkpoints, reports, models) and prints: rank 0.
    public var isWriter: Bool { rank == 0 }

    /// `values` summed over all ranks.
    public func allReduceSum(_ values: [Double]) throws -> [Double] {
        var out = values
        try out.withUnsafeMutableBufferPointer { try allReduceSum($0) }
        return out
    }

    /// Rank 0's `values` on every rank (same count everywhere).
    public func broadcastFromRoot(_ values: [Double]) throws -> [Double] {
        var out = values
        try out.withUnsafeMutableBytes { try broadcastFromRoot($0) }
        return out
    }

    /// Rank 0's answer on every rank: for decisions taken from files (skip a finished fold, resume), so
    /// that all ranks take the same branch even while rank 0 writes.
    public func rootDecides(_ flag: Bool) throws -> Bool {
        try broadcastFromRoot([flag ? 1 : 0])[0] != 0
    }
}

/// One process: rank 0 of 1; every collective leaves its buffer as it is.
public final class SingleProcessContext: DataParallelContext {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {}
    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws {}
    public func broadcastFromRoot(_ buffer: UnsafeMutableRawBufferPointer) throws {}
    public func barrier() throws {}
}

/// A collective operation that failed.
public enum DataParallelError: Error, CustomStringConvertible, Equatable {
    /// MPI (or another transport) returned an error: the operation, the rank and the library's message.
    case collectiveFailed(operation: String, rank: Int, message: String)
    /// The global batch cannot be split into the requested shares.
    case batchTooSmall(batchSize: Int, shares: Int)
    /// The transport could not be started.
    case unavailable(String)

    public var description: String {
        switch self {
        case let .collectiveFailed(operation, rank, message):
            return "data-parallel \(operation) failed on rank \(rank): \(message)"
        case let .batchTooSmall(batchSize, shares):
            return "a global batch of \(batchSize) cannot be split into \(shares) shares (ranks × micro-batches); "
                + "use --batch-size \(shares) or more, or fewer ranks or micro-batches"
        case let .unavailable(reason):
            return "distributed training is unavailable: \(reason)"
        }
    }
}
