/// Direct 2-D cross-correlation without an im2col matrix, for float32 with row stride 1, column stride 1 or 2,
/// dilation 1 and zero padding of at most `kernel − 1` on each side (STRFNet's 3 × 3 convolutions with padding 1).
///
/// With few input channels (STRFNet's 1 → 16 or 1 → 64 first layer: 9 multiply-adds per output), im2col writes
/// nine copies of the input to multiply them once; here each image is copied once into a zero-padded buffer
/// `[inChannels, paddedHeight, rowStride]` (`paddedHeight = height + padTop + padBottom`, the image at row `padTop`,
/// column `padLeft`), every tap of every output column reads inside it, and padding reads zeros. With column stride
/// `s` each padded row is stored as `s` phases of ``Plan/phaseLength`` values (column `c` at `(c mod s)·phaseLength +
/// c / s`), so that tap `kw` of 32 neighbouring output columns is 32 neighbouring values (``Plan/tapOffsets``).
///
/// - forward: `y = W ⋆ x + b`, by ``DirectConv2dTile`` (8 channels × 32 columns of an output row at a time); each
///   output is its bias plus the taps summed in the order `(ci, kh, kw)`;
/// - input gradient, stride 1: `dx = W̃ ⋆ dy`, the same forward on `dy` padded by `kernel − 1 − pad`, where
///   `W̃[ci, co, kh, kw] = W[co, ci, KH − 1 − kh, KW − 1 − kw]`; column stride 2: one such stride-1 forward per column
///   phase of `dx`, with the taps that reach that phase (both ``InputGradient``);
/// - weight gradient: `dW[co, ci, kh, kw] = Σ_{n, y, x} dy[n, co, y, x] · xpad[n, ci, y + kh, s·x + kw]`, 16 columns at
///   a time (``DirectConv2dWeightTile`` for 3-wide kernels); each worker sums its images into its own partial, and the
///   partials are added in the order of their images, so a result does not depend on thread timing.
///
/// Same results as the im2col path to float rounding (sums in another order).
enum DirectConv2d {
    /// Output channels per tile.
    static let channelBlock = 8

    /// Buffer sizes and strides of one geometry.
    struct Plan {
        let g: ConvGeometry
        /// Pairs of 16-column chunks per output row (the tile computes 32 columns).
        let columnPairs: Int
        /// 16-column chunks that hold output columns (`⌈outW / 16⌉`).
        let columnChunks: Int
        let paddedHeight: Int
        /// Values per phase of a padded row: `32·columnPairs + (kernelW − 1) / strideW`, what the last tile reads.
        let phaseLength: Int
        /// `strideW · phaseLength`.
        let rowStride: Int
        /// Where tap `kw` of output column 0 sits in a padded row: `(kw mod strideW)·phaseLength + kw / strideW`.
        let tapOffsets: [Int]
        /// Output channels rounded up to whole tiles.
        let blockedOutChannels: Int
        let taps: Int

        init(_ g: ConvGeometry) {
            self.g = g
            columnPairs = (g.outW + 31) / 32
            columnChunks = (g.outW + 15) / 16
            paddedHeight = g.height + g.padTop + g.padBottom
            phaseLength = 32 * columnPairs + (g.kernelW - 1) / g.strideW
            rowStride = g.strideW * phaseLength
            let phase = phaseLength
            tapOffsets = (0..<g.kernelW).map { kw in (kw % g.strideW) * phase + kw / g.strideW }
            blockedOutChannels = (g.outChannels + channelBlock - 1) / channelBlock * channelBlock
            taps = g.inChannels * g.kernelH * g.kernelW
        }

        var paddedImageCount: Int { g.inChannels * paddedHeight * rowStride }
        /// Values of one input image `[inChannels, height, width]`.
        var imageCount: Int { g.inChannels * g.height * g.width }
        /// Values of one output image `[outChannels, outH, outW]`.
        var outputImageCount: Int { g.outChannels * g.outH * g.outW }
        var packedWeightCount: Int { blockedOutChannels * taps }
        /// Row stride of a padded gradient image `[blockedOutChannels, outH, 32·columnPairs]`.
        var gradientRowStride: Int { 32 * columnPairs }

        /// Copies image `[inChannels, height, width]` into the interior of `padded` (``paddedImageCount``), with
        /// column stride 2 by phases (columns no output reads are left out). Nothing else is written: every image
        /// fills the same positions, so a buffer zeroed once (as ``run(input:output:weight:bias:)`` and the weight
        /// gradient zero theirs when they take it) keeps its zero border for all the images padded into it.
        func pad(_ image: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>) {
            let s = g.strideW, read = g.strideW * (g.outW - 1) + g.kernelW
            let used = Swift.min(g.width, read - g.padLeft)
            for c in 0..<g.inChannels {
                let channel = padded + (c * paddedHeight + g.padTop) * rowStride
                for r in 0..<g.height {
                    let src = image + (c * g.height + r) * g.width
                    let dst = channel + r * rowStride
                    if s == 1 {
                        Lanes16.copy(src, to: dst + g.padLeft, count: g.width)
                        continue
                    }
                    for phase in 0..<s {
                        // The first image column x with (x + padLeft) mod s == phase, then every s-th.
                        var x = ((phase - g.padLeft) % s + s) % s
                        var d = dst + phase * phaseLength + (x + g.padLeft) / s
                        while x < used {
                            d.pointee = src[x]
                            x += s
                            d += 1
                        }
                    }
                }
            }
        }

        /// Packs `weight(co, ci, kh, kw)` for ``DirectConv2dTile``: `[block][ci][kh][kw][8]`, zeros past `outChannels`.
        func packWeights(into packed: UnsafeMutablePointer<Float>, _ weight: (Int, Int, Int, Int) -> Float) {
            var p = packed
            for block in stride(from: 0, to: blockedOutChannels, by: channelBlock) {
                for ci in 0..<g.inChannels {
                    for kh in 0..<g.kernelH {
                        for kw in 0..<g.kernelW {
                            for j in 0..<channelBlock {
                                let co = block + j
                                p[j] = co < g.outChannels ? weight(co, ci, kh, kw) : 0
                            }
                            p += channelBlock
                        }
                    }
                }
            }
        }

        /// The forward over a batch: `input` `[batch, inChannels, height, width]` → `output`
        /// `[batch, outChannels, outH, outW]`, with `weight(co, ci, kh, kw)` and `bias(co)`; images split between
        /// workers, each padding its images into its own buffer. With `negativeSlope`, each output row is stored
        /// through LeakyReLU (`v < 0 ? slope·v : v`): the inference epilogue of ``Tensor/conv2dInference``.
        func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                 weight: (Int, Int, Int, Int) -> Float, bias: (Int) -> Float, negativeSlope: Float? = nil) {
            let imageSize = imageCount, outSize = outputImageCount
            StoragePool.withWorkspace(Float.self, count: packedWeightCount + blockedOutChannels) { packed in
                packWeights(into: packed, weight)
                let packedBias = packed + packedWeightCount
                for j in 0..<blockedOutChannels { packedBias[j] = j < g.outChannels ? bias(j) : 0 }
                Parallel.forRanges(g.batch, costPerItem: outSize * taps) { images in
                    StoragePool.withWorkspace(Float.self, count: paddedImageCount) { padded in
                        padded.update(repeating: 0, count: paddedImageCount)
                        for i in images {
                            pad(input + i * imageSize, into: padded)
                            forward(padded: padded, packed: packed, bias: packedBias, out: output + i * outSize,
                                    negativeSlope: negativeSlope)
                        }
                    }
                }
            }
        }

        /// One image's output `[outChannels, outH, outW]` from its padded input (through LeakyReLU with `negativeSlope`).
        func forward(padded: UnsafePointer<Float>, packed: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                     out: UnsafeMutablePointer<Float>, negativeSlope: Float? = nil) {
            let slope = SIMD16<Float>(repeating: negativeSlope ?? 1)
            let ow = g.outW, oh = g.outH, cout = g.outChannels
            tapOffsets.withUnsafeBufferPointer { offsets in
            guard let offsets = offsets.baseAddress else { return }
            for block in stride(from: 0, to: blockedOutChannels, by: channelBlock) {
                let weights = packed + block * taps
                for y in 0..<oh {
                    for pair in 0..<columnPairs {
                        let x0 = 32 * pair, n = Swift.min(32, ow - x0)
                        DirectConv2dTile.run(input: padded + y * rowStride + x0, inChannels: g.inChannels,
                                             kernelH: g.kernelH, kernelW: g.kernelW, paddedHeight: paddedHeight,
                                             rowStride: rowStride, tapOffsets: offsets, weights: weights,
                                             bias: bias + block) { j, tileLo, tileHi in
                            let co = block + j
                            guard co < cout else { return }
                            var lo = tileLo, hi = tileHi
                            if negativeSlope != nil {
                                lo.replace(with: lo * slope, where: lo .< 0)
                                hi.replace(with: hi * slope, where: hi .< 0)
                            }
                            let dst = UnsafeMutableRawPointer(out + (co * oh + y) * ow + x0)
                            if n == 32 {
                                dst.storeBytes(of: lo, as: SIMD16<Float>.self)
                                (dst + 64).storeBytes(of: hi, as: SIMD16<Float>.self)
                            } else {
                                let d = dst.assumingMemoryBound(to: Float.self)
                                for i in 0..<Swift.min(16, n) { d[i] = lo[i] }
                                if n > 16 { for i in 16..<n { d[i] = hi[i - 16] } }
                            }
                        }
                    }
                }
            }
            }
        }

        /// Adds one image's weight gradient to `gradient` `[blockedOutChannels, inChannels, KH, KW]`, from its padded
        /// input and its padded output gradient `[blockedOutChannels, outH, gradientRowStride]`.
        func addWeightGradient(padded: UnsafePointer<Float>, paddedGradient dy: UnsafePointer<Float>,
                               into gradient: UnsafeMutablePointer<Float>) {
            let oh = g.outH, kh = g.kernelH, kw = g.kernelW, cin = g.inChannels
            let channelStride = oh * gradientRowStride
            tapOffsets.withUnsafeBufferPointer { offsetBuffer in
            guard let offsets = offsetBuffer.baseAddress else { return }
            for block in stride(from: 0, to: blockedOutChannels, by: channelBlock) {
                for ci in 0..<cin {
                    for r in 0..<kh {
                        let input = padded + (ci * paddedHeight + r) * rowStride
                        let out = gradient + block * taps + (ci * kh + r) * kw
                        if kw == 3 {
                            DirectConv2dWeightTile.run(dy: dy + block * channelStride, channelStride: channelStride,
                                                       dyStride: gradientRowStride, input: input, rowStride: rowStride,
                                                       tapOffsets: offsets, rows: oh, chunks: columnChunks, gradient: out,
                                                       rowOfChannel: taps)
                            continue
                        }
                        for j in 0..<channelBlock {
                            let d = dy + (block + j) * channelStride
                            for c in 0..<kw {
                                var sum = SIMD16<Float>()
                                for y in 0..<oh {
                                    let dr = d + y * gradientRowStride, xr = input + y * rowStride + offsets[c]
                                    for chunk in 0..<columnChunks {
                                        let o = 16 * chunk
                                        sum = sum.addingProduct(Lanes16.load(dr + o), Lanes16.load(xr + o))
                                    }
                                }
                                out[j * taps + c] += sum.sum()
                            }
                        }
                    }
                }
            }
            }
        }

        /// Copies one image's output gradient `[outChannels, outH, outW]` into `padded`
        /// `[blockedOutChannels, outH, gradientRowStride]`; the rest of `padded` is left as it is (zero when the
        /// buffer was cleared once, as for ``pad(_:into:)``).
        func padGradient(_ dy: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>) {
            let ow = g.outW, oh = g.outH, stride = gradientRowStride
            for row in 0..<g.outChannels * oh {
                Lanes16.copy(dy + row * ow, to: padded + row * stride, count: ow)
            }
        }
    }
}
