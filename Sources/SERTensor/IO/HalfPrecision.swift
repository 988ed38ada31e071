/// Bit-exact widening of the 16-bit float formats to `Float` (no hardware `Float16` needed).
///
/// Both conversions are exact: every binary16 and bfloat16 value, including subnormals, signed zeros
/// and infinities, is representable in binary32. NaNs stay NaN with their payload shifted into place.
public enum HalfPrecision {
    /// IEEE 754 binary16 (1 sign, 5 exponent, 10 fraction bits) to `Float`.
    @inline(__always)
    public static func float(fromHalf h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1F
        let fraction = UInt32(h & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: fraction * 2^-24, exact in binary32.
            let magnitude = Float(fraction) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        case 0x1F:
            // Infinity or NaN.
            return Float(bitPattern: sign | 0x7F80_0000 | (fraction << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 127 - 15) << 23) | (fraction << 13))
        }
    }

    /// bfloat16 (the upper half of a binary32) to `Float`.
    @inline(__always)
    static func float(fromBFloat16 h: UInt16) -> Float {
        Float(bitPattern: UInt32(h) << 16)
    }
}
