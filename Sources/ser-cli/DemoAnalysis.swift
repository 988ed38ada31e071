import Foundation
import SERTensor

/// Level, energy envelope and pitch of a mono signal, computed with SERTensor ops where they fit.
struct DemoAnalysis {
    /// Peak absolute sample in dBFS (full scale = 1.0).
    var peakDBFS: Double
    /// Root-mean-square level in dBFS.
    var rmsDBFS: Double
    /// Frame energies in dBFS, one per `frameSeconds`, non-overlapping.
    var envelopeDBFS: [Double]
    var frameSeconds: Double

    /// Analyses `samples` at `sampleRate` Hz with energy frames of `frameSeconds`.
    init(samples: [Float], sampleRate: Double, frameSeconds: Double) {
        let x = Tensor(samples)
        peakDBFS = DemoAnalysis.dB(amplitude: Double(x.abs().max().item))
        rmsDBFS = DemoAnalysis.dB(amplitude: Double(x.square().mean().sqrt().item))
        // Frame energies: [frames, frameLength] → mean square per row → dB.
        let frameLength = max(1, Int(frameSeconds * sampleRate))
        let frames = samples.count / frameLength
        self.frameSeconds = Double(frameLength) / sampleRate
        if frames > 0 {
            let framed = Tensor(Array(samples[0..<(frames * frameLength)])).reshaped([frames, frameLength])
            let meanSquare = framed.square().mean(axis: 1)
            envelopeDBFS = meanSquare.doubles.map { 10 * log10(max($0, 1e-20)) }
        } else {
            envelopeDBFS = []
        }
    }

    static func dB(amplitude: Double) -> Double { 20 * log10(max(amplitude, 1e-10)) }

    /// F0 estimate in Hz from the normalised autocorrelation of a window centred at `time` seconds,
    /// searching `minF0...maxF0`, refined by parabolic interpolation; nil when the window is unvoiced.
    static func estimateF0(_ samples: [Float], sampleRate: Double, at time: Double, window: Double = 0.04,
                           minF0: Double = 60, maxF0: Double = 400) -> Double? {
        let w = Int(window * sampleRate)
        let minLag = Int(sampleRate / maxF0), maxLag = Int(sampleRate / minF0)
        let start = Int(time * sampleRate) - (w + maxLag) / 2
        guard start >= 0, start + w + maxLag + 1 < samples.count else { return nil }
        func r(_ lag: Int) -> Double {
            var xy = 0.0, xx = 0.0, yy = 0.0
            for i in start..<(start + w) {
                let a = Double(samples[i]), b = Double(samples[i + lag])
                xy += a * b; xx += a * a; yy += b * b
            }
            return xx > 0 && yy > 0 ? xy / (xx * yy).squareRoot() : 0
        }
        var best = minLag, bestR = -1.0
        for lag in minLag...maxLag {
            let v = r(lag)
            if v > bestR { bestR = v; best = lag }
        }
        guard bestR > 0.5 else { return nil }
        let l = r(best - 1), c = bestR, rr = r(best + 1)
        let denom = l - 2 * c + rr
        let shift = denom < 0 ? 0.5 * (l - rr) / denom : 0
        return sampleRate / (Double(best) + shift)
    }

    /// The envelope as a text bar chart, one row per frame, bars spanning `floorDB`...0 dBFS.
    func envelopeChart(width: Int = 40, floorDB: Double = -60) -> [String] {
        envelopeDBFS.enumerated().map { i, db in
            let fill = Int(((db - floorDB) / -floorDB * Double(width)).rounded())
            let bar = String(repeating: "#", count: min(max(fill, 0), width))
            let t = String(format: "%5.2f s", Double(i) * frameSeconds)
            let level = String(format: "%6.1f dB", db)
            return "  \(t) \(level) |\(bar.padding(toLength: width, withPad: " ", startingAt: 0))|"
        }
    }
}
