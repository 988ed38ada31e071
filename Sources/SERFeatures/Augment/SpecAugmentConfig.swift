/// What masked time–frequency cells are set to.
public enum SpecAugmentMaskValue: String, Codable, CaseIterable, Sendable {
    /// 0 (in log-mel units; the common SpecAugment choice).
    case zero
    /// The mean of the item's features over its real frames and all bands, taken before any masking.
    case mean
}

/// SpecAugment settings (Park et al., 2019), in frames and bands.
///
/// The paper we follow does not give its values; the defaults are a mild policy for 30 mel bands at a 10 ms
/// hop: two frequency masks of up to 4 bands, two time masks of up to 20 frames (200 ms) covering at most 20%
/// of the utterance each, zero fill, no time warp.
public struct SpecAugmentConfig: Codable, Equatable, Hashable, Sendable {
    /// Number of frequency masks per item (`m_F`).
    public var frequencyMaskCount: Int = 2
    /// Largest frequency mask width in bands (`F`); each width is uniform in `0...F`.
    public var maxFrequencyMaskWidth: Int = 4
    /// Number of time masks per item (`m_T`).
    public var timeMaskCount: Int = 2
    /// Largest time mask width in frames (`T`); each width is uniform in `0...min(T, ⌊p·τ⌋)`.
    public var maxTimeMaskWidth: Int = 20
    /// Upper bound `p` on one time mask's width as a fraction of the item's real frames `τ`.
    public var maxTimeMaskFraction: Double = 0.2
    /// Fill value of masked cells.
    public var maskValue: SpecAugmentMaskValue = .zero
    /// Largest time-warp shift in frames (`W`); 0 turns time warping off. See ``SpecAugment`` for the warp.
    public var maxTimeWarp: Int = 0

    public init(frequencyMaskCount: Int = 2, maxFrequencyMaskWidth: Int = 4, timeMaskCount: Int = 2,
                maxTimeMaskWidth: Int = 20, maxTimeMaskFraction: Double = 0.2, maskValue: SpecAugmentMaskValue = .zero,
                maxTimeWarp: Int = 0) {
        self.frequencyMaskCount = frequencyMaskCount
        self.maxFrequencyMaskWidth = maxFrequencyMaskWidth
        self.timeMaskCount = timeMaskCount
        self.maxTimeMaskWidth = maxTimeMaskWidth
        self.maxTimeMaskFraction = maxTimeMaskFraction
        self.maskValue = maskValue
        self.maxTimeWarp = maxTimeWarp
    }

    /// Throws ``SpectralError/invalidSetting(name:value:requirement:)`` for the first bad setting.
    public func validate() throws {
        let counts = [("frequencyMaskCount", frequencyMaskCount), ("maxFrequencyMaskWidth", maxFrequencyMaskWidth),
                      ("timeMaskCount", timeMaskCount), ("maxTimeMaskWidth", maxTimeMaskWidth), ("maxTimeWarp", maxTimeWarp)]
        for (name, value) in counts where value < 0 {
            throw SpectralError.invalidSetting(name: name, value: "\(value)", requirement: "must be ≥ 0")
        }
        guard maxTimeMaskFraction >= 0, maxTimeMaskFraction <= 1 else {
            throw SpectralError.invalidSetting(name: "maxTimeMaskFraction", value: "\(maxTimeMaskFraction)",
                                               requirement: "must be in 0...1")
        }
    }
}
