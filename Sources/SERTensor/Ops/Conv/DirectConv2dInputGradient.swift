/// The input gradient of a ``DirectConv2d`` geometry as stride-1 direct convolutions, one per column phase, without
/// an im2col matrix or col2im.
///
/// With column stride `s` the forward reads padded input column `X = s·j + kw` for output column `j`. So the padded
/// input columns of phase `p = X mod s`, `X = s·m + p`, receive gradient only through the taps `kw = p + s·t`
/// (`t = 0 ..< T_p`, `T_p = ⌈(KW − p) / s⌉`), from output column `j = m − t`:
///
///     dx[c, Y, s·m + p − padLeft] = Σ_{o, kh, t} W[o, c, kh, p + s·t] · dy[o, Y + padTop − kh, m − t]
///
/// which is a stride-1 correlation of `dy` with the kernel flipped in both axes, `KH × T_p` taps per input channel of
/// `dy`: the forward of a ``DirectConv2d/Plan`` with `dy` padded by `KH − 1 − padTop` rows on top (as the stride-1
/// input gradient) and by `T_p − 1 − m₀` columns on the left, `m₀` being the first `m` inside the image. Each phase
/// is computed into its own buffer and its columns are then interleaved into `dx`. Every `dx` value is the sum of its
/// `outChannels · KH · T_p` products in the order `(o, kh, t)`, reversed in `kh` and `t`.
///
/// With column stride 1 there is one phase with all `KW` taps, and its convolution is `dx = W̃ ⋆ dy` itself (`dy`
/// padded by `kernel − 1 − pad`, `W̃[ci, co, kh, kw] = W[co, ci, KH − 1 − kh, KW − 1 − kw]`), written straight into
/// `dx`.
extension DirectConv2d {
    /// One column phase of ``InputGradient``.
    struct InputGradientPhase {
        /// `X mod strideW` of the padded input columns this phase fills.
        let phase: Int
        /// Taps `kw = phase + strideW·t` that reach it (`T_p`).
        let taps: Int
        /// `m` of the first and how many input columns of the image are in this phase (`X = strideW·m + phase`).
        let firstColumn: Int, columns: Int
        /// The phase's output column that holds `firstColumn`.
        let firstOutputColumn: Int
        /// The stride-1 convolution over `dy` that computes this phase (nil when no tap reaches it).
        let plan: Plan?
    }

    /// `dx` of a geometry with row stride 1 and column stride ≥ 1 from `dy` and the weight, by column phases.
    struct InputGradient {
        let g: ConvGeometry
        let phases: [InputGradientPhase]

        init(_ g: ConvGeometry) {
            self.g = g
            let s = g.strideW
            phases = (0..<s).map { p in
                let taps = g.kernelW > p ? (g.kernelW - p + s - 1) / s : 0
                // m with 0 ≤ s·m + p − padLeft < width.
                let first = Swift.max(0, g.padLeft - p + s - 1) / s
                let last = (g.padLeft + g.width - 1 - p) >= 0 ? (g.padLeft + g.width - 1 - p) / s : -1
                let columns = Swift.max(0, last - first + 1)
                guard taps > 0, columns > 0 else {
                    return InputGradientPhase(phase: p, taps: taps, firstColumn: first, columns: columns,
                                              firstOutputColumn: 0, plan: nil)
                }
                // Output column q of the phase convolution is m = q + taps − 1 − padLeft′.
                let padLeft = Swift.max(0, taps - 1 - first)
                let firstOutput = first - (taps - 1) + padLeft
                // Enough output columns for the last m: outW + padLeft′ + padRight′ − taps + 1 ≥ firstOutput + columns.
                let padRight = Swift.max(0, firstOutput + columns - g.outW - padLeft + taps - 1)
                let geometry = ConvGeometry(batch: g.batch, inChannels: g.outChannels, height: g.outH, width: g.outW,
                                            outChannels: g.inChannels, kernelH: g.kernelH, kernelW: taps,
                                            strideH: 1, strideW: 1,
                                            padTop: g.kernelH - 1 - g.padTop, padBottom: g.kernelH - 1 - g.padBottom,
                                            padLeft: padLeft, padRight: padRight, dilationH: 1, dilationW: 1,
                                            mode: .zeros)
                return InputGradientPhase(phase: p, taps: taps, firstColumn: first, columns: columns,
                                          firstOutputColumn: firstOutput, plan: Plan(geometry))
            }
        }

        /// `dx` `[batch, inChannels, height, width]` from `dy` `[batch, outChannels, outH, outW]` and `weight`
        /// `[outChannels, inChannels, KH, KW]` (contiguous). Every value of `dx` is written.
        func run(dy: UnsafePointer<Float>, weight: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
            let (cin, kh, kw, s) = (g.inChannels, g.kernelH, g.kernelW, g.strideW)
            let planes = g.batch * cin, width = g.width, height = g.height
            for phase in phases {
                guard let plan = phase.plan else {
                    // No tap reaches these columns: their gradient is zero.
                    for plane in 0..<planes * height {
                        var x = s * phase.firstColumn + phase.phase - g.padLeft
                        for _ in 0..<phase.columns { dx[plane * width + x] = 0; x += s }
                    }
                    continue
                }
                let phaseWidth = plan.g.outW, p = phase.phase, taps = phase.taps
                let flipped: (Int, Int, Int, Int) -> Float = { c, o, r, t in
                    weight[((o * cin + c) * kh + kh - 1 - r) * kw + p + s * (taps - 1 - t)]
                }
                if s == 1 && phaseWidth == width && phase.firstOutputColumn == 0 {
                    // The one phase is dx itself.
                    plan.run(input: dy, output: dx, weight: flipped, bias: { _ in 0 })
                    continue
                }
                StoragePool.withWorkspace(Float.self, count: planes * height * phaseWidth) { out in
                    plan.run(input: dy, output: out, weight: flipped, bias: { _ in 0 })
                    for row in 0..<planes * height {
                        let src = out + row * phaseWidth + phase.firstOutputColumn
                        var dst = dx + row * width + s * phase.firstColumn + p - g.padLeft
                        for m in 0..<phase.columns {
                            dst.pointee = src[m]
                            dst += s
                        }
                    }
                }
            }
        }
    }
}
