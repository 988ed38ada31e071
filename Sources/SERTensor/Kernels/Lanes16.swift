/// 16-float vector loads and copies at any alignment, shared by the `SIMD16<Float>` kernels (LaneGEMM's microkernel,
/// the direct convolution tiles, ``LaneSums``). In an AVX-512 build a load is one `zmm` register.
enum Lanes16 {
    /// The 16 floats from `p` on.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    /// Copies `count` values, 16 at a time, then one by one: for short rows (STRFNet's 30 frequency bands), where a
    /// call to `memcpy` costs more than the copy.
    @inline(__always)
    static func copy(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            UnsafeMutableRawPointer(dst + i).storeBytes(of: load(src + i), as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { dst[i] = src[i]; i += 1 }
    }
}
