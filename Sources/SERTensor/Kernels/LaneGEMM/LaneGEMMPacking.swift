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
        forEachPanel(of: mr, covering: mc, steps: kc, in: out) { offset, rows, sliver in
            let firstRow = i0 + offset
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
        }
    }

    /// Packs steps `p0 ..< p0 + kc` and columns `j0 ..< j0 + nc` of `op(B)` (a `k × n` matrix) as
    /// `⌈nc / 32⌉` strips of `32 · kc` floats: element `(p0 + p, j0 + 32·s + c)` at `out[32·kc·s + 32·p + c]`.
    static func packB(_ b: UnsafePointer<Float>, ldb: Int, transposed: Bool, p0: Int, kc: Int, j0: Int, nc: Int,
                      into out: UnsafeMutablePointer<Float>) {
        let nr = LaneGEMMMicrokernel.columns
        forEachPanel(of: nr, covering: nc, steps: kc, in: out) { offset, columns, strip in
            let firstColumn = j0 + offset
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
        }
    }

    /// Calls `body(offset, valid, panel)` for each panel of `width` rows or columns covering `0 ..< count`:
    /// panel `s` starts at offset `width·s`, holds `valid ≤ width` real ones and occupies `width · steps` floats
    /// of `out` from `width · steps · s`, zeroed first when `valid < width` (the padding packs as zeros).
    @inline(__always)
    private static func forEachPanel(of width: Int, covering count: Int, steps: Int, in out: UnsafeMutablePointer<Float>,
                                     _ body: (Int, Int, UnsafeMutablePointer<Float>) -> Void) {
        var offset = 0
        while offset < count {
            let valid = min(width, count - offset)
            let panel = out + offset * steps
            if valid < width { panel.initialize(repeating: 0, count: width * steps) }
            body(offset, valid, panel)
            offset += width
        }
    }
}
