/// The 12 × 32 register tile of ``LaneGEMM``: `C[12, 32] (+)= Ã · B̃` over `kc` steps.
///
/// `a` is a packed sliver of 12 rows of `op(A)` (alpha folded in): for each step `p`, the 12 values
/// `op(A)[i0 + r, p0 + p]` at `a[12·p + r]`. `b` is a packed strip of 32 columns of `op(B)`: for each step
/// `p`, the 32 values at `b[32·p ..< 32·p + 32]`. The 24 accumulators are two `SIMD16<Float>` per row,
/// which an AVX-512 build keeps in 24 of its 32 `zmm` registers; each step is two vector loads, 12
/// broadcasts and 24 fused multiply-adds. `c` is row major with row stride `ldc` (elements).
///
/// Every element is the sum over `p` in increasing order, so the result does not depend on how the
/// caller splits `C` into tiles or panels.
enum LaneGEMMMicrokernel {
    static let rows = 12
    static let columns = 32

    /// How the tile meets `C`.
    enum Store {
        /// `C = tile` (C is not read: NaN or garbage there does not leak in).
        case overwrite
        /// `C += tile`.
        case accumulate
        /// `C = beta · C + tile`.
        case scale(Float)
    }

    @inline(__always)
    private static func put(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>, _ store: Store) {
        let raw = UnsafeMutableRawPointer(p)
        switch store {
        case .overwrite: raw.storeBytes(of: v, as: SIMD16<Float>.self)
        case .accumulate: raw.storeBytes(of: raw.loadUnaligned(as: SIMD16<Float>.self) + v, as: SIMD16<Float>.self)
        case .scale(let beta):
            raw.storeBytes(of: v.addingProduct(SIMD16(repeating: beta), raw.loadUnaligned(as: SIMD16<Float>.self)),
                           as: SIMD16<Float>.self)
        }
    }

    @inline(__always)
    private static func fma(_ acc: inout SIMD16<Float>, _ a: Float, _ b: SIMD16<Float>) {
        acc = acc.addingProduct(SIMD16(repeating: a), b)
    }

    /// Runs the tile; see the type's documentation for the layouts.
    @inline(never)
    static func run(steps kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                    c: UnsafeMutablePointer<Float>, ldc: Int, store: Store) {
        var c00 = SIMD16<Float>(), c01 = SIMD16<Float>(), c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
        var c20 = SIMD16<Float>(), c21 = SIMD16<Float>(), c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
        var c40 = SIMD16<Float>(), c41 = SIMD16<Float>(), c50 = SIMD16<Float>(), c51 = SIMD16<Float>()
        var c60 = SIMD16<Float>(), c61 = SIMD16<Float>(), c70 = SIMD16<Float>(), c71 = SIMD16<Float>()
        var c80 = SIMD16<Float>(), c81 = SIMD16<Float>(), c90 = SIMD16<Float>(), c91 = SIMD16<Float>()
        var ca0 = SIMD16<Float>(), ca1 = SIMD16<Float>(), cb0 = SIMD16<Float>(), cb1 = SIMD16<Float>()
        var pa = a, pb = b
        for _ in 0..<kc {
            let b0 = Lanes16.load(pb), b1 = Lanes16.load(pb + 16)
            fma(&c00, pa[0], b0); fma(&c01, pa[0], b1)
            fma(&c10, pa[1], b0); fma(&c11, pa[1], b1)
            fma(&c20, pa[2], b0); fma(&c21, pa[2], b1)
            fma(&c30, pa[3], b0); fma(&c31, pa[3], b1)
            fma(&c40, pa[4], b0); fma(&c41, pa[4], b1)
            fma(&c50, pa[5], b0); fma(&c51, pa[5], b1)
            fma(&c60, pa[6], b0); fma(&c61, pa[6], b1)
            fma(&c70, pa[7], b0); fma(&c71, pa[7], b1)
            fma(&c80, pa[8], b0); fma(&c81, pa[8], b1)
            fma(&c90, pa[9], b0); fma(&c91, pa[9], b1)
            fma(&ca0, pa[10], b0); fma(&ca1, pa[10], b1)
            fma(&cb0, pa[11], b0); fma(&cb1, pa[11], b1)
            pa += 12
            pb += 32
        }
        put(c00, c, store); put(c01, c + 16, store)
        put(c10, c + ldc, store); put(c11, c + ldc + 16, store)
        put(c20, c + 2 * ldc, store); put(c21, c + 2 * ldc + 16, store)
        put(c30, c + 3 * ldc, store); put(c31, c + 3 * ldc + 16, store)
        put(c40, c + 4 * ldc, store); put(c41, c + 4 * ldc + 16, store)
        put(c50, c + 5 * ldc, store); put(c51, c + 5 * ldc + 16, store)
        put(c60, c + 6 * ldc, store); put(c61, c + 6 * ldc + 16, store)
        put(c70, c + 7 * ldc, store); put(c71, c + 7 * ldc + 16, store)
        put(c80, c + 8 * ldc, store); put(c81, c + 8 * ldc + 16, store)
        put(c90, c + 9 * ldc, store); put(c91, c + 9 * ldc + 16, store)
        put(ca0, c + 10 * ldc, store); put(ca1, c + 10 * ldc + 16, store)
        put(cb0, c + 11 * ldc, store); put(cb1, c + 11 * ldc + 16, store)
    }
}
