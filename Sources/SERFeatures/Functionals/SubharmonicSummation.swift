import Foundation

/// openSMILE's `cPitchShs` + `cPitchBase` with eGeMAPS' settings (15 harmonics, compression 0.85,
/// 6 candidates, greedy peak picking, 55–1000 Hz, voicing cutoff 0.7, no octave correction).
///
/// The octave-scale spectrum is shifted down by `floor(P·log2 h)` points for harmonics `h = 2 … 15` and
/// summed with weights `0.85^(h−1)` (then divided by 15). Its 6 highest local maxima are refined by a
/// parabola through three points (frequency in octaves) and become candidates; a candidate's voicing is
/// `1 − mean(SHS) / peak` when the peak exceeds the mean, else 0. Candidates outside 55–1000 Hz are
/// removed and the best-scoring one is moved first.
struct SubharmonicSummation: Sendable {
    static let harmonics = 15
    static let compression = 0.85
    static let candidateCount = 6
    static let minimumHz = 55.0
    static let maximumHz = 1000.0
    static let voicingCutoff = 0.7

    /// One frame's candidates (F0 Hz, voicing), `candidateCount` each; empty slots hold 0.
    struct Candidates {
        var f0: [Double]
        var voicing: [Double]
        var score: [Double]
    }

    let scale: OctaveSpectrum
    private let shifts: [Int]
    private let firstOctave: Double
    private let octaveStep: Double

    init(scale: OctaveSpectrum) {
        self.scale = scale
        shifts = (2...Self.harmonics).map { Int((scale.pointsPerOctave * log2(Double($0))).rounded(.down)) }
        // openSMILE reads these back from float level metadata
        firstOctave = Double(Float(scale.firstOctave))
        let lastOctave = Double(Float(scale.firstOctave + scale.octaveStep * Double(scale.pointCount - 1)))
        octaveStep = Double(Float((lastOctave - firstOctave) / Double(scale.pointCount - 1)))
    }

    func candidates(octaveSpectrum x: [Double]) -> Candidates {
        let n = x.count, k = Self.candidateCount
        var ss = x
        var weight = Self.compression
        for shift in shifts {
            if shift < n { for j in shift..<n { ss[j - shift] += x[j] * weight } }
            weight *= Self.compression
        }
        for j in 0..<n {
            ss[j] /= Double(Self.harmonics)
            if ss[j] < 0 { ss[j] = 0 }
            ss[j] = Double(Float(ss[j]))
        }
        var position = [Double](repeating: 0, count: k), score = [Double](repeating: 0, count: k)
        var found = 0
        var mean = ss[0]
        var i = 1
        while i < n - 1 {
            if ss[i - 1] < ss[i] && ss[i] > ss[i + 1] {
                for j in 0..<k where score[j] == 0 || score[j] < ss[i] {
                    var jj = k - 1
                    while jj > j { score[jj] = score[jj - 1]; position[jj] = position[jj - 1]; jj -= 1 }
                    position[j] = Double(i)
                    score[j] = ss[i]
                    if found < k { found += 1 }
                    break
                }
            }
            mean += ss[i]
            i += 1
        }
        mean = (mean + ss[n - 1]) / Double(n)
        var f0 = [Double](repeating: 0, count: k), voicing = [Double](repeating: 0, count: k)
        for c in 0..<found {
            let j = Int(position[c])
            let x1 = Double(Float(Double(Float(position[c] - 1)) * octaveStep + firstOctave))
            let x2 = Double(Float(position[c] * octaveStep + firstOctave))
            let x3 = Double(Float(Double(Float(position[c] + 1)) * octaveStep + firstOctave))
            let (peak, value) = Self.parabolaVertex(x1, ss[j - 1], x2, ss[j], x3, ss[j + 1])
            f0[c] = Double(Float(exp2(peak)))
            score[c] = Double(Float(value))
            voicing[c] = value > 0 && value > mean ? Double(Float(1 - mean / value)) : 0
        }
        // remove candidates outside the pitch range (openSMILE's cPitchBase loop, including its handling of
        // empty slots)
        var remaining = found
        var c = 0
        while c < k && remaining > 0 {
            if f0[c] > Self.maximumHz || f0[c] < Self.minimumHz {
                let original = f0[c]
                for j in (c + 1)..<k { f0[j - 1] = f0[j]; voicing[j - 1] = voicing[j]; score[j - 1] = score[j] }
                f0[k - 1] = 0; voicing[k - 1] = 0; score[k - 1] = 0
                if original > 0 { remaining -= 1; c -= 1 }
            }
            c += 1
        }
        // best score first
        var best = 0
        for j in 1..<k where score[j] > score[best] { best = j }
        if best > 0 { f0.swapAt(0, best); voicing.swapAt(0, best); score.swapAt(0, best) }
        return Candidates(f0: f0, voicing: voicing, score: score)
    }

    /// Vertex `(x, y)` of the parabola through three points (openSMILE's `smileMath_quadFrom3pts`), or the
    /// highest point when they are collinear.
    static func parabolaVertex(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ x3: Double, _ y3: Double)
        -> (Double, Double) {
        let den = x1 * x1 * x2 + x2 * x2 * x3 + x3 * x3 * x1 - x3 * x3 * x2 - x2 * x2 * x1 - x1 * x1 * x3
        if den != 0 {
            let a = (y1 * x2 + y2 * x3 + y3 * x1 - y3 * x2 - y2 * x1 - y1 * x3) / den
            let b = (x1 * x1 * y2 + x2 * x2 * y3 + x3 * x3 * y1 - x3 * x3 * y2 - x2 * x2 * y1 - x1 * x1 * y3) / den
            let c = (x1 * x1 * x2 * y3 + x2 * x2 * x3 * y1 + x3 * x3 * x1 * y2 - x3 * x3 * x2 * y1
                     - x2 * x2 * x1 * y3 - x1 * x1 * x3 * y2) / den
            if a != 0 {
                let x = -b / (2 * a)
                return (x, c - a * x * x)
            }
        }
        if y1 > y2 && y1 > y3 { return (x1, y1) }
        if y2 > y1 && y2 > y3 { return (x2, y2) }
        if y3 > y1 && y3 > y2 { return (x3, y3) }
        return (x1, y1)
    }
}
