/// The register tile of ``DirectConv2d``: 8 output channels × 32 output columns of one output row.
///
/// `input` points at column `v·16` of output row `y`'s first source row in a zero-padded input image
/// (`[inChannels, paddedHeight, rowStride]`, see ``DirectConv2d``), so that source row `kh` of channel `ci` starts at
/// `input + (ci·paddedHeight + kh)·rowStride` and the 32 columns of tap `kw` at `tapOffsets[kw]` after it (`kw` with
/// stride 1; with a column stride the row is stored by phases, see ``DirectConv2d/Plan/tapOffsets``). `weights` is one block
/// of packed weights: for each tap `(ci, kh, kw)` in that order, the 8 channels' weights side by side
/// (`weights[8·((ci·KH + kh)·KW + kw) + j]`). Each tap is two vector loads, 8 broadcasts and 16 fused
/// multiply-adds; the 16 accumulators stay in `zmm` registers in an AVX-512 build.
///
/// Every output is its bias plus the sum over taps in the order `(ci, kh, kw)`.
enum DirectConv2dTile {
    @inline(__always)
    private static func fma(_ acc: inout SIMD16<Float>, _ w: Float, _ x: SIMD16<Float>) {
        acc = acc.addingProduct(SIMD16(repeating: w), x)
    }

    /// Computes the tile and hands each of its 8 channels' 32 values to `store(j, first16, second16)`.
    @inline(__always)
    static func run(input: UnsafePointer<Float>, inChannels: Int, kernelH: Int, kernelW: Int, paddedHeight: Int,
                    rowStride: Int, tapOffsets: UnsafePointer<Int>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                    store: (Int, SIMD16<Float>, SIMD16<Float>) -> Void) {
        var a0 = SIMD16<Float>(repeating: bias[0]), b0 = a0, a1 = SIMD16<Float>(repeating: bias[1]), b1 = a1
        var a2 = SIMD16<Float>(repeating: bias[2]), b2 = a2, a3 = SIMD16<Float>(repeating: bias[3]), b3 = a3
        var a4 = SIMD16<Float>(repeating: bias[4]), b4 = a4, a5 = SIMD16<Float>(repeating: bias[5]), b5 = a5
        var a6 = SIMD16<Float>(repeating: bias[6]), b6 = a6, a7 = SIMD16<Float>(repeating: bias[7]), b7 = a7
        var w = weights
        for ci in 0..<inChannels {
            var row = input + ci * paddedHeight * rowStride
            for _ in 0..<kernelH {
                for kw in 0..<kernelW {
                    let tap = row + tapOffsets[kw]
                    let x0 = Lanes16.load(tap), x1 = Lanes16.load(tap + 16)
                    fma(&a0, w[0], x0); fma(&b0, w[0], x1)
                    fma(&a1, w[1], x0); fma(&b1, w[1], x1)
                    fma(&a2, w[2], x0); fma(&b2, w[2], x1)
                    fma(&a3, w[3], x0); fma(&b3, w[3], x1)
                    fma(&a4, w[4], x0); fma(&b4, w[4], x1)
                    fma(&a5, w[5], x0); fma(&b5, w[5], x1)
                    fma(&a6, w[6], x0); fma(&b6, w[6], x1)
                    fma(&a7, w[7], x0); fma(&b7, w[7], x1)
                    w += 8
                }
                row += rowStride
            }
        }
        store(0, a0, b0); store(1, a1, b1); store(2, a2, b2); store(3, a3, b3)
        store(4, a4, b4); store(5, a5, b5); store(6, a6, b6); store(7, a7, b7)
    }
}

/// The register tile of ``DirectConv2d``'s weight gradient for kernels 3 columns wide: for 8 output channels
/// `co0 + j`, one input channel and one kernel row `kh`, the 24 sums
/// `Σ_{y, x} dy[co0 + j, y, x] · xpad[ci, y + kh, stride·x + kw]` (`kw` = 0, 1, 2) over one image.
///
/// `dy` points at channel `co0`'s first row of a padded gradient image (`[channels, outH, dyStride]`, zeros past
/// `outW`), `input` at the source row of output row 0 (`xpad[ci, kh, 0]`) of a padded input image with row stride
/// `rowStride`, where tap `kw` of output column `x` is at `x + tapOffsets[kw]`. Each 16-column step is 11 vector
/// loads and 24 fused multiply-adds. The sums are added to `gradient[j·rowOfChannel + kw]`.
enum DirectConv2dWeightTile {
    static func run(dy: UnsafePointer<Float>, channelStride: Int, dyStride: Int, input: UnsafePointer<Float>,
                    rowStride: Int, tapOffsets: UnsafePointer<Int>, rows: Int, chunks: Int,
                    gradient: UnsafeMutablePointer<Float>, rowOfChannel: Int) {
        let (t0, t1, t2) = (tapOffsets[0], tapOffsets[1], tapOffsets[2])
        var s00 = SIMD16<Float>(), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00
        var s20 = s00, s21 = s00, s22 = s00, s30 = s00, s31 = s00, s32 = s00
        var s40 = s00, s41 = s00, s42 = s00, s50 = s00, s51 = s00, s52 = s00
        var s60 = s00, s61 = s00, s62 = s00, s70 = s00, s71 = s00, s72 = s00
        for y in 0..<rows {
            let d = dy + y * dyStride, s = input + y * rowStride
            for c in 0..<chunks {
                let o = 16 * c
                let x0 = Lanes16.load(s + o + t0), x1 = Lanes16.load(s + o + t1), x2 = Lanes16.load(s + o + t2)
                var g = Lanes16.load(d + o)
                s00 = s00.addingProduct(g, x0); s01 = s01.addingProduct(g, x1); s02 = s02.addingProduct(g, x2)
                g = Lanes16.load(d + channelStride + o)
                s10 = s10.addingProduct(g, x0); s11 = s11.addingProduct(g, x1); s12 = s12.addingProduct(g, x2)
                g = Lanes16.load(d + 2 * channelStride + o)
                s20 = s20.addingProduct(g, x0); s21 = s21.addingProduct(g, x1); s22 = s22.addingProduct(g, x2)
                g = Lanes16.load(d + 3 * channelStride + o)
                s30 = s30.addingProduct(g, x0); s31 = s31.addingProduct(g, x1); s32 = s32.addingProduct(g, x2)
                g = Lanes16.load(d + 4 * channelStride + o)
                s40 = s40.addingProduct(g, x0); s41 = s41.addingProduct(g, x1); s42 = s42.addingProduct(g, x2)
                g = Lanes16.load(d + 5 * channelStride + o)
                s50 = s50.addingProduct(g, x0); s51 = s51.addingProduct(g, x1); s52 = s52.addingProduct(g, x2)
                g = Lanes16.load(d + 6 * channelStride + o)
                s60 = s60.addingProduct(g, x0); s61 = s61.addingProduct(g, x1); s62 = s62.addingProduct(g, x2)
                g = Lanes16.load(d + 7 * channelStride + o)
                s70 = s70.addingProduct(g, x0); s71 = s71.addingProduct(g, x1); s72 = s72.addingProduct(g, x2)
            }
        }
        @inline(__always) func add(_ j: Int, _ a: SIMD16<Float>, _ b: SIMD16<Float>, _ c: SIMD16<Float>) {
            let g = gradient + j * rowOfChannel
            g[0] += a.sum(); g[1] += b.sum(); g[2] += c.sum()
        }
        add(0, s00, s01, s02); add(1, s10, s11, s12); add(2, s20, s21, s22); add(3, s30, s31, s32)
        add(4, s40, s41, s42); add(5, s50, s51, s52); add(6, s60, s61, s62); add(7, s70, s71, s72)
    }
}
