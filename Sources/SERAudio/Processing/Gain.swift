import Foundation

extension AudioBuffer {
    /// This signal scaled by `dB` decibels: every sample times `10^(dB / 20)` (no clipping).
    /// `dB = -6.0206` halves the amplitude; `0` returns the same samples.
    public func applyingGain(dB: Double) -> AudioBuffer {
        AudioBuffer(validSamples: Self.scaled(samples, by: Float(AudioLevels.amplitude(dB: dB))), sampleRate: sampleRate)
    }

    /// `samples` times `factor`.
    static func scaled(_ samples: [Float], by factor: Float) -> [Float] {
        if factor == 1 { return samples }
        return [Float](unsafeUninitializedCapacity: samples.count) { out, initialised in
            samples.withUnsafeBufferPointer { input in
                for i in 0..<input.count { out[i] = input[i] * factor }
            }
            initialised = samples.count
        }
    }
}

/// Random gain augmentation: scales a signal by a gain drawn uniformly in decibels.
///
/// The gain is `g ~ U[minDB, maxDB)` dB, applied as the factor `10^(g / 20)`. The default range is
/// `[-40, 0]` dB — a 40 dB span that only attenuates, so a normalised signal never clips.
public struct RandomGain: Equatable, Sendable, Codable {
    /// Lower end of the gain range, dB.
    public let minDB: Double
    /// Upper end of the gain range, dB.
    public let maxDB: Double

    /// - Throws: ``AudioError/invalidArgument(_:)`` unless `minDB <= maxDB`, both finite.
    public init(minDB: Double = -40, maxDB: Double = 0) throws {
        guard minDB.isFinite, maxDB.isFinite, minDB <= maxDB else {
            throw AudioError.invalidArgument("gain range must be finite with min <= max, got [\(minDB), \(maxDB)] dB")
        }
        self.minDB = minDB
        self.maxDB = maxDB
    }

    /// The default `[-40, 0]` dB range.
    public static let standard = RandomGain(uncheckedMinDB: -40, maxDB: 0)

    private init(uncheckedMinDB minDB: Double, maxDB: Double) {
        self.minDB = minDB
        self.maxDB = maxDB
    }

    /// Draws one gain in dB (consumes one uniform from `rng`).
    public func sampleDB(using rng: inout RandomGenerator) -> Double {
        rng.uniform(minDB, maxDB)
    }

    /// `buffer` scaled by a freshly drawn gain; also returns that gain in dB.
    public func apply(to buffer: AudioBuffer, using rng: inout RandomGenerator) -> (buffer: AudioBuffer, gainDB: Double) {
        let gain = sampleDB(using: &rng)
        return (buffer.applyingGain(dB: gain), gain)
    }
}
