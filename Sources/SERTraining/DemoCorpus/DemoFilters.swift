import Foundation

/// Klatt's digital resonator `y[n] = A·x[n] + B·y[n−1] + C·y[n−2]`, unity gain at 0 Hz, whose
/// frequency and bandwidth may change between samples (the state carries over).
struct DemoResonator {
    private var a = 1.0, b = 0.0, c = 0.0
    private var y1 = 0.0, y2 = 0.0

    /// Sets the centre frequency and bandwidth (Hz) at `sampleRate` Hz.
    mutating func set(frequency: Double, bandwidth: Double, sampleRate: Double) {
        let r = exp(-Double.pi * bandwidth / sampleRate)
        c = -r * r
        b = 2 * r * cos(2 * Double.pi * frequency / sampleRate)
        a = 1 - b - c
    }

    @inline(__always)
    mutating func process(_ x: Double) -> Double {
        let y = a * x + b * y1 + c * y2
        y2 = y1
        y1 = y
        return y
    }
}

/// A band-pass biquad with 0 dB gain at its centre (the Audio EQ Cookbook's constant-peak form).
struct DemoBandPass {
    private var b0 = 0.0, a1 = 0.0, a2 = 0.0
    private var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0

    /// Sets the centre and bandwidth (Hz); the centre is kept below 0.45 · `sampleRate`.
    mutating func set(centre: Double, bandwidth: Double, sampleRate: Double) {
        let fc = min(max(centre, 50), 0.45 * sampleRate)
        let w0 = 2 * Double.pi * fc / sampleRate
        let q = max(fc / max(bandwidth, 1), 0.1)
        let alpha = sin(w0) / (2 * q)
        let a0 = 1 + alpha
        b0 = alpha / a0
        a1 = -2 * cos(w0) / a0
        a2 = (1 - alpha) / a0
    }

    @inline(__always)
    mutating func process(_ x: Double) -> Double {
        let y = b0 * (x - x2) - a1 * y1 - a2 * y2
        x2 = x1
        x1 = x
        y2 = y1
        y1 = y
        return y
    }
}

/// The voice source's spectral tilt: a one-pole low-pass `y[n] = (1 − a)·x[n] + a·y[n−1]` with unity
/// gain at 0 Hz and `attenuation` dB at `reference` Hz (Klatt's TL parameter).
struct DemoTiltFilter {
    private let a: Double
    private var y1 = 0.0

    init(attenuation: Double, reference: Double = 3000, sampleRate: Double) {
        // |H(w)|² = (1 − a)² / (1 − 2a·cos w + a²) = r²: the smaller root of a quadratic in a.
        let r2 = pow(10, -max(attenuation, 0) / 10)
        let c = cos(2 * Double.pi * reference / sampleRate)
        if r2 >= 1 - 1e-12 {
            a = 0
        } else {
            let p = 1 - r2 * c, q = 1 - r2
            a = (p - (p * p - q * q).squareRoot()) / q
        }
    }

    @inline(__always)
    mutating func process(_ x: Double) -> Double {
        y1 = (1 - a) * x + a * y1
        return y1
    }
}
