/// Packs blocks of `op(A)` and `op(B)` into the layouts ``LaneGEMMMicrokernel`` reads.
///
/// Rows beyond `m` and columns beyond `n` are packed as zeros, so edge tiles run the same kernel; their
/// extra results are dropped. All matrices are row major; `op(X)` is `X` or its transpose.
enum LaneGEMMPacking {
    /// Packs rows `i0 ..< i0 + mc` and steps `p0 ..< p0 + kc` of `op(A)` (an `m × k` matrix), times
    /// `alpha`, as `⌈mc / 12⌉` slivers of `12 · kc` floats: element `(i0 + 12·s + r, p0 + p)` at
    /// `out[12·kc·s + 12·p + r]`.
    static func packA(_ a: UnsafePointer<Float>, lda: Int, transposed: Bool, i0: Int, mc: Int, p0: Int, kc: Int,
                      alpha: Float, into out: UnsafeMutablePointer<Float>) {
        let mr = LaneGEMMMicrokernel.rows
        var s = 0
        while s * mr < mc {
            let rows = min(mr, mc - s * mr)
            let sliver = out + s * mr * kc
            if rows < mr { sliver.initialize(repeating: 0, count: mr * kc) }
            let firstRow = i0 + s * mr
            if transposed {
                // op(A)[i, p] = a[p·lda + i]: each step's 12 rows are contiguous.
                for p in 0..<kc {
                    let src = a + (p0 + p) * lda + firstRow, dst = sliver + p * mr
                    for r in 0..<rows { dst[r] = alpha * src[r] }
                }
            } else {
                // op(A)[i, p] = a[i·lda + p]: each row's steps are contiguous.
                for r in 0..<rows {
                    let src = a + (firstRow + r) * lda + p0
                    var dst = sliver + r
                    for p in 0..<kc {
                        dst.pointee = alpha * src[p]
                        dst += mr
                    }
                }
            }
            s += 1
        }
    }

    /// Packs steps `p0 ..< p0 + kc` and columns `j0 ..< j0 + nc` of `op(B)` (a `k × n` matrix) as
    /// `⌈nc / 32⌉` strips of `32 · kc` floats: element `(p0 + p, j0 + 32·s + c)` at `out[32·kc·s + 32·p + c]`.
    static func packB(_ b: UnsafePointer<Float>, ldb: Int, transposed: Bool, p0: Int, kc: Int, j0: Int, nc: Int,
                      into out: UnsafeMutablePointer<Float>) {
        let nr = LaneGEMMMicrokernel.columns
        var s = 0
        while s * nr < nc {
            let columns = min(nr, nc - s * nr)
            let strip = out + s * nr * kc
            if columns < nr { strip.initialize(repeating: 0, count: nr * kc) }
            let firstColumn = j0 + s * nr
            if transposed {
                // op(B)[p, j] = b[j·ldb + p]: each column's steps are contiguous.
                for c in 0..<columns {
                    let src = b + (firstColumn + c) * ldb + p0
                    var dst = strip + c
                    for p in 0..<kc {
                        dst.pointee = src[p]
                        dst += nr
                    }
                }
            } else if columns == nr {
                // op(B)[p, j] = b[p·ldb + j]: each step's 32 columns are contiguous.
                for p in 0..<kc {
                    let src = UnsafeRawPointer(b + (p0 + p) * ldb + firstColumn)
                    let dst = UnsafeMutableRawPointer(strip + p * nr)
                    dst.storeBytes(of: src.loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                    dst.storeBytes(of: src.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self),
                                   toByteOffset: 64, as: SIMD16<Float>.self)
                }
            } else {
                for p in 0..<kc {
                    let src = b + (p0 + p) * ldb + firstColumn, dst = strip + p * nr
                    for c in 0..<columns { dst[c] = src[c] }
                }
            }
            s += 1
        }
    }
}
