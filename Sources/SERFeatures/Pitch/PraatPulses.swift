import Foundation

/// Praat's `Sound & Pitch: To PointProcess (cc)` (reference section 2), as in Praat 6.3.07: glottal
/// pulse times found by cross-correlating successive periods, walking left and right from an extremum in
/// the middle of each voiced interval of the pitch track.
///
/// Version notes: the correlation of a span pair is 0 when their product sum is 0, and the interpolated
/// time of a correlation step is used even when it falls outside its search range (Praat <= 6.4.06).
public enum PraatPulses {
    /// Pulse times (s, ascending) of the mono sound `samples` at `sampleRate` Hz, given its pitch track
    /// (from ``PraatPitch/compute(samples:sampleRate:parameters:)`` on the same samples).
    /// - Throws: ``PitchError`` for a bad sample rate, non-finite samples or a pitch track whose time domain
    ///   is not the sound's.
    public static func compute(samples: [Double], sampleRate: Double, pitch: PitchTrack) throws -> [Double] {
        try samples.withUnsafeBufferPointer { try compute(samples: $0, sampleRate: sampleRate, pitch: pitch) }
    }

    /// Float samples are widened to Double (exactly) first.
    public static func compute(samples: [Float], sampleRate: Double, pitch: PitchTrack) throws -> [Double] {
        try compute(samples: samples.map(Double.init), sampleRate: sampleRate, pitch: pitch)
    }

    /// Pitch analysis with `parameters` followed by the pulse search: Praat's
    /// `To PointProcess (periodic, cc): floor, ceiling` when the parameters are the defaults with that floor
    /// and ceiling.
    public static func compute(samples: [Float], sampleRate: Double,
                               pitchParameters: PraatPitchParameters = .praatDefaults) throws -> [Double] {
        let x = samples.map(Double.init)
        let pitch = try PraatPitch.compute(samples: x, sampleRate: sampleRate, parameters: pitchParameters)
        return try compute(samples: x, sampleRate: sampleRate, pitch: pitch)
    }

    /// The same on a buffer.
    public static func compute(samples x: UnsafeBufferPointer<Double>, sampleRate: Double,
                               pitch: PitchTrack) throws -> [Double] {
        guard sampleRate.isFinite, sampleRate > 0 else { throw PitchError.invalidSampleRate(sampleRate) }
        guard let base = x.baseAddress, !x.isEmpty else { return [] }
        if let bad = x.firstIndex(where: { !$0.isFinite }) { throw PitchError.nonFiniteSample(index: bad) }
        let axis = PraatTimeAxis.sound(sampleCount: x.count, sampleRate: sampleRate)
        guard abs(pitch.axis.xmin - axis.xmin) <= 1e-9 && abs(pitch.axis.xmax - axis.xmax) <= 1e-9 * max(1, axis.xmax) else {
            throw PitchError.mismatchedPitch(reason: "pitch domain [\(pitch.axis.xmin), \(pitch.axis.xmax)] s, "
                                             + "sound domain [\(axis.xmin), \(axis.xmax)] s")
        }
        let search = PulseSearch(x: base, axis: axis)
        var globalPeak = 0.0
        for v in x where abs(v) > globalPeak { globalPeak = abs(v) }

        var points = PulseList()
        var t = pitch.axis.xmin
        var addedRight = -1e308
        while let (tleft, tright) = voicedInterval(after: t, in: pitch) {
            let tmiddle = (tleft + tright) / 2
            guard let f0middle = pitch.value(at: tmiddle) else { break }   // Praat: cannot happen
            var tmax = search.findExtremum(tmiddle - 0.5 / f0middle, tmiddle + 0.5 / f0middle,
                                           includeMaxima: true, includeMinima: true)
            points.add(tmax)
            let tsave = tmax

            // Walk left.
            while let f0 = pitch.value(at: tmax) {
                let previous = tmax
                let step = search.findMaximumCorrelation(t1: tmax, windowLength: 1.0 / f0,
                                                         tmin2: tmax - 1.25 / f0, tmax2: tmax - 0.8 / f0)
                tmax = step.time
                let correlation = step.correlation
                if correlation == -1 { tmax -= 1.0 / f0 }   // this one period will drop out
                if tmax < tleft {
                    if correlation > 0.7 && step.peak > 0.023333 * globalPeak && tmax - addedRight > 0.8 / f0 {
                        points.add(tmax)
                    }
                    break
                }
                if correlation > 0.3 && (step.peak == 0 || step.peak > 0.01 * globalPeak) {
                    if tmax - addedRight > 0.8 / f0 { points.add(tmax) }   // don't fill a short gap twice
                }
                if !(tmax < previous) { break }   // guard: Praat would loop forever here
            }

            // Walk right.
            tmax = tsave
            while let f0 = pitch.value(at: tmax) {
                let previous = tmax
                let step = search.findMaximumCorrelation(t1: tmax, windowLength: 1.0 / f0,
                                                         tmin2: tmax + 0.8 / f0, tmax2: tmax + 1.25 / f0)
                tmax = step.time
                let correlation = step.correlation
                if correlation == -1 { tmax += 1.0 / f0 }
                if tmax > tright {
                    if correlation > 0.7 && step.peak > 0.023333 * globalPeak {
                        points.add(tmax)
                        addedRight = tmax
                    }
                    break
                }
                if correlation > 0.3 && (step.peak == 0 || step.peak > 0.01 * globalPeak) {
                    points.add(tmax)
                    addedRight = tmax
                }
                if !(tmax > previous) { break }   // guard: Praat would loop forever here
            }
            t = tright
        }
        return points.times
    }

    /// Praat's `Pitch_getVoicedIntervalAfter`: the first run of voiced frames at or after `after`, as
    /// `[time(first) - dt/2, time(last) + dt/2]` clipped to the domain; nil when there is none.
    static func voicedInterval(after: Double, in pitch: PitchTrack) -> (Double, Double)? {
        let axis = pitch.axis
        var ileft = axis.highIndex(after)
        if ileft > axis.count { return nil }
        if ileft < 1 { ileft = 1 }
        while ileft <= axis.count && pitch.frequency(atFrame: ileft - 1) == nil { ileft += 1 }
        if ileft > axis.count { return nil }
        var iright = ileft
        while iright <= axis.count && pitch.frequency(atFrame: iright - 1) != nil { iright += 1 }
        iright -= 1
        var tleft = axis.time(ofIndex: ileft) - 0.5 * axis.dx
        var tright = axis.time(ofIndex: iright) + 0.5 * axis.dx
        if tleft >= axis.xmax - 0.5 * axis.dx { return nil }
        if tleft < axis.xmin { tleft = axis.xmin }
        if tright > axis.xmax { tright = axis.xmax }
        if tright <= after { return nil }
        return (tleft, tright)
    }
}

/// Praat's PointProcess insertion rule: a time at or after the last point is appended; an earlier time is
/// inserted in order unless it equals an existing point exactly.
struct PulseList {
    private(set) var times: [Double] = []

    mutating func add(_ t: Double) {
        guard let last = times.last, t < last else { times.append(t); return }
        // Largest index with times[i] <= t (binary search), -1 if none.
        var lo = 0, hi = times.count   // invariant: times[..<lo] <= t, times[hi...] > t
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        let left = lo - 1
        if left >= 0 && times[left] == t { return }
        times.insert(t, at: lo)
    }
}
