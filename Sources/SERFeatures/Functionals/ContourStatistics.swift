import Foundation

/// The distribution functionals eGeMAPS applies to a contour (openSMILE's `cFunctionalMoments` and
/// `cFunctionalPercentiles` with `interp = 1`). Each takes the values already selected (all frames, or
/// only the non-zero ones) and returns 0 for an empty contour, as openSMILE fills missing outputs.
enum ContourStatistics {
    /// Arithmetic mean; 0 when empty.
    static func mean(_ x: [Double]) -> Double {
        x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count)
    }

    /// Coefficient of variation as openSMILE's `stddevNorm = 2` computes it: population standard
    /// deviation over the *signed* mean (over 1 when the mean is 0); 0 for an empty or constant contour.
    static func coefficientOfVariation(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return 0 }
        let m = mean(x)
        let variance = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count)
        guard variance > 0 else { return 0 }
        return variance.squareRoot() / (m == 0 ? 1 : m)
    }

    /// Linearly interpolated percentile `p ∈ [0, 1]` of ascending `sorted` values (index `p·(n−1)`);
    /// 0 when empty.
    static func percentile(_ p: Double, sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let n = sorted.count
        let index = p * Double(n - 1)
        let i1 = min(max(Int(index.rounded(.down)), 0), n - 1)
        let i2 = min(max(Int(index.rounded(.up)), 0), n - 1)
        guard i1 != i2 else { return sorted[i1] }
        return sorted[i1] * (Double(i2) - index) + sorted[i2] * (index - Double(i1))
    }
}
