/// openSMILE's `cContourSmoother` with `smaWin = 3`: a centred 3-frame moving average.
///
/// - `skippingZeros == false` (`_sma3`): `y[t] = (x[t−1] + x[t] + x[t+1]) / 3`; at either end the missing
///   neighbour is the edge frame repeated (openSMILE pads its buffer with the edge value).
/// - `skippingZeros == true` (`_sma3nz`): 0 stays 0; a non-zero value is averaged with its non-zero
///   neighbours only, so unvoiced frames neither shrink nor leak into voiced ones.
enum ContourSmoothing {
    static func movingAverage3(_ x: [Double], skippingZeros: Bool) -> [Double] {
        let n = x.count
        var y = [Double](repeating: 0, count: n)
        for t in 0..<n {
            let left = t > 0 ? x[t - 1] : x[t]
            let right = t + 1 < n ? x[t + 1] : x[t]
            if skippingZeros {
                guard x[t] != 0 else { continue }
                var sum = x[t], count = 1.0
                if left != 0 { sum += left; count += 1 }
                if right != 0 { sum += right; count += 1 }
                y[t] = sum / count
            } else {
                y[t] = (left + x[t] + right) / 3
            }
        }
        return y
    }
}
