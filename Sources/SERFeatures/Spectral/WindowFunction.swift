import Foundation

/// Analysis window shapes for the short-time Fourier transform.
///
/// Windows are *periodic* (DFT-even, `scipy.signal.get_window(..., fftbins=True)`, `torch.hann_window`'s
/// default): a length-`N` window is the first `N` points of the symmetric window of length `N + 1`.
/// This is what librosa and torchaudio use for spectrograms.
public enum WindowFunction: String, Codable, CaseIterable, Sendable {
    /// `w[n] = 0.5 − 0.5·cos(2πn/N)`.
    case hann
    /// `w[n] = 0.54 − 0.46·cos(2πn/N)`.
    case hamming
    /// `w[n] = 1` (boxcar).
    case rectangular

    /// The `length` window values, computed in double precision.
    public func values(length: Int) -> [Double] {
        guard length > 0 else { return [] }
        let n = Double(length)
        return (0..<length).map { i in
            let c = cos(2 * Double.pi * Double(i) / n)
            switch self {
            case .hann: return 0.5 - 0.5 * c
            case .hamming: return 0.54 - 0.46 * c
            case .rectangular: return 1
            }
        }
    }

    /// The window of `length` centred in `fftSize` zeros (librosa's `pad_center`, `torch.stft`'s window
    /// padding: `(fftSize − length) / 2` zeros on the left, rounded down).
    public func padded(length: Int, fftSize: Int) -> [Double] {
        precondition(length <= fftSize, "WindowFunction.padded: window \(length) longer than FFT \(fftSize)")
        var out = [Double](repeating: 0, count: fftSize)
        let left = (fftSize - length) / 2
        for (i, v) in values(length: length).enumerated() { out[left + i] = v }
        return out
    }
}
