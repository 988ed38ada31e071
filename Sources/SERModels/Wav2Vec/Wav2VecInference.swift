import Foundation
import SERTensor

/// Float32 inference for ``Wav2VecModel`` without autograd.
///
/// Per block: the convolution is an im2col (`cols [Cin·K, n·Tout]` for `n` utterances side by side, with the
/// aggregator's causal left padding — replicated or zero — written directly; strided encoder layers first split
/// their input into stride phases so that every column row is a contiguous copy; skipped for 1×1 stride-1
/// convolutions, whose input already is the GEMM operand) and one GEMM `Y [Cout, n·Tout] = W [Cout, Cin·K] · cols`;
/// then one fused epilogue adds the bias, applies the one-group group norm per utterance (statistics in double
/// precision), the affine, ReLU, the residual connection and its scale, and the log compression after the last
/// encoder block, writing to the block's destination (in place, or straight into z or c).
///
/// The encoder runs one utterance at a time (its first layers are long: 512 × 9,599 frames for 3 s); the
/// aggregator runs on chunks of utterances laid out channel-major (`[C, n·T]`), so that its GEMMs are wide.
/// Working memory is bounded by `columnBudget` (and one utterance's encoder activations) whatever the batch size.
struct Wav2VecInference {
    let model: Wav2VecModel
    /// Bytes of im2col columns the aggregator may use for one chunk of utterances.
    var columnBudget = 96 << 20

    /// One convolution block as raw operands.
    private struct Block {
        var cin, cout, kernel, stride, padLeft: Int
        var zeroPad: Bool
        var weight: UnsafePointer<Float>
        var bias: UnsafePointer<Float>?
        var gamma: UnsafePointer<Float>?
        var beta: UnsafePointer<Float>?
        var eps: Double
        var residual: Residual
        /// √residualScale, applied after adding the residual.
        var residualScale: Float
        var logCompression: Bool

        /// The encoder's residual is the input subsampled in time; the aggregator's the input or its 1×1 projection.
        enum Residual { case none, identity, projection(UnsafePointer<Float>) }

        func outputLength(_ tin: Int) -> Int { (tin + padLeft - kernel) / stride + 1 }
        var needsIm2col: Bool { !(kernel == 1 && stride == 1 && padLeft == 0) }
        /// Strided unpadded convolutions gather their columns from the input split into `stride` phases.
        var usesPhases: Bool { stride > 1 && padLeft == 0 }
        /// Frames per phase: `⌈tin / stride⌉`.
        func phaseLength(_ tin: Int) -> Int { (tin + stride - 1) / stride }
    }

    /// `n` utterances of `[channels, T]` with unit time stride: utterance `i`, channel `c` starts at
    /// `base + i·utteranceStride + c·channelStride`.
    private struct View {
        var base: UnsafeMutablePointer<Float>
        var utteranceStride: Int
        var channelStride: Int

        func row(_ i: Int, _ c: Int) -> UnsafeMutablePointer<Float> { base + i * utteranceStride + c * channelStride }
    }

    func features(_ wav: Tensor) -> (z: Tensor, c: Tensor) {
        let config = model.config
        let batch = wav.shape[0], samples = wav.shape[1]
        let params = model.parameters()  // keeps the weights alive while their pointers are used
        let (encoder, aggregator) = blocks()

        // Lengths.
        var t = samples
        var encoderLengths = [t]
        for b in encoder { t = b.outputLength(t); encoderLengths.append(t) }
        var aggregatorLengths = [t]
        for b in aggregator { t = b.outputLength(t); aggregatorLengths.append(t) }
        let frames = encoderLengths[encoder.count], contextFrames = t
        let zc = config.featureChannels, cc = config.contextChannels
        let z = Tensor(storage: TensorStorage(dtype: .float32, count: batch * zc * frames, zeroed: false), shape: [batch, zc, frames])
        let c = Tensor(storage: TensorStorage(dtype: .float32, count: batch * cc * contextFrames, zeroed: false),
                       shape: [batch, cc, contextFrames])
        let pz = z.storage.pointer(Float.self), pc = c.storage.pointer(Float.self)
        let pw = wav.storage.pointer(Float.self)

        withExtendedLifetime(params) {
            // Encoder, one utterance at a time.
            var buffers = Buffers(blocks: encoder, lengths: encoderLengths, utterances: 1)
            for n in 0..<batch {
                var input = View(base: pw + n * samples, utteranceStride: samples, channelStride: samples)
                for (i, b) in encoder.enumerated() {
                    let last = i == encoder.count - 1
                    let y = buffers.next(avoiding: input.base)
                    let dest = last ? View(base: pz + n * zc * frames, utteranceStride: zc * frames, channelStride: frames)
                                    : View(base: y, utteranceStride: encoderLengths[i + 1], channelStride: encoderLengths[i + 1])
                    Wav2VecInference.run(b, input: input, utterances: 1, tin: encoderLengths[i], tout: encoderLengths[i + 1],
                                         y: y, destination: dest, buffers: buffers)
                    input = dest
                }
            }
            buffers.release()

            // Aggregator, on chunks of utterances.
            guard !aggregator.isEmpty else {
                pc.update(from: pz, count: batch * zc * frames)
                return
            }
            var perUtterance = 1
            for (i, b) in aggregator.enumerated() { perUtterance = max(perUtterance, b.cin * b.kernel * aggregatorLengths[i + 1]) }
            let chunk = max(1, min(batch, columnBudget / (4 * perUtterance)))
            buffers = Buffers(blocks: aggregator, lengths: aggregatorLengths, utterances: chunk)
            defer { buffers.release() }
            var n0 = 0
            while n0 < batch {
                let nb = min(chunk, batch - n0)
                var input = View(base: pz + n0 * zc * frames, utteranceStride: zc * frames, channelStride: frames)
                for (i, b) in aggregator.enumerated() {
                    let tout = aggregatorLengths[i + 1]
                    let y = buffers.next(avoiding: input.base)
                    let dest = i == aggregator.count - 1
                        ? View(base: pc + n0 * cc * contextFrames, utteranceStride: cc * contextFrames, channelStride: contextFrames)
                        : View(base: y, utteranceStride: tout, channelStride: nb * tout)
                    Wav2VecInference.run(b, input: input, utterances: nb, tin: aggregatorLengths[i], tout: tout,
                                         y: y, destination: dest, buffers: buffers)
                    input = dest
                }
                n0 += nb
            }
        }
        return (z, c)
    }

    /// The model's blocks as raw operands: encoder, then aggregator.
    private func blocks() -> (encoder: [Block], aggregator: [Block]) {
        let config = model.config, fe = model.featureExtractor, agg = model.featureAggregator
        func pointer(_ t: Tensor?) -> UnsafePointer<Float>? { t.map { UnsafePointer($0.storage.pointer(Float.self)) } }
        let scale = Float(config.residualScale.squareRoot())
        var encoder: [Block] = [], aggregator: [Block] = []
        var cin = 1
        for (i, l) in config.featureExtractorLayers.enumerated() {
            let norm = fe.norms[i]
            encoder.append(Block(cin: cin, cout: l.channels, kernel: l.kernelSize, stride: l.stride, padLeft: 0, zeroPad: true,
                                 weight: UnsafePointer(fe.convs[i].weight.storage.pointer(Float.self)), bias: nil,
                                 gamma: pointer(norm.weight), beta: pointer(norm.bias), eps: norm.eps,
                                 residual: config.featureExtractorSkipConnections && cin == l.channels ? .identity : .none,
                                 residualScale: scale,
                                 logCompression: config.logCompression && i == config.featureExtractorLayers.count - 1))
            cin = l.channels
        }
        for (i, l) in config.aggregatorLayers.enumerated() {
            let norm = agg.norms[i]
            var residual = Block.Residual.none
            if config.aggregatorSkipConnections {
                residual = agg.projections[i].map { .projection(UnsafePointer($0.weight.storage.pointer(Float.self))) } ?? .identity
            }
            aggregator.append(Block(cin: cin, cout: l.channels, kernel: l.kernelSize, stride: l.stride, padLeft: l.kernelSize - 1,
                                    zeroPad: config.aggregatorZeroPadding,
                                    weight: UnsafePointer(agg.convs[i].weight.storage.pointer(Float.self)),
                                    bias: pointer(agg.convs[i].bias), gamma: pointer(norm.weight), beta: pointer(norm.bias),
                                    eps: norm.eps, residual: residual, residualScale: scale, logCompression: false))
            cin = l.channels
        }
        return (encoder, aggregator)
    }

    /// Scratch memory for a chain of blocks on `utterances` utterances: two GEMM outputs used alternately,
    /// the projected residual and the im2col columns. The memory comes from SERTensor's buffer pool
    /// (``TensorStorage``), so a second call reuses the first call's pages instead of faulting in fresh ones.
    private struct Buffers {
        let ping, pong, projected, cols, phases: UnsafeMutablePointer<Float>
        /// The pooled storage behind the five pointers; returned to the pool when released.
        private let storages: [TensorStorage]

        init(blocks: [Block], lengths: [Int], utterances n: Int) {
            var activation = 1, columns = 1, phaseSize = 1
            for (i, b) in blocks.enumerated() {
                activation = max(activation, n * b.cout * lengths[i + 1])
                if b.needsIm2col { columns = max(columns, n * b.cin * b.kernel * lengths[i + 1]) }
                if b.usesPhases { phaseSize = max(phaseSize, n * b.cin * b.stride * b.phaseLength(lengths[i])) }
            }
            storages = [activation, activation, activation, columns, phaseSize].map {
                TensorStorage(dtype: .float32, count: $0, zeroed: false)
            }
            (ping, pong, projected) = (storages[0].pointer(Float.self), storages[1].pointer(Float.self),
                                       storages[2].pointer(Float.self))
            (cols, phases) = (storages[3].pointer(Float.self), storages[4].pointer(Float.self))
        }

        /// A GEMM output buffer that is not `input`.
        func next(avoiding input: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> { input == ping ? pong : ping }

        /// Marks the end of the pointers' use: the storage stays alive until here.
        func release() { withExtendedLifetime(storages) {} }
    }

    // MARK: One block

    private static func run(_ b: Block, input x: View, utterances nb: Int, tin: Int, tout: Int,
                            y: UnsafeMutablePointer<Float>, destination: View, buffers: Buffers) {
        let rows = b.cin * b.kernel, ld = nb * tout
        let cols = buffers.cols, projected = buffers.projected
        if b.usesPhases {
            im2colByPhases(x, utterances: nb, cin: b.cin, tin: tin, kernel: b.kernel, stride: b.stride, tout: tout,
                           phases: buffers.phases, cols: cols)
            Float.gemm(transA: false, transB: false, m: b.cout, n: ld, k: rows, alpha: 1, a: b.weight, lda: rows,
                       b: cols, ldb: ld, beta: 0, c: y, ldc: ld)
        } else if b.needsIm2col {
            im2col(x, utterances: nb, cin: b.cin, tin: tin, kernel: b.kernel, stride: b.stride, padLeft: b.padLeft,
                   zeroPad: b.zeroPad, tout: tout, cols: cols)
            Float.gemm(transA: false, transB: false, m: b.cout, n: ld, k: rows, alpha: 1, a: b.weight, lda: rows,
                       b: cols, ldb: ld, beta: 0, c: y, ldc: ld)
        } else {
            multiplyPerUtterance(b.weight, cout: b.cout, cin: b.cin, x, utterances: nb, t: tout, into: y)
        }
        var residual: View? = nil
        var step = 1
        switch b.residual {
        case .none: break
        case .identity:
            residual = x
            step = tin / tout
        case .projection(let w):
            multiplyPerUtterance(w, cout: b.cout, cin: b.cin, x, utterances: nb, t: tout, into: projected)
            residual = View(base: projected, utteranceStride: tout, channelStride: ld)
        }
        epilogue(b, y, utterances: nb, t: tout, destination: destination, residual: residual, residualStep: step)
    }

    /// `out [cout, n·t] = W [cout, cin] · x` for each utterance (x's time stride is 1), one GEMM when x is
    /// already channel-major and contiguous.
    private static func multiplyPerUtterance(_ w: UnsafePointer<Float>, cout: Int, cin: Int, _ x: View, utterances nb: Int,
                                             t: Int, into out: UnsafeMutablePointer<Float>) {
        if x.utteranceStride == t && x.channelStride == nb * t {
            Float.gemm(transA: false, transB: false, m: cout, n: nb * t, k: cin, alpha: 1, a: w, lda: cin,
                       b: x.base, ldb: nb * t, beta: 0, c: out, ldc: nb * t)
            return
        }
        for i in 0..<nb {
            Float.gemm(transA: false, transB: false, m: cout, n: t, k: cin, alpha: 1, a: w, lda: cin,
                       b: x.base + i * x.utteranceStride, ldb: x.channelStride, beta: 0, c: out + i * t, ldc: nb * t)
        }
    }

    /// `cols[(c·K + j), i·tout + t] = x_i[c, t·stride + j − padLeft]`, where negative positions read 0 (`zeroPad`)
    /// or `x_i[c, 0]`.
    private static func im2col(_ x: View, utterances nb: Int, cin: Int, tin: Int, kernel: Int, stride: Int, padLeft: Int,
                               zeroPad: Bool, tout: Int, cols: UnsafeMutablePointer<Float>) {
        let ld = nb * tout
        Parallel.forRanges(cin, costPerItem: kernel * ld) { range in
            for c in range {
                for i in 0..<nb {
                    let src = x.row(i, c)
                    for j in 0..<kernel {
                        let row = cols + (c * kernel + j) * ld + i * tout
                        let first = padLeft > j ? min(tout, (padLeft - j + stride - 1) / stride) : 0
                        if first > 0 { row.update(repeating: zeroPad ? 0 : src[0], count: first) }
                        if stride == 1 {
                            (row + first).update(from: src + (first + j - padLeft), count: tout - first)
                        } else {
                            var s = first * stride + j - padLeft
                            for t in first..<tout { row[t] = src[s]; s += stride }
                        }
                    }
                }
            }
        }
    }

    /// The columns of a strided, unpadded convolution without strided reads: each input row is first split into
    /// its `stride` phases, `p[c, r, u] = x[c, u·stride + r]` (one pass), after which the column row of tap
    /// `j = q·stride + r` is the contiguous run `p[c, r, q ..< q + tout]`.
    private static func im2colByPhases(_ x: View, utterances nb: Int, cin: Int, tin: Int, kernel: Int, stride s: Int,
                                       tout: Int, phases: UnsafeMutablePointer<Float>, cols: UnsafeMutablePointer<Float>) {
        let ld = nb * tout, tq = (tin + s - 1) / s
        Parallel.forRanges(cin, costPerItem: nb * (tin + kernel * tout)) { range in
            for c in range {
                for i in 0..<nb {
                    let src = x.row(i, c), p = phases + (i * cin + c) * s * tq
                    let full = tin / s
                    switch s {
                    case 2:
                        for u in 0..<full { p[u] = src[2 * u]; p[tq + u] = src[2 * u + 1] }
                    case 4:
                        for u in 0..<full {
                            p[u] = src[4 * u]; p[tq + u] = src[4 * u + 1]
                            p[2 * tq + u] = src[4 * u + 2]; p[3 * tq + u] = src[4 * u + 3]
                        }
                    default:
                        for u in 0..<full { for r in 0..<s { p[r * tq + u] = src[u * s + r] } }
                    }
                    for r in 0..<(tin - full * s) { p[r * tq + full] = src[full * s + r] }  // a partial last group
                    for j in 0..<kernel {
                        let q = j / s, r = j % s
                        (cols + (c * kernel + j) * ld + i * tout).update(from: p + r * tq + q, count: tout)
                    }
                }
            }
        }
    }

    /// `dest_i[c, t] = post(act(a_ic · y[c, i·t + t] + d_ic))` with the group norm of utterance i (over all its
    /// channels and frames, bias included) and the affine folded into `a_ic, d_ic`, `act` = ReLU, and `post` adding
    /// `residual_i[c, t·step]`, scaling by √residualScale and applying `log(1 + |·|)` as configured.
    private static func epilogue(_ b: Block, _ y: UnsafeMutablePointer<Float>, utterances nb: Int, t: Int, destination: View,
                                 residual: View?, residualStep: Int) {
        let cout = b.cout, ld = nb * t
        // Per (utterance, channel) sums of y and y² (before the bias), in double.
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: 2 * nb * cout)
        let scaleShift = UnsafeMutablePointer<Float>.allocate(capacity: 2 * nb * cout)
        defer { sums.deallocate(); scaleShift.deallocate() }
        Parallel.forRanges(cout, costPerItem: ld) { range in
            for ch in range {
                for i in 0..<nb {
                    let (s, q) = channelSums(y + ch * ld + i * t, t)
                    sums[2 * (i * cout + ch)] = s
                    sums[2 * (i * cout + ch) + 1] = q
                }
            }
        }
        let n = Double(cout * t)
        for i in 0..<nb {
            var total = 0.0, totalSq = 0.0
            for ch in 0..<cout {
                let bias = Double(b.bias?[ch] ?? 0), s = sums[2 * (i * cout + ch)], q = sums[2 * (i * cout + ch) + 1]
                total += s + Double(t) * bias
                totalSq += q + 2 * bias * s + Double(t) * bias * bias
            }
            let mean = total / n
            let rstd = 1 / (max(totalSq / n - mean * mean, 0) + b.eps).squareRoot()
            for ch in 0..<cout {
                let g = Double(b.gamma?[ch] ?? 1), beta = Double(b.beta?[ch] ?? 0), bias = Double(b.bias?[ch] ?? 0)
                scaleShift[2 * (i * cout + ch)] = Float(rstd * g)
                scaleShift[2 * (i * cout + ch) + 1] = Float((bias - mean) * rstd * g + beta)
            }
        }
        let residualScale = b.residualScale, logCompression = b.logCompression
        Parallel.forRanges(cout, costPerItem: ld) { range in
            for ch in range {
                for i in 0..<nb {
                    let src = y + ch * ld + i * t, dst = destination.row(i, ch)
                    let a = scaleShift[2 * (i * cout + ch)], d = scaleShift[2 * (i * cout + ch) + 1]
                    if let residual {
                        let r = residual.row(i, ch)
                        if residualStep == 1 {
                            for k in 0..<t { dst[k] = (max(a * src[k] + d, 0) + r[k]) * residualScale }
                        } else {
                            for k in 0..<t { dst[k] = (max(a * src[k] + d, 0) + r[k * residualStep]) * residualScale }
                        }
                    } else {
                        for k in 0..<t { dst[k] = max(a * src[k] + d, 0) }
                    }
                    if logCompression {
                        for k in 0..<t { dst[k] = log1pf(Swift.abs(dst[k])) }
                    }
                }
            }
        }
    }

    /// Σ x and Σ x² of `n` floats: float partial sums over blocks of 64 (8 SIMD lanes), each block added in double.
    @inline(__always)
    static func channelSums(_ p: UnsafePointer<Float>, _ n: Int) -> (Double, Double) {
        var sum = 0.0, sq = 0.0
        var i = 0
        while i + 64 <= n {
            var s = SIMD8<Float>(repeating: 0), q = SIMD8<Float>(repeating: 0)
            for k in stride(from: i, to: i + 64, by: 8) {
                let v = UnsafeRawPointer(p + k).loadUnaligned(as: SIMD8<Float>.self)
                s += v
                q += v * v
            }
            sum += Double(s.sum())
            sq += Double(q.sum())
            i += 64
        }
        while i < n {
            let v = Double(p[i])
            sum += v
            sq += v * v
            i += 1
        }
        return (sum, sq)
    }
}
