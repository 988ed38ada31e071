import Foundation

/// The non-negative-frequency bins of a real signal by the float64 definition
/// `X[k] = Σ_j x[j] · e^{−2πi·jk/n}`, `k` in `0...n/2`: the reference the FFT tests compare against.
func referenceDFT(_ x: [Float]) -> (re: [Double], im: [Double]) {
    let n = x.count
    var re = [Double](repeating: 0, count: n / 2 + 1), im = re
    for k in 0...(n / 2) {
        for j in 0..<n {
            let a = -2 * Double.pi * Double(j * k % n) / Double(n)
            re[k] += Double(x[j]) * cos(a)
            im[k] += Double(x[j]) * sin(a)
        }
    }
    return (re, im)
}
