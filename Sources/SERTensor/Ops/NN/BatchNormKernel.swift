/// Fused batch normalisation over `[batch, channels, spatial…]`, with a hand-written backward.
///
/// Viewing the input as `[N, C, S]` (`S` = product of the trailing dimensions) and `M = N·S`:
/// - training: `μ_c = Σ x / M`, `σ²_c = Σ (x − μ_c)² / M` (biased), `x̂ = (x − μ_c)·r_c` with
///   `r_c = 1/√(σ²_c + ε)`; evaluation uses the running `μ`, `σ²` instead;
/// - `y = γ_c·x̂ + β_c`.
/// Backward (training): `dβ = Σ g`, `dγ = Σ g·x̂`, `dx = γ r / M · (M·g − Σ g − x̂·Σ g·x̂)`;
/// (evaluation): `dx = γ r g`. One pass computes the statistics, one writes `y`; backward takes two. float32 rows
/// are summed in 32 lanes (``LaneSums``), float64 rows one element after another; each row's sum is added in Double.
extension Tensor {
    /// `p` as a float32 pointer when `T` is `Float` (the rows ``LaneSums`` sums), else nil.
    @inline(__always)
    fileprivate static func float32<T: TensorScalar>(_ p: UnsafePointer<T>) -> UnsafePointer<Float>? {
        T.self == Float.self ? UnsafeRawPointer(p).assumingMemoryBound(to: Float.self) : nil
    }

    struct BatchNormStats { var mean: [Double]; var invStd: [Double] }

    static func batchNormFused(_ x: Tensor, weight: Tensor?, bias: Tensor?, mean runningMean: Tensor?, variance runningVar: Tensor?,
                               useBatchStatistics: Bool, eps: Double) -> (Tensor, BatchNormStats) {
        let n = x.shape[0], c = x.shape[1], s = x.count / Swift.max(n * c, 1)
        let m = Double(n * s)
        var mean = [Double](repeating: 0, count: c), invStd = [Double](repeating: 0, count: c)
        let out = Tensor.empty(x.shape, dtype: x.dtype)
        func run<T: TensorScalar>(_: T.Type) {
            let px = x.storage.pointer(T.self), py = out.storage.pointer(T.self)
            let gamma = weight.map { $0.doubles }, beta = bias.map { $0.doubles }
            if useBatchStatistics {
                mean.withUnsafeMutableBufferPointer { mu in
                    invStd.withUnsafeMutableBufferPointer { rs in
                        Parallel.forRanges(c, costPerItem: n * s * 2) { channels in
                            for ch in channels {
                                var sum = 0.0
                                for b in 0..<n {
                                    let row = px + (b * c + ch) * s
                                    if let lanes = float32(row) { sum += Double(LaneSums.sum(lanes, count: s)); continue }
                                    var acc: T = 0
                                    for i in 0..<s { acc += row[i] }
                                    sum += Double(acc)
                                }
                                let mu_ = sum / m
                                var sq = 0.0
                                let tm = T(mu_)
                                for b in 0..<n {
                                    let row = px + (b * c + ch) * s
                                    if let lanes = float32(row) {
                                        sq += Double(LaneSums.squaredDeviations(lanes, count: s, from: Float(mu_)))
                                        continue
                                    }
                                    var acc: T = 0
                                    for i in 0..<s { let d = row[i] - tm; acc += d * d }
                                    sq += Double(acc)
                                }
                                mu[ch] = mu_
                                rs[ch] = 1 / (sq / m + eps).squareRoot()
                            }
                        }
                    }
                }
            } else {
                let rm = runningMean?.doubles ?? [Double](repeating: 0, count: c)
                let rv = runningVar?.doubles ?? [Double](repeating: 1, count: c)
                for ch in 0..<c { mean[ch] = rm[ch]; invStd[ch] = 1 / (rv[ch] + eps).squareRoot() }
            }
            Parallel.forRanges(n * c, costPerItem: s) { rows in
                for r in rows {
                    let ch = r % c
                    let scale = T(invStd[ch] * (gamma?[ch] ?? 1))
                    let shift = T((beta?[ch] ?? 0) - mean[ch] * invStd[ch] * (gamma?[ch] ?? 1))
                    let src = px + r * s, dst = py + r * s
                    for i in 0..<s { dst[i] = src[i] * scale + shift }
                }
            }
        }
        switch x.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return (out, BatchNormStats(mean: mean, invStd: invStd))
    }

    /// Gradients `(dx, dγ, dβ)` of the fused batch norm.
    static func batchNormBackward(_ x: Tensor, _ g: Tensor, weight: Tensor?, stats: BatchNormStats,
                                  usedBatchStatistics: Bool) -> (Tensor, [Double], [Double]) {
        let n = x.shape[0], c = x.shape[1], s = x.count / Swift.max(n * c, 1)
        let m = Double(n * s)
        var sumG = [Double](repeating: 0, count: c), sumGX = [Double](repeating: 0, count: c)
        let dx = Tensor.empty(x.shape, dtype: x.dtype)
        let gamma = weight?.doubles
        func run<T: TensorScalar>(_: T.Type) {
            let px = x.storage.pointer(T.self), pg = g.storage.pointer(T.self), pdx = dx.storage.pointer(T.self)
            sumG.withUnsafeMutableBufferPointer { sg in
                sumGX.withUnsafeMutableBufferPointer { sgx in
                    Parallel.forRanges(c, costPerItem: n * s * 2) { channels in
                        for ch in channels {
                            let mu = T(stats.mean[ch]), r = T(stats.invStd[ch])
                            var a = 0.0, b2 = 0.0
                            for b in 0..<n {
                                let xr = px + (b * c + ch) * s, gr = pg + (b * c + ch) * s
                                if let xf = float32(xr), let gf = float32(gr) {
                                    let (sumG, sumGX) = LaneSums.gradientSums(gf, xf, count: s, mean: Float(stats.mean[ch]),
                                                                             scale: Float(stats.invStd[ch]))
                                    a += Double(sumG); b2 += Double(sumGX)
                                    continue
                                }
                                var accG: T = 0, accGX: T = 0
                                for i in 0..<s { accG += gr[i]; accGX += gr[i] * (xr[i] - mu) * r }
                                a += Double(accG); b2 += Double(accGX)
                            }
                            sg[ch] = a; sgx[ch] = b2
                        }
                    }
                }
            }
            Parallel.forRanges(n * c, costPerItem: s) { rows in
                for row in rows {
                    let ch = row % c
                    let gm = gamma?[ch] ?? 1, r = stats.invStd[ch]
                    let xr = px + row * s, gr = pg + row * s, out = pdx + row * s
                    if usedBatchStatistics {
                        let k = T(gm * r / m), mu = T(stats.mean[ch]), tr = T(r)
                        let mg = T(m), sg = T(sumG[ch]), sgx = T(sumGX[ch])
                        for i in 0..<s { out[i] = k * (mg * gr[i] - sg - (xr[i] - mu) * tr * sgx) }
                    } else {
                        let k = T(gm * r)
                        for i in 0..<s { out[i] = k * gr[i] }
                    }
                }
            }
        }
        switch x.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return (dx, sumGX, sumG)
    }
}
