extension LogMelConfig {
    private enum CodingKeys: String, CodingKey {
        case sampleRate, window, windowLength, hopLength, fftSize, center, padding, power
        case bandCount, minFrequency, maxFrequency, melScale, normalization, logFloor
    }

    /// Decodes a configuration; a missing key keeps its default, so a partial JSON file is a valid config.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        sampleRate = try c.decodeIfPresent(Double.self, forKey: .sampleRate) ?? sampleRate
        window = try c.decodeIfPresent(WindowFunction.self, forKey: .window) ?? window
        windowLength = try c.decodeIfPresent(Int.self, forKey: .windowLength) ?? windowLength
        hopLength = try c.decodeIfPresent(Int.self, forKey: .hopLength) ?? hopLength
        fftSize = try c.decodeIfPresent(Int.self, forKey: .fftSize) ?? fftSize
        center = try c.decodeIfPresent(Bool.self, forKey: .center) ?? center
        padding = try c.decodeIfPresent(PaddingMode.self, forKey: .padding) ?? padding
        power = try c.decodeIfPresent(Int.self, forKey: .power) ?? power
        bandCount = try c.decodeIfPresent(Int.self, forKey: .bandCount) ?? bandCount
        minFrequency = try c.decodeIfPresent(Double.self, forKey: .minFrequency) ?? minFrequency
        maxFrequency = try c.decodeIfPresent(Double.self, forKey: .maxFrequency)
        melScale = try c.decodeIfPresent(MelScale.self, forKey: .melScale) ?? melScale
        normalization = try c.decodeIfPresent(FilterbankNormalization.self, forKey: .normalization) ?? normalization
        logFloor = try c.decodeIfPresent(Double.self, forKey: .logFloor) ?? logFloor
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sampleRate, forKey: .sampleRate)
        try c.encode(window, forKey: .window)
        try c.encode(windowLength, forKey: .windowLength)
        try c.encode(hopLength, forKey: .hopLength)
        try c.encode(fftSize, forKey: .fftSize)
        try c.encode(center, forKey: .center)
        try c.encode(padding, forKey: .padding)
        try c.encode(power, forKey: .power)
        try c.encode(bandCount, forKey: .bandCount)
        try c.encode(minFrequency, forKey: .minFrequency)
        try c.encodeIfPresent(maxFrequency, forKey: .maxFrequency)
        try c.encode(melScale, forKey: .melScale)
        try c.encode(normalization, forKey: .normalization)
        try c.encode(logFloor, forKey: .logFloor)
    }
}
