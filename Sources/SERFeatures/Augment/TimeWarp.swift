import SERTensor

/// SpecAugment's time warp, simplified to a piecewise-linear resampling of the time axis.
///
/// For an item with `τ` real frames and maximum shift `W`: the effective shift bound is `W' = min(W, ⌊(τ − 3)/2⌋)`
/// (no warp when `W' < 1`); a centre frame `c` is drawn uniformly from `W' + 1 ... τ − 2 − W'` and a shift `w`
/// uniformly from `−W' ... W'`. Output frame `j` reads the input at the source position given by the piecewise-linear
/// map through `(0, 0)`, `(c + w, c)` and `(τ − 1, τ − 1)`, linearly interpolating between the two neighbouring
/// frames (all bands alike). The first and last real frames are unchanged; the content at `c` moves to `c + w`.
/// (TensorFlow's `sparse_image_warp`, used by the original SpecAugment, fits a spline; this is the simple form.)
enum TimeWarp {
    /// Draws `(centre, shift)` for `frames` real frames, or `nil` when the item is too short to warp.
    /// Consumes two draws from `rng` when it warps and none otherwise.
    static func draw(frames: Int, maxShift: Int, using rng: inout RandomGenerator) -> (centre: Int, shift: Int)? {
        let bound = min(maxShift, (frames - 3) / 2)
        guard bound >= 1 else { return nil }
        let lo = bound + 1, hi = frames - 2 - bound
        let centre = lo + rng.nextInt(below: hi - lo + 1)
        let shift = rng.nextInt(below: 2 * bound + 1) - bound
        return (centre, shift)
    }

    /// Source position of output frame `j`.
    @inline(__always)
    static func source(_ j: Int, frames: Int, centre: Int, shift: Int) -> Double {
        let target = centre + shift
        if j <= target { return Double(j) * Double(centre) / Double(target) }
        let last = Double(frames - 1)
        return Double(centre) + Double(j - target) * (last - Double(centre)) / (last - Double(target))
    }

    /// Warps the first `frames` rows of `rows` (each `width` floats) from `input` into `output`.
    static func apply(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, frames: Int, width: Int,
                      centre: Int, shift: Int) {
        for j in 0..<frames {
            let s = source(j, frames: frames, centre: centre, shift: shift)
            let i0 = min(Int(s), frames - 1), i1 = min(i0 + 1, frames - 1)
            let f = Float(s - Double(i0))
            let a = input + i0 * width, b = input + i1 * width, o = output + j * width
            for m in 0..<width { o[m] = a[m] + f * (b[m] - a[m]) }
        }
    }
}
