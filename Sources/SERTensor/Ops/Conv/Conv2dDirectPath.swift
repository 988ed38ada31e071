/// ``Tensor/conv2d(_:weight:bias:stride:padding:dilation:paddingMode:)`` on ``DirectConv2d``: float32 only, for the
/// geometries ``ConvGeometry/usesDirect(for:)`` accepts. Images are split between workers; each worker pads its images
/// into its own buffer.
extension Tensor {
    /// `out = x ⋆ w + b`, through LeakyReLU when `negativeSlope` is given (``conv2dInference``).
    static func conv2dForwardDirect(_ g: ConvGeometry, _ x: Tensor, _ w: Tensor, _ b: Tensor?, _ out: Tensor,
                                    negativeSlope: Float? = nil) {
        let pw = w.storage.pointer(Float.self), pb = b?.storage.pointer(Float.self)
        let (cin, kh, kw) = (g.inChannels, g.kernelH, g.kernelW)
        DirectConv2d.Plan(g).run(input: x.storage.pointer(Float.self), output: out.storage.pointer(Float.self),
                                 weight: { co, ci, r, c in pw[((co * cin + ci) * kh + r) * kw + c] },
                                 bias: { pb?[$0] ?? 0 }, negativeSlope: negativeSlope)
    }

    /// `[dx, dw]` (nil where the input needs no gradient).
    static func conv2dBackwardDirect(_ g: ConvGeometry, _ x: Tensor, _ w: Tensor, _ dy: Tensor) -> [Tensor?] {
        let plan = DirectConv2d.Plan(g)
        let px = x.storage.pointer(Float.self), pw = w.storage.pointer(Float.self), pdy = dy.storage.pointer(Float.self)
        let cout = g.outChannels
        let imageSize = plan.imageCount, outSize = plan.outputImageCount
        var dx: Tensor?, dw: Tensor?
        if x.requiresGrad {
            let input = Tensor.empty(x.shape, dtype: .float32)
            DirectConv2d.InputGradient(g).run(dy: pdy, weight: pw, into: input.storage.pointer(Float.self))
            dx = input
        }
        if w.requiresGrad {
            // One partial per image, added in image order: the sum does not depend on how images meet workers.
            let partialCount = plan.blockedOutChannels * plan.taps
            let weight = Tensor.zeros(w.shape, dtype: .float32), pdw = weight.storage.pointer(Float.self)
            StoragePool.withWorkspace(Float.self, count: g.batch * partialCount) { partials in
                Parallel.forRanges(g.batch, costPerItem: outSize * plan.taps) { images in
                    StoragePool.withWorkspace(Float.self, count: plan.paddedImageCount) { padded in
                    StoragePool.withWorkspace(Float.self, count: plan.blockedOutChannels * g.outH * plan.gradientRowStride) { paddedGradient in
                        // Zero borders, once: every image fills the same interior positions.
                        padded.update(repeating: 0, count: plan.paddedImageCount)
                        paddedGradient.update(repeating: 0, count: plan.blockedOutChannels * g.outH * plan.gradientRowStride)
                        for i in images {
                            let partial = partials + i * partialCount
                            partial.update(repeating: 0, count: partialCount)
                            plan.pad(px + i * imageSize, into: padded)
                            plan.padGradient(pdy + i * outSize, into: paddedGradient)
                            plan.addWeightGradient(padded: padded, paddedGradient: paddedGradient, into: partial)
                        }
                    }
                    }
                }
                let valid = cout * plan.taps
                for i in 0..<g.batch {
                    let partial = partials + i * partialCount
                    for j in 0..<valid { pdw[j] += partial[j] }
                }
            }
            dw = weight
        }
        return [dx, dw]
    }
}

/// The two passes of a convolution, which ``ConvGeometry/usesDirect(for:)`` routes separately.
enum ConvPass { case forward, backward }

extension ConvGeometry {
    /// Whether this pass of a float32 convolution of this geometry runs on ``DirectConv2d``: row stride 1, column
    /// stride 1 or 2, dilation 1, zero padding of at most `kernel − 1` per side, and either forced by
    /// ``ConvPathChoice/current`` or chosen by the measured rule (Docs/Performance.md): an AVX-512 build
    /// (``LaneGEMM/compiledForAVX512``; the 16-lane tiles are slow elsewhere), a 3 × 3 kernel (the weight-gradient
    /// tile's width; a 21 × 7 STRF bank measured 3.6 times slower in its backward, 1 × 1 shortcuts 1.9 times) and at
    /// most ``ConvPathChoice/maximumDirectForwardTaps`` or ``ConvPathChoice/maximumDirectBackwardTaps`` taps per
    /// output (`inChannels · 9`). The backward reads only `x`, `W` and `dy`, so the passes may take different paths.
    func usesDirect(for pass: ConvPass) -> Bool {
        guard strideH == 1, strideW == 1 || strideW == 2, dilationH == 1, dilationW == 1, mode == .zeros,
              padTop < kernelH, padBottom < kernelH, padLeft < kernelW, padRight < kernelW else { return false }
        switch ConvPathChoice.current.forced {
        case .direct?: return true
        case .batched?, .rowTiles?: return false
        case nil:
            let limit = pass == .forward ? ConvPathChoice.maximumDirectForwardTaps : ConvPathChoice.maximumDirectBackwardTaps
            return LaneGEMM.compiledForAVX512 && kernelH == 3 && kernelW == 3 && inChannels * kernelH * kernelW <= limit
        }
    }
}
