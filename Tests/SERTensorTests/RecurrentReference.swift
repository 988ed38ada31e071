@testable import SERTensor

/// An independent LSTM/GRU built step by step from existing differentiable ops (matmul, sigmoid, tanh,
/// +, ×), used to check ``Tensor/lstm(_:weights:h0:c0:lengths:)`` and ``Tensor/gru(_:weights:h0:lengths:)``
/// values and gradients. Slicing and concatenation are done with constant one-hot selection matrices
/// (matmul), and lengths with 0/1 masks: `h ← m·h' + (1 − m)·h`, `output_t = m·h'`.
/// Slow and simple on purpose; float64.
enum RecurrentReference {
    /// One-hot `[rows, cols]` with ones at `(offset + i, i)` for `i < cols` (column block selector).
    static func selector(rows: Int, cols: Int, offset: Int) -> Tensor {
        Tensor.fromFunction([rows, cols], dtype: .float64) { k in (k / cols) == offset + (k % cols) ? 1 : 0 }
    }

    /// `[1, n]` one-hot at `i`.
    static func oneHotRow(_ n: Int, _ i: Int) -> Tensor {
        Tensor.fromFunction([1, n], dtype: .float64) { $0 == i ? 1 : 0 }
    }

    /// `x[:, t, :]` of `[B, T, F]` as `[B, F]`.
    static func frame(_ x: Tensor, _ t: Int) -> Tensor {
        let (b, tt, f) = (x.shape[0], x.shape[1], x.shape[2])
        return Tensor.matmul(oneHotRow(tt, t), x).reshaped([b, f])
    }

    /// Columns `[k·H, (k+1)·H)` of `[B, G·H]`.
    static func gate(_ m: Tensor, _ k: Int, _ h: Int) -> Tensor {
        m.matmul(selector(rows: m.shape[1], cols: h, offset: k * h))
    }

    /// `[B, H]` → `[B, T, H]` placed at frame `t`, zero elsewhere.
    static func place(_ v: Tensor, _ t: Int, time: Int) -> Tensor {
        let onehot = Tensor.fromFunction([1, time, 1], dtype: .float64) { $0 == t ? 1 : 0 }
        return v.reshaped([v.shape[0], 1, v.shape[1]]) * onehot
    }

    /// `[B, H]` → `[n, B, H]` placed at index `i`.
    static func stackAt(_ v: Tensor, _ i: Int, count n: Int) -> Tensor {
        let onehot = Tensor.fromFunction([n, 1, 1], dtype: .float64) { $0 == i ? 1 : 0 }
        return v.reshaped([1, v.shape[0], v.shape[1]]) * onehot
    }

    /// The reference stack: returns output `[B, T, D·H]`, h_n and c_n (zeros for GRU) `[L·D, B, H]`.
    static func run(_ x: Tensor, _ w: RecurrentWeights, h0: Tensor?, c0: Tensor?, lengths: [Int]?)
        -> (output: Tensor, h: Tensor, c: Tensor) {
        let B = x.shape[0], TT = x.shape[1], H = w.hiddenSize, D = w.directions, L = w.layers
        let lens = lengths ?? [Int](repeating: TT, count: B)
        func mask(_ t: Int) -> Tensor { Tensor.fromFunction([B, 1], dtype: .float64) { t < lens[$0] ? 1 : 0 } }
        var input = x
        var hN = Tensor.zeros([L * D, B, H], dtype: .float64), cN = Tensor.zeros([L * D, B, H], dtype: .float64)
        for l in 0..<L {
            var layerOut = Tensor.zeros([B, TT, D * H], dtype: .float64)
            for d in 0..<D {
                let ci = l * D + d
                let cw = w.cells[ci]
                // The initial state: rows of h0 at index ci (via a [1, L·D] selector over a flattened view).
                func initial(_ s: Tensor?) -> Tensor {
                    guard let s else { return Tensor.zeros([B, H], dtype: .float64) }
                    return Tensor.matmul(oneHotRow(L * D, ci), s.reshaped([L * D, B * H])).reshaped([B, H])
                }
                var h = initial(h0), c = initial(c0)
                var out = Tensor.zeros([B, TT, H], dtype: .float64)
                let order = d == 0 ? Array(0..<TT) : Array((0..<TT).reversed())
                for t in order {
                    let xt = frame(input, t)
                    var gx = xt.matmul(cw.weightIH, transposeB: true)
                    var gh = h.matmul(cw.weightHH, transposeB: true)
                    if let bi = cw.biasIH, let bh = cw.biasHH { gx = gx + bi; gh = gh + bh }
                    let hNew: Tensor
                    switch w.kind {
                    case .lstm:
                        let pre = gx + gh
                        let i = gate(pre, 0, H).sigmoid(), f = gate(pre, 1, H).sigmoid()
                        let g = gate(pre, 2, H).tanh(), o = gate(pre, 3, H).sigmoid()
                        let cNew = f * c + i * g
                        hNew = o * cNew.tanh()
                        let m = mask(t)
                        c = m * cNew + (1.0 - m) * c
                    case .gru:
                        let r = (gate(gx, 0, H) + gate(gh, 0, H)).sigmoid()
                        let z = (gate(gx, 1, H) + gate(gh, 1, H)).sigmoid()
                        let n = (gate(gx, 2, H) + r * gate(gh, 2, H)).tanh()
                        hNew = (1.0 - z) * n + z * h
                    }
                    let m = mask(t)
                    h = m * hNew + (1.0 - m) * h
                    out = out + place(m * hNew, t, time: TT)
                }
                hN = hN + stackAt(h, ci, count: L * D)
                cN = cN + stackAt(c, ci, count: L * D)
                // Concatenation [forward, reverse] along features: out · (columns d·H ..< (d+1)·H of I).
                let shifted = D == 1 ? out : out.matmul(shiftRight(H, by: d * H, width: D * H))
                layerOut = layerOut + shifted
            }
            input = layerOut
        }
        return (input, hN, cN)
    }

    /// `[h, width]` with ones at `(i, by + i)`: moves `h` features to columns `by ..< by + h`.
    static func shiftRight(_ h: Int, by: Int, width: Int) -> Tensor {
        Tensor.fromFunction([h, width], dtype: .float64) { k in (k % width) == by + (k / width) ? 1 : 0 }
    }
}
