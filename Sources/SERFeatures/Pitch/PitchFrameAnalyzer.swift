import Foundation

/// The per-frame part of Praat's `Sound: To Pitch (ac)` (`Sound_into_PitchFrame`, reference section 1.5):
/// local mean removal, windowing, autocorrelation by FFT divided by the window's autocorrelation, peak
/// picking with parabolic and sinc interpolation, and Brent refinement of every candidate.
///
/// Immutable and shareable across threads; each thread brings its own ``Workspace``.
struct PitchFrameAnalyzer: Sendable {
    let layout: PitchAnalysisLayout
    /// The analysis window, `layout.windowLength` values.
    let window: [Double]
    /// Its normalised autocorrelation, lags `0..<layout.windowLength`.
    let windowAutocorrelation: [Double]
    let fft: LocalRealFFT
    /// `1 / dx`, kept as Praat computes it (frequencies are `1 / dx / lag`).
    private let inverseDx: Double

    init(layout: PitchAnalysisLayout) {
        self.layout = layout
        window = layout.parameters.veryAccurate
            ? PitchWindows.gaussian(length: layout.windowLength)
            : PitchWindows.hanning(length: layout.windowLength)
        fft = LocalRealFFT(size: layout.fftSize)
        windowAutocorrelation = PitchWindows.normalizedAutocorrelation(of: window, fft: fft)
        inverseDx = 1.0 / layout.sound.dx
    }

    /// Per-thread scratch memory.
    final class Workspace {
        let frame: UnsafeMutablePointer<Double>     // fftSize
        let ac: UnsafeMutablePointer<Double>        // fftSize
        /// Mirrored normalised autocorrelation `r[-lagLimit...lagLimit]`, stored 0-based so that
        /// `mirrored[lagLimit + lag] = r[lag]`; read 1-based by the sinc code as `y[lag + lagLimit + 1]`.
        let mirrored: UnsafeMutablePointer<Double>
        let lagIndex: UnsafeMutablePointer<Int>     // integer lag of each candidate slot
        let fftWorkspace: LocalRealFFT.Workspace
        private let counts: (Int, Int, Int)

        init(analyzer: PitchFrameAnalyzer) {
            let l = analyzer.layout
            counts = (l.fftSize, 2 * l.lagLimit + 1, l.maximumNumberOfCandidates)
            frame = .allocate(capacity: l.fftSize); frame.initialize(repeating: 0, count: l.fftSize)
            ac = .allocate(capacity: l.fftSize); ac.initialize(repeating: 0, count: l.fftSize)
            mirrored = .allocate(capacity: 2 * l.lagLimit + 1)
            mirrored.initialize(repeating: 0, count: 2 * l.lagLimit + 1)
            lagIndex = .allocate(capacity: l.maximumNumberOfCandidates)
            lagIndex.initialize(repeating: 0, count: l.maximumNumberOfCandidates)
            fftWorkspace = analyzer.fft.makeWorkspace()
        }
        deinit {
            frame.deallocate(); ac.deallocate(); mirrored.deallocate(); lagIndex.deallocate()
        }
    }

    /// Analyses the frame centred at `t` (s) of the sound `x` (0-based storage of Praat's samples 1...n).
    /// Writes the frame's intensity and candidates (slot 0 unvoiced) into the given buffers.
    ///
    /// - Parameters:
    ///   - globalPeak: `max |x - mean(x)|` over the whole sound (> 0).
    ///   - frequencies, strengths: `maximumNumberOfCandidates` slots for this frame.
    /// - Returns: the intensity and the number of candidates.
    func analyze(samples x: UnsafePointer<Double>, sampleCount nx: Int, time t: Double, globalPeak: Double,
                 frequencies: UnsafeMutablePointer<Double>, strengths: UnsafeMutablePointer<Double>,
                 workspace ws: Workspace) -> (intensity: Double, candidateCount: Int) {
        let l = layout
        let nsampPeriod = l.samplesPerPeriod, halfW = l.halfWindowLength, W = l.windowLength
        let nFFT = l.fftSize, lagLimit = l.lagLimit
        let leftSample = l.sound.lowIndex(t), rightSample = leftSample + 1

        // Local mean over one longest period on each side (2 * nsampPeriod samples).
        var startSample = rightSample - nsampPeriod
        let endSample = leftSample + nsampPeriod
        var localMean = 0.0
        if startSample >= 1 && endSample <= nx {
            for i in startSample...endSample { localMean += x[i - 1] }
        } else {   // never happens with Praat's frame layout; kept safe anyway
            for i in startSample...endSample where i >= 1 && i <= nx { localMean += x[i - 1] }
        }
        localMean /= Double(2 * nsampPeriod)

        // Window the frame after removing the local mean; zero-pad to the FFT size.
        startSample = rightSample - halfW
        let frame = ws.frame
        window.withUnsafeBufferPointer { w in
            for j in 0..<W {
                let i = startSample + j   // 1-based sample number
                let v = (i >= 1 && i <= nx) ? x[i - 1] : 0.0
                frame[j] = (v - localMean) * w[j]
            }
        }
        for j in W..<nFFT { frame[j] = 0 }

        // Local peak: half a longest period around the centre.
        var peakStart = halfW + 1 - l.halfSamplesPerPeriod
        if peakStart < 1 { peakStart = 1 }
        var peakEnd = halfW + l.halfSamplesPerPeriod
        if peakEnd > W { peakEnd = W }
        var localPeak = 0.0
        if peakStart <= peakEnd {
            for j in peakStart...peakEnd {
                let v = abs(frame[j - 1])
                if v > localPeak { localPeak = v }
            }
        }
        let intensity = localPeak > globalPeak ? 1.0 : localPeak / globalPeak

        // Candidate 1: unvoiced.
        frequencies[0] = 0
        strengths[0] = 0
        if localPeak == 0 { return (intensity, 1) }

        // Autocorrelation, normalised by lag 0 and by the window's autocorrelation; mirrored.
        fft.autocorrelate(frame, output: ws.ac, workspace: ws.fftWorkspace)
        let ac = ws.ac
        let r = ws.mirrored + lagLimit   // r[lag] for lag in -lagLimit...lagLimit
        r[0] = 1.0
        windowAutocorrelation.withUnsafeBufferPointer { rw in
            if lagLimit >= 1 {
                for i in 1...lagLimit {
                    let v = ac[i] / (ac[0] * rw[i])
                    r[i] = v
                    r[-i] = v
                }
            }
        }

        // Peak picking.
        let voicingThreshold = l.parameters.voicingThreshold
        let octaveCost = l.parameters.octaveCost
        let minimumPitch = l.parameters.pitchFloor
        let maxCandidates = l.maximumNumberOfCandidates
        let y = UnsafePointer(ws.mirrored)
        let yCount = 2 * lagLimit + 1
        let offset = -lagLimit - 1
        var nCandidates = 1
        let imax = ws.lagIndex
        imax[0] = 0
        let upper = min(l.maximumLag, lagLimit)
        var i = 2
        while i < upper {
            if r[i] > 0.5 * voicingThreshold && r[i] > r[i - 1] && r[i] >= r[i + 1] {
                var place = -1
                let dr = 0.5 * (r[i + 1] - r[i - 1]), d2r = 2.0 * r[i] - r[i - 1] - r[i + 1]
                let frequencyOfMaximum = inverseDx / (Double(i) + dr / d2r)
                var strengthOfMaximum = PraatSinc.interpolate(y, count: yCount,
                                                              x: inverseDx / frequencyOfMaximum - Double(offset),
                                                              maxDepth: 30)
                if strengthOfMaximum > 1.0 { strengthOfMaximum = 1.0 / strengthOfMaximum }
                if nCandidates < maxCandidates {
                    place = nCandidates
                    nCandidates += 1
                } else {
                    var weakest = 2.0
                    for iweak in 1..<maxCandidates {
                        let localStrength = strengths[iweak]
                            - octaveCost * PraatSinc.log2(minimumPitch / frequencies[iweak])
                        if localStrength < weakest {
                            weakest = localStrength
                            place = iweak
                        }
                    }
                    if strengthOfMaximum - octaveCost * PraatSinc.log2(minimumPitch / frequencyOfMaximum) <= weakest {
                        place = -1
                    }
                }
                if place >= 0 {
                    frequencies[place] = frequencyOfMaximum
                    strengths[place] = strengthOfMaximum
                    imax[place] = i
                }
            }
            i += 1
        }

        // Second pass: maximise the sinc-interpolated autocorrelation around every candidate.
        let sampleRateTimesPoint3 = 0.3 / l.sound.dx
        for c in 1..<nCandidates {
            let depth = frequencies[c] > sampleRateTimesPoint3 ? 700 : l.refinementDepth
            let best = PraatSinc.improveMaximum(y, count: yCount, ixmid: imax[c] - offset, depth: depth)
            let xmid = best.x + Double(offset)
            frequencies[c] = inverseDx / xmid
            var ymid = best.y
            if ymid > 1.0 { ymid = 1.0 / ymid }
            strengths[c] = ymid
        }
        return (intensity, nCandidates)
    }
}
