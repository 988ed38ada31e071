/// Names of the extended Geneva Minimalistic Acoustic Parameter Set (eGeMAPS v02, Eyben et al. 2016) as
/// openSMILE 3 / opensmile-python 2.6 (`opensmile.FeatureSet.eGeMAPSv02`) writes them.
///
/// See Docs/Functionals.md for what each descriptor measures and how SwiftSER computes it.
public enum EGeMAPS {
    /// The 25 low-level descriptor names, in opensmile-python's column order at
    /// `FeatureLevel.LowLevelDescriptors`. Suffix `_sma3`: smoothed by a 3-frame moving average;
    /// `_sma3nz`: the same average over non-zero (voiced) neighbours only, 0 where unvoiced.
    public static let lowLevelDescriptorNames: [String] = [
        "Loudness_sma3", "alphaRatio_sma3", "hammarbergIndex_sma3", "slope0-500_sma3", "slope500-1500_sma3",
        "spectralFlux_sma3", "mfcc1_sma3", "mfcc2_sma3", "mfcc3_sma3", "mfcc4_sma3",
        "F0semitoneFrom27.5Hz_sma3nz", "jitterLocal_sma3nz", "shimmerLocaldB_sma3nz", "HNRdBACF_sma3nz",
        "logRelF0-H1-H2_sma3nz", "logRelF0-H1-A3_sma3nz",
        "F1frequency_sma3nz", "F1bandwidth_sma3nz", "F1amplitudeLogRelF0_sma3nz",
        "F2frequency_sma3nz", "F2bandwidth_sma3nz", "F2amplitudeLogRelF0_sma3nz",
        "F3frequency_sma3nz", "F3bandwidth_sma3nz", "F3amplitudeLogRelF0_sma3nz",
    ]

    /// The 88 functional names, in opensmile-python's column order at `FeatureLevel.Functionals`.
    public static let functionalNames: [String] = {
        var names: [String] = []
        let contour = ["amean", "stddevNorm", "percentile20.0", "percentile50.0", "percentile80.0", "pctlrange0-2",
                       "meanRisingSlope", "stddevRisingSlope", "meanFallingSlope", "stddevFallingSlope"]
        names += contour.map { "F0semitoneFrom27.5Hz_sma3nz_" + $0 }
        names += contour.map { "loudness_sma3_" + $0 }
        let meanAndVariation = ["amean", "stddevNorm"]
        for lld in ["spectralFlux_sma3", "mfcc1_sma3", "mfcc2_sma3", "mfcc3_sma3", "mfcc4_sma3"] {
            names += meanAndVariation.map { lld + "_" + $0 }
        }
        for lld in voicedOnlyDescriptors {
            names += meanAndVariation.map { lld + "_sma3nz_" + $0 }
        }
        for lld in ["alphaRatioV", "hammarbergIndexV", "slopeV0-500", "slopeV500-1500", "spectralFluxV",
                    "mfcc1V", "mfcc2V", "mfcc3V", "mfcc4V"] {
            names += meanAndVariation.map { lld + "_sma3nz_" + $0 }
        }
        for lld in ["alphaRatioUV", "hammarbergIndexUV", "slopeUV0-500", "slopeUV500-1500", "spectralFluxUV"] {
            names.append(lld + "_sma3nz_amean")
        }
        names += ["loudnessPeaksPerSec", "VoicedSegmentsPerSec", "MeanVoicedSegmentLengthSec",
                  "StddevVoicedSegmentLengthSec", "MeanUnvoicedSegmentLength", "StddevUnvoicedSegmentLength",
                  "equivalentSoundLevel_dBp"]
        return names
    }()

    /// The voice-quality and formant descriptors summarised over voiced frames only (their names without
    /// the `_sma3nz` suffix), in functional order.
    static let voicedOnlyDescriptors = [
        "jitterLocal", "shimmerLocaldB", "HNRdBACF", "logRelF0-H1-H2", "logRelF0-H1-A3",
        "F1frequency", "F1bandwidth", "F1amplitudeLogRelF0", "F2frequency", "F2bandwidth", "F2amplitudeLogRelF0",
        "F3frequency", "F3bandwidth", "F3amplitudeLogRelF0",
    ]
}
