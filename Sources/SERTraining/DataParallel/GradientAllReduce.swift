import SERTensor

/// Sums the gradients of a model's trainable parameters over all ranks (`MPI_Allreduce` under MPI).
///
/// The gradients (float32, in parameter order) are packed into one flat buffer followed by one flag per
/// parameter (1 where the rank has a gradient), which is reduced in buckets of at most
/// ``bucketElements`` values (25 MiB, PyTorch DDP's default bucket size) so that no single message grows
/// with the model. A parameter gets the summed gradient when any rank had one, and keeps `nil` (the
/// optimiser skips it) when none had. The buckets are reduced after the backward pass, not overlapped
/// with it: the autograd engine has no per-parameter "gradient ready" hook, and on a single machine the
/// backward pass already uses every core (Docs/Scaling.md).
enum GradientAllReduce {
    static let bucketElements = 25 * 1024 * 1024 / MemoryLayout<Float>.size

    /// Replaces every parameter's gradient with the sum over ranks. Parameters that do not require
    /// gradients are left alone (the same on every rank, as the model is).
    static func sum(_ parameters: [Tensor], context: DataParallelContext, bucketElements: Int = bucketElements) throws {
        let trainable = parameters.filter(\.requiresGrad)
        let total = trainable.reduce(0) { $0 + $1.count }
        var flat = [Float](repeating: 0, count: total + trainable.count)
        var offset = 0
        for (i, p) in trainable.enumerated() {
            if let g = p.grad {
                let values = g.scalars
                for k in 0..<values.count { flat[offset + k] = values[k] }
                flat[total + i] = 1
            }
            offset += p.count
        }
        try flat.withUnsafeMutableBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                let end = Swift.min(start + bucketElements, buffer.count)
                try context.allReduceSum(UnsafeMutableBufferPointer(rebasing: buffer[start..<end]))
                start = end
            }
        }
        offset = 0
        for (i, p) in trainable.enumerated() {
            if flat[total + i] > 0 {
                let g = Tensor(shape: p.shape, data: Array(flat[offset ..< offset + p.count]))
                p.grad = p.dtype == .float32 ? g : g.to(p.dtype)
            }
            offset += p.count
        }
    }
}

/// Batch-norm running statistics under data parallelism: every share starts from the same buffers,
/// updates them with its own batch statistics, and the step ends with the running mean and variance
/// averaged over all shares (PyTorch DDP without SyncBatchNorm also computes batch statistics per rank;
/// averaging the running buffers, instead of broadcasting rank 0's, uses every share). Since the
/// running-mean update is linear in the batch mean, the averaged running mean equals the one a single
/// pass over the whole batch would give when the shares are equal; the running variance misses the
/// spread between the shares' means. Other buffers (`num_batches_tracked`) advance identically in
/// every share and keep the last share's value.
struct RunningStatisticsAverage {
    let buffers: [Tensor]
    /// Which of ``buffers`` are averaged (`running_mean`, `running_var`).
    let averaged: [Bool]
    let start: [[Double]]
    var sum: [[Double]]

    /// The buffers of `module`, with their values now.
    init(_ module: Module) {
        let named = module.namedBuffers()
        buffers = named.map(\.tensor)
        averaged = named.map { $0.name.hasSuffix("running_mean") || $0.name.hasSuffix("running_var") }
        start = buffers.map(\.doubles)
        sum = zip(buffers, averaged).map { [Double](repeating: 0, count: $1 ? $0.count : 0) }
    }

    /// Before each share: back to the values at the start of the step.
    func beginShare() {
        for (t, v) in zip(buffers, start) { t.assign(Tensor(shape: t.shape, scalars: v)) }
    }

    /// After each share's forward pass: adds its updated running statistics.
    mutating func endShare() {
        for (i, t) in buffers.enumerated() where averaged[i] {
            let v = t.doubles
            for k in 0..<v.count { sum[i][k] += v[k] }
        }
    }

    /// Sets every running mean and variance to its mean over all `shareCount` shares of all ranks.
    func finish(context: DataParallelContext, shareCount: Int) throws {
        guard averaged.contains(true) else { return }
        let flat = try context.allReduceSum(sum.flatMap { $0 })
        var offset = 0
        for (i, t) in buffers.enumerated() where averaged[i] {
            let mean = flat[offset ..< offset + t.count].map { $0 / Double(shareCount) }
            t.assign(Tensor(shape: t.shape, scalars: mean))
            offset += t.count
        }
    }
}

/// Module state kept equal across ranks.
enum ModuleStateBroadcast {
    /// Overwrites every parameter and buffer of `module` with rank 0's (in sorted name order).
    static func fromRoot(_ module: Module, context: DataParallelContext) throws {
        guard context.size > 1 else { return }
        let state = module.stateDict()
        try withNoGrad {
            for name in state.keys.sorted() {
                guard let t = state[name] else { continue }
                switch t.dtype {
                case .float32: try t.withUnsafeMutableBuffer(Float.self) { try context.broadcastFromRoot(UnsafeMutableRawBufferPointer($0)) }
                case .float64: try t.withUnsafeMutableBuffer(Double.self) { try context.broadcastFromRoot(UnsafeMutableRawBufferPointer($0)) }
                }
            }
        }
    }

    /// Gives rank `r > 0` its own dropout streams, derived from `seed`, the rank, the layer and `position`
    /// (epoch or update at which the run (re)started); rank 0 keeps the model's, so a 1-rank run is the
    /// one-process run.
    static func deriveDropoutStreams(_ module: Module, seed: UInt64, rank: Int, position: Int) {
        guard rank > 0 else { return }
        let dropouts = module.namedModules().compactMap { $0.module as? Dropout }
        for (i, d) in dropouts.enumerated() {
            d.generator = RandomGenerator(seed: seed ^ (0xD0_0000 &+ UInt64(rank) &* 0x9E37_79B9_7F4A_7C15
                                                        &+ UInt64(i) &* 0xBF58_476D_1CE4_E5B9 &+ UInt64(position)))
        }
    }
}
