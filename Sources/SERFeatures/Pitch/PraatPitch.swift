import Foundation
import SERTensor

/// Praat's `Sound: To Pitch (ac)...` (autocorrelation method, Boersma 1993) with its Viterbi path finder,
/// reproducing Praat 6.3.07 (reference `shared/reference/praat-pulses.md`, section 1).
///
/// The sound is mono; sample `i` (0-based) sits at `(i + 0.5) / sampleRate` seconds. No resampling or
/// filtering happens. All arithmetic is in Double. Frames are analysed in parallel.
public enum PraatPitch {
    /// Pitch analysis of `samples` (mono, any scale; Praat reads 16-bit PCM as `k / 32768`).
    /// - Throws: ``PitchError`` for invalid parameters, a non-positive sample rate, non-finite samples,
    ///   or a sound too short for the pitch floor.
    public static func compute(samples: [Double], sampleRate: Double,
                               parameters: PraatPitchParameters = .praatDefaults) throws -> PitchTrack {
        try samples.withUnsafeBufferPointer { try compute(samples: $0, sampleRate: sampleRate, parameters: parameters) }
    }

    /// Float samples are widened to Double (exactly) first.
    public static func compute(samples: [Float], sampleRate: Double,
                               parameters: PraatPitchParameters = .praatDefaults) throws -> PitchTrack {
        try compute(samples: samples.map(Double.init), sampleRate: sampleRate, parameters: parameters)
    }

    /// The same on a buffer.
    public static func compute(samples x: UnsafeBufferPointer<Double>, sampleRate: Double,
                               parameters: PraatPitchParameters = .praatDefaults) throws -> PitchTrack {
        let layout = try PitchAnalysisLayout(sampleCount: x.count, sampleRate: sampleRate, parameters: parameters)
        guard let base = x.baseAddress else {
            throw PitchError.soundTooShort(sampleCount: 0, sampleRate: sampleRate, reason: "no samples")
        }
        if let bad = x.firstIndex(where: { !$0.isFinite }) { throw PitchError.nonFiniteSample(index: bad) }
        let nx = x.count
        let nFrames = layout.frames.count
        var table = PitchCandidateTable(frameCount: nFrames, capacity: layout.maximumNumberOfCandidates)

        // Global peak: max |x - mean(x)| over the whole sound.
        var sum = 0.0
        for v in x { sum += v }
        let mean = sum / Double(nx)
        var globalPeak = 0.0
        for v in x { let a = abs(v - mean); if a > globalPeak { globalPeak = a } }

        if globalPeak > 0 {
            let analyzer = PitchFrameAnalyzer(layout: layout)
            let cap = table.capacity
            table.frequency.withUnsafeMutableBufferPointer { freq in
            table.strength.withUnsafeMutableBufferPointer { strength in
            table.count.withUnsafeMutableBufferPointer { count in
            table.intensity.withUnsafeMutableBufferPointer { intensity in
                let freqBase = freq.baseAddress!, strengthBase = strength.baseAddress!
                let countBase = count.baseAddress!, intensityBase = intensity.baseAddress!
                Parallel.forRanges(nFrames, costPerItem: 4 * layout.fftSize) { range in
                    let ws = PitchFrameAnalyzer.Workspace(analyzer: analyzer)
                    for iframe in range {
                        let t = layout.frames.time(ofIndex: iframe + 1)
                        let result = analyzer.analyze(samples: base, sampleCount: nx, time: t, globalPeak: globalPeak,
                                                      frequencies: freqBase + iframe * cap,
                                                      strengths: strengthBase + iframe * cap, workspace: ws)
                        countBase[iframe] = result.candidateCount
                        intensityBase[iframe] = result.intensity
                    }
                }
            }}}}
            PitchPathFinder.run(&table, timeStep: layout.timeStep, ceiling: layout.ceiling, parameters: parameters)
        }

        var frames = [PitchFrame]()
        frames.reserveCapacity(nFrames)
        for iframe in 0..<nFrames {
            let base = iframe * table.capacity
            let candidates = (0..<table.count[iframe]).map {
                PitchCandidate(frequency: table.frequency[base + $0], strength: table.strength[base + $0])
            }
            frames.append(PitchFrame(time: layout.frames.time(ofIndex: iframe + 1),
                                     intensity: table.intensity[iframe], candidates: candidates))
        }
        return PitchTrack(axis: layout.frames, ceiling: layout.ceiling, frames: frames)
    }
}
