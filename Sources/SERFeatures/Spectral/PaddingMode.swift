/// How a centred STFT extends the signal by `fftSize / 2` samples at each end (librosa's `pad_mode`).
public enum PaddingMode: String, Codable, CaseIterable, Sendable {
    /// Zeros (librosa 0.11's default, `"constant"`).
    case constant
    /// Mirror without repeating the edge sample (`numpy.pad(mode="reflect")`, torchaudio's default):
    /// `x[−1] = x[1]`, `x[n] = x[n − 2]`. Padding longer than the signal keeps reflecting, as NumPy does.
    case reflect

    /// The sample that position `index` (possibly outside `0..<length`) reads, or `nil` for a zero.
    @inline(__always)
    func sourceIndex(_ index: Int, length: Int) -> Int? {
        if index >= 0 && index < length { return index }
        switch self {
        case .constant:
            return nil
        case .reflect:
            if length == 1 { return 0 }
            let period = 2 * (length - 1)
            var i = index % period
            if i < 0 { i += period }
            return i < length ? i : period - i
        }
    }
}
