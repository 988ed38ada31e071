import Foundation

/// The 88 eGeMAPS v02 functionals of one utterance from its contours, in ``EGeMAPS/functionalNames``
/// order, as openSMILE's `cFunctionals` components of `eGeMAPSv02_core.func.conf` compute them:
///
/// - F0 and loudness: mean, coefficient of variation, 20/50/80th percentiles and the 20–80 range,
///   mean and standard deviation of rising and falling slopes (F0: voiced frames only, concatenated);
/// - spectral flux and MFCC 1–4 (all frames): mean and coefficient of variation;
/// - voice quality, formants and the voiced copies of the spectral descriptors: mean and coefficient of
///   variation over non-zero smoothed values; the unvoiced copies: mean;
/// - loudness peaks per second, voiced/unvoiced segment rate, mean and standard deviation of lengths (s);
/// - equivalent sound level `10·log10(mean frame energy)` (dB, floored at −120 dB).
struct EGeMAPSFunctionals {
    let values: [Double]

    init(_ contours: EGeMAPSContours) {
        let c = Self.truncated(contours)
        let period = EGeMAPSExtractor.framePeriod
        let sma = { (x: [Double]) in ContourSmoothing.movingAverage3(x, skippingZeros: false) }
        let smaNZ = { (x: [Double]) in ContourSmoothing.movingAverage3(x, skippingZeros: true) }
        let nonZero = { (x: [Double]) in x.filter { $0 != 0 } }
        var out: [Double] = []
        out.reserveCapacity(88)

        func contourSet(_ x: [Double]) {
            let sorted = x.sorted()
            let p20 = ContourStatistics.percentile(0.2, sorted: sorted)
            let p50 = ContourStatistics.percentile(0.5, sorted: sorted)
            let p80 = ContourStatistics.percentile(0.8, sorted: sorted)
            let slopes = ContourPeaks(x, framePeriod: period).slopeStatistics
            out += [ContourStatistics.mean(x), ContourStatistics.coefficientOfVariation(x), p20, p50, p80, p80 - p20,
                    slopes.meanRising, slopes.stddevRising, slopes.meanFalling, slopes.stddevFalling]
        }
        func meanAndVariation(_ x: [Double]) {
            out += [ContourStatistics.mean(x), ContourStatistics.coefficientOfVariation(x)]
        }

        let f0 = smaNZ(c.f0Semitones)
        contourSet(nonZero(f0))
        let loudness = sma(c.loudness)
        contourSet(loudness)
        meanAndVariation(sma(c.spectralFlux))
        for m in c.mfcc { meanAndVariation(sma(m)) }

        // Voice quality and formants over voiced frames. Formant frequencies and bandwidths are gated by
        // F0 (openSMILE's formantsNz); the other descriptors are 0 when unvoiced by construction.
        let voiced = c.f0Semitones.map { $0 > 0.000001 }
        let gate = { (x: [Double]) -> [Double] in
            x.enumerated().map { (t, v) in t < voiced.count && voiced[t] ? v : 0 }
        }
        for x in [c.jitterLocal, c.shimmerLocalDB, c.hnrDB, c.h1MinusH2, c.h1MinusA3] {
            meanAndVariation(nonZero(smaNZ(x)))
        }
        for f in 0..<3 {
            meanAndVariation(nonZero(smaNZ(gate(c.formantFrequency[f]))))
            meanAndVariation(nonZero(smaNZ(gate(c.formantBandwidth[f]))))
            meanAndVariation(nonZero(smaNZ(c.formantAmplitude[f])))
        }

        // Spectral descriptors split by voicing (openSMILE's cValbasedSelector on the unsmoothed F0).
        let spectralByVoicing = [c.alphaRatio, c.hammarbergIndex, c.slope0to500, c.slope500to1500, c.spectralFlux]
        let frames = min(c.spectralFrameCount, c.pitchFrameCount)
        func split(_ x: [Double], voicedPart: Bool) -> [Double] {
            (0..<frames).map { t in voiced[t] == voicedPart ? x[t] : 0 }
        }
        for x in spectralByVoicing + c.mfcc { meanAndVariation(nonZero(smaNZ(split(x, voicedPart: true)))) }
        for x in spectralByVoicing { out.append(ContourStatistics.mean(nonZero(smaNZ(split(x, voicedPart: false))))) }

        // Temporal set.
        out.append(ContourPeaks(loudness, framePeriod: period).peaksPerSecond)
        let voicedSegments = ContourSegments(f0, voiced: true)
        let unvoicedSegments = ContourSegments(f0, voiced: false)
        out += [voicedSegments.segmentsPerSecond(framePeriod: period),
                voicedSegments.meanLength(framePeriod: period),
                voicedSegments.lengthStandardDeviation(framePeriod: period),
                unvoicedSegments.meanLength(framePeriod: period),
                unvoicedSegments.lengthStandardDeviation(framePeriod: period)]

        // Equivalent sound level.
        let energy = ContourStatistics.mean(c.frameEnergy)
        out.append(10 * log10(max(energy, 1e-12)))
        values = out.map { $0.isFinite ? $0 : 0 }
    }

    /// The contours cut to the frames openSMILE's functionals see (``EGeMAPSContours/spectralFunctionalFrames``,
    /// ``EGeMAPSContours/pitchFunctionalFrames``).
    static func truncated(_ c: EGeMAPSContours) -> EGeMAPSContours {
        var t = c
        let s = c.spectralFunctionalFrames, p = c.pitchFunctionalFrames
        func cut(_ x: [Double], _ n: Int) -> [Double] { Array(x.prefix(n)) }
        t.loudness = cut(c.loudness, s); t.alphaRatio = cut(c.alphaRatio, s)
        t.hammarbergIndex = cut(c.hammarbergIndex, s); t.slope0to500 = cut(c.slope0to500, s)
        t.slope500to1500 = cut(c.slope500to1500, s); t.spectralFlux = cut(c.spectralFlux, s)
        t.mfcc = c.mfcc.map { cut($0, s) }
        t.frameEnergy = cut(c.frameEnergy, s)
        t.formantFrequency = c.formantFrequency.map { cut($0, p) }
        t.formantBandwidth = c.formantBandwidth.map { cut($0, p) }
        t.f0Semitones = cut(c.f0Semitones, p); t.jitterLocal = cut(c.jitterLocal, p)
        t.shimmerLocalDB = cut(c.shimmerLocalDB, p); t.hnrDB = cut(c.hnrDB, p)
        t.h1MinusH2 = cut(c.h1MinusH2, p); t.h1MinusA3 = cut(c.h1MinusA3, p)
        t.formantAmplitude = c.formantAmplitude.map { cut($0, p) }
        return t
    }
}
