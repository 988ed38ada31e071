/// Fused batch normalisation over `[batch, channels, spatial…]`, with a hand-written backward.
///
/// Viewing the input as `[N, C, S]` (`S` = product of the trailing dimensions) and `M = N·S`:
/// - training: `μ_c = Σ x / M`, `σ²_c = Σ (x − μ_c)² / M` (biased), `x̂ = (x − μ_c)·r_c` with
///   `r_c = 1/√(σ²_c + ε)`; evaluation uses the running `μ`, `σ²` instead;
/// - `y = γ_c·x̂ + β_c`.
/// Backward (training): `dβ = Σ g`, `dγ = Σ g·x̂`, `dx = γ r / M · (M·g − Σ g − x̂·Σ g·x̂)`;
/// (evaluation): `dx = γ r g`. One pass computes the statistics, one writes `y`; backward takes two. float32 rows
/// are summed in 32 lanes (``LaneSums``), float64 rows one element after another; each row's sum is added in Double.
///
/// With a `negativeSlope` `a`, the output is LeakyReLU's, `z = γ_c·x̂ + β_c`, `y = z > 0 ? z : a·z`, written in the
/// same pass (no tensor for `z`); backward recomputes `z` from `x` (the same float32 expression as forward, so the
/// same sign) and runs the rules above on `g_z = z > 0 ? g : a·g` (PyTorch's LeakyReLU derivative, `a` at 0).
extension Tensor {
    /// `p` as a float32 pointer when `T` is `Float` (the rows ``LaneSums`` sums), else nil.
    @inline(__always)
    fileprivate static func float32<T: TensorScalar>(_ p: UnsafePointer<T>) -> UnsafePointer<Float>? {
        T.self == Float.self ? UnsafeRawPointer(p).assumingMemoryBound(to: Float.self) : nil
    }

    struct BatchNormStats { var mean: [Double]; var invStd: [Double] }

    /// Channel `ch`'s map `z = scale·x + shift` (`scale = γ r`, `shift = β − μ γ r`), as forward writes it and
    /// backward recomputes it.
    @inline(__always)
    fileprivate static func channelAffine(_ ch: Int, _ stats: BatchNormStats, gamma: [Double]?, beta: [Double]?)
        -> (scale: Double, shift: Double) {
        let scale = stats.invStd[ch] * (gamma?[ch] ?? 1)
        return (scale, (beta?[ch] ?? 0) - stats.mean[ch] * scale)
    }

    static func batchNormFused(_ x: Tensor, weight: Tensor?, bias: Tensor?, mean runningMean: Tensor?, variance runningVar: Tensor?,
                               useBatchStatistics: Bool, eps: Double, negativeSlope: Double? = nil) -> (Tensor, BatchNormStats) {
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
            let stats = BatchNormStats(mean: mean, invStd: invStd)
            Parallel.forRanges(n * c, costPerItem: s) { rows in
                for r in rows {
                    let affine = channelAffine(r % c, stats, gamma: gamma, beta: beta)
                    let scale = T(affine.scale), shift = T(affine.shift)
                    let src = px + r * s, dst = py + r * s
                    if let negativeSlope {
                        let slope = T(negativeSlope)
                        for i in 0..<s { let z = src[i] * scale + shift; dst[i] = z > 0 ? z : slope * z }
                    } else {
                        for i in 0..<s { dst[i] = src[i] * scale + shift }
                    }
                }
            }
        }
        switch x.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return (out, BatchNormStats(mean: mean, invStd: invStd))
    }

    /// Gradients `(dx, dγ, dβ)` of the fused batch norm (and LeakyReLU when `negativeSlope` is set; then `bias` is
    /// the forward's `β`).
    static func batchNormBackward(_ x: Tensor, _ g: Tensor, weight: Tensor?, bias: Tensor?, stats: BatchNormStats,
                                  usedBatchStatistics: Bool, negativeSlope: Double? = nil) -> (Tensor, [Double], [Double]) {
        let n = x.shape[0], c = x.shape[1], s = x.count / Swift.max(n * c, 1)
        let m = Double(n * s)
        var sumG = [Double](repeating: 0, count: c), sumGX = [Double](repeating: 0, count: c)
        let dx = Tensor.empty(x.shape, dtype: x.dtype)
        let gamma = weight?.doubles, beta = negativeSlope == nil ? nil : bias?.doubles
        func run<T: TensorScalar>(_: T.Type) {
            let px = x.storage.pointer(T.self), pg = g.storage.pointer(T.self), pdx = dx.storage.pointer(T.self)
            let slope = T(negativeSlope ?? 1)
            sumG.withUnsafeMutableBufferPointer { sg in
                sumGX.withUnsafeMutableBufferPointer { sgx in
                    Parallel.forRanges(c, costPerItem: n * s * 2) { channels in
                        for ch in channels {
                            let mu = T(stats.mean[ch]), r = T(stats.invStd[ch])
                            let affine = channelAffine(ch, stats, gamma: gamma, beta: beta)
                            let za = T(affine.scale), zb = T(affine.shift)
                            let leaky = negativeSlope.map {
                                LaneSums.LeakyMask(scale: Float(affine.scale), shift: Float(affine.shift), slope: Float($0))
                            }
                            var a = 0.0, b2 = 0.0
                            for b in 0..<n {
                                let xr = px + (b * c + ch) * s, gr = pg + (b * c + ch) * s
                                if let xf = float32(xr), let gf = float32(gr) {
                                    let (sumG, sumGX) = LaneSums.gradientSums(gf, xf, count: s, mean: Float(stats.mean[ch]),
                                                                             scale: Float(stats.invStd[ch]), leaky: leaky)
                                    a += Double(sumG); b2 += Double(sumGX)
                                    continue
                                }
                                var accG: T = 0, accGX: T = 0
                                for i in 0..<s {
                                    let gz = negativeSlope == nil || xr[i] * za + zb > 0 ? gr[i] : slope * gr[i]
                                    accG += gz; accGX += gz * (xr[i] - mu) * r
                                }
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
                    let affine = channelAffine(ch, stats, gamma: gamma, beta: beta)
                    let za = T(affine.scale), zb = T(affine.shift)
                    if usedBatchStatistics {
                        let k = T(gm * r / m), mu = T(stats.mean[ch]), tr = T(r)
                        let mg = T(m), sg = T(sumG[ch]), sgx = T(sumGX[ch])
                        if negativeSlope != nil {
                            for i in 0..<s {
                                let gz = xr[i] * za + zb > 0 ? gr[i] : slope * gr[i]
                                out[i] = k * (mg * gz - sg - (xr[i] - mu) * tr * sgx)
                            }
                        } else {
                            for i in 0..<s { out[i] = k * (mg * gr[i] - sg - (xr[i] - mu) * tr * sgx) }
                        }
                    } else if negativeSlope != nil {
                        let k = T(gm * r)
                        for i in 0..<s { out[i] = k * (xr[i] * za + zb > 0 ? gr[i] : slope * gr[i]) }
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
