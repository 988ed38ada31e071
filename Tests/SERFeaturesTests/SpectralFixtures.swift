import Foundation
import SERTestSupport
@testable import SERFeatures

/// `Tests/Fixtures/spectral/spectral.json` (see generate_spectral_fixtures.py).
struct SpectralFixture: Decodable {
    struct STFTCase: Decodable {
        var name: String, window: String, win_length: Int, hop_length: Int, n_fft: Int, center: Bool
        var pad_mode: String, power: Int, samples: Int, shape: [Int]
    }
    struct LogMelCase: Decodable {
        var name: String, sr: Double, n_fft: Int, win_length: Int, hop_length: Int, window: String, n_mels: Int
        var power: Double, fmin: Double, fmax: Double?, htk: Bool, norm: String?, floor: Double, center: Bool
        var pad_mode: String, shape: [Int], lengths: [Int]
    }
    struct BankConfig: Decodable {
        var sr: Double, n_fft: Int, n_mels: Int, fmin: Double, fmax: Double?, htk: Bool, norm: String?

        var melConfig: MelFilterbankConfig {
            MelFilterbankConfig(sampleRate: sr, fftSize: n_fft, bandCount: n_mels, minFrequency: fmin, maxFrequency: fmax,
                                scale: htk ? .htk : .slaney, normalization: norm == "slaney" ? .slaney : .none)
        }
    }
    struct Bank: Decodable {
        var config: BankConfig, alpha: Double?, edges: [Double]?
        var shape: [Int], first: [Int], offset: [Int], count: [Int]

        /// The dense `[bands, bins]` matrix, with weights from `values` (filterbank_values.npy).
        func dense(_ values: [Float]) -> [Float] {
            var m = [Float](repeating: 0, count: shape[0] * shape[1])
            for b in 0..<shape[0] {
                for j in 0..<count[b] { m[b * shape[1] + first[b] + j] = values[offset[b] + j] }
            }
            return m
        }
    }
    struct Banks: Decodable { var librosa: [Bank], torchaudio: [Bank], warped: [Bank] }

    var stft: [STFTCase]
    var logmel: [LogMelCase]
    var filterbanks: Banks

    static func load() throws -> SpectralFixture { try Fixtures.json(SpectralFixture.self, "spectral/spectral.json") }

    static func npy(_ name: String) throws -> Tensor { try Npy.read(from: Fixtures.url("spectral/\(name)")) }

    /// The float16 test signals `chirp` (16000 samples) and `quiet` (8000), exactly as the references saw them.
    static func signal(_ name: String) throws -> [Float] {
        let all = try Safetensors.read(from: Fixtures.url("spectral/signals.safetensors"))
        guard let t = all[name] else { throw SpectralError.badShape(operation: "fixture \(name)", shape: [], expected: "a signal") }
        return t.scalars
    }

    static func window(_ name: String) -> WindowFunction {
        switch name {
        case "hann": return .hann
        case "hamming": return .hamming
        default: return .rectangular
        }
    }
}
