import Foundation

/// Invalid spectral settings or input. Every case says which value is wrong and why.
public enum SpectralError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// A setting is out of range (`name`, its value, the rule it breaks).
    case invalidSetting(name: String, value: String, requirement: String)
    /// A non-centred STFT needs at least one full FFT frame.
    case signalTooShort(samples: Int, required: Int)
    /// A tensor has the wrong rank or shape for the operation.
    case badShape(operation: String, shape: [Int], expected: String)
    /// Per-item lengths do not fit the batch.
    case badLengths(operation: String, detail: String)
    /// The FFT library could not build a plan of this size.
    case fftUnavailable(size: Int)

    public var description: String {
        switch self {
        case let .invalidSetting(name, value, requirement):
            return "invalid \(name) = \(value): \(requirement)"
        case let .signalTooShort(samples, required):
            return "signal of \(samples) samples is shorter than one frame (\(required) samples) and center is off"
        case let .badShape(operation, shape, expected):
            return "\(operation): input shape \(shape), expected \(expected)"
        case let .badLengths(operation, detail):
            return "\(operation): \(detail)"
        case let .fftUnavailable(size):
            return "KissFFT could not build a real FFT of size \(size)"
        }
    }

    public var errorDescription: String? { description }
}
