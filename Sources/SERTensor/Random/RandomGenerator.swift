import RealModule

/// The one seedable random number generator of SwiftSER (xoshiro256**, seeded by SplitMix64).
///
/// Every random choice in the library (initialisation, dropout, batching, augmentation) draws from a
/// `RandomGenerator` passed in by the caller, so a run is reproducible from its seed. The state is
/// `Codable`, so a checkpoint can store it and a resumed run continues the same stream.
///
/// Not thread-safe: give each thread its own generator (see ``split()``).
public struct RandomGenerator: RandomNumberGenerator, Codable, Equatable, Sendable {
    /// The 256-bit xoshiro state.
    public private(set) var state: [UInt64]

    /// A generator whose stream is determined by `seed`.
    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = [splitMix(), splitMix(), splitMix(), splitMix()]
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = RandomGenerator.rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = RandomGenerator.rotl(state[3], 45)
        return result
    }

    /// A new generator with an independent stream, derived from this one (advances this one).
    public mutating func split() -> RandomGenerator {
        RandomGenerator(seed: next())
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    @inline(__always)
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in `[low, high)`.
    @inline(__always)
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * nextUniform()
    }

    /// Standard normal, by the Box–Muller transform.
    public mutating func nextNormal() -> Double {
        var u1 = nextUniform()
        while u1 <= 0 { u1 = nextUniform() }
        let u2 = nextUniform()
        return Double.sqrt(-2 * Double.log(u1)) * Double.cos(2 * Double.pi * u2)
    }

    /// Uniform integer in `0..<upperBound`.
    public mutating func nextInt(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "RandomGenerator.nextInt: upper bound must be positive")
        return Int.random(in: 0..<upperBound, using: &self)
    }

    /// The elements of `array` in a uniformly random order.
    public mutating func shuffled<T>(_ array: [T]) -> [T] {
        array.shuffled(using: &self)
    }
}
