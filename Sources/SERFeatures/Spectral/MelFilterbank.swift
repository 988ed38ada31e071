import SERTensor

/// A triangular mel filterbank, optionally frequency-warped (``FrequencyWarp``), stored sparsely.
///
/// Construction follows librosa `filters.mel` exactly (double precision, rounded once to float32):
/// `bands + 2` edge frequencies equally spaced in mels from ``MelFilterbankConfig/minFrequency`` to the upper
/// frequency; band `i` rises linearly from edge `i` to edge `i+1` and falls to edge `i+2`, evaluated at the FFT
/// bin frequencies `k · sampleRate / fftSize`; Slaney normalisation scales it by `2 / (edge[i+2] − edge[i])`.
/// With a warp, the edges are warped first and everything else is unchanged, so α = 0 is bit-identical to
/// no warp.
public struct MelFilterbank: Sendable {
    public let config: MelFilterbankConfig
    /// Warp factor α applied to the band edges (0: none).
    public let warpAlpha: Double
    /// The `bandCount + 2` band-edge frequencies in Hz, after warping.
    public let edgeFrequencies: [Double]

    /// First non-zero bin of each band.
    let firstBin: [Int]
    /// Offset of each band's weights in ``values`` (`bandCount + 1` entries).
    let valueOffsets: [Int]
    /// Non-zero weights of all bands, band after band.
    let values: [Float]

    /// Builds the filterbank. Throws for invalid settings or |α| ≥ 1.
    public init(config: MelFilterbankConfig = MelFilterbankConfig(), warpAlpha: Double = 0) throws {
        try config.validate()
        try FrequencyWarp.validate(alpha: warpAlpha)
        self.config = config
        self.warpAlpha = warpAlpha
        var edges = config.scale.frequencies(count: config.bandCount + 2, low: config.minFrequency, high: config.upperFrequency)
        if warpAlpha != 0 {
            edges = edges.map { FrequencyWarp.warp(hz: $0, sampleRate: config.sampleRate, alpha: warpAlpha) }
        }
        edgeFrequencies = edges
        let bins = config.binCount
        let binHz = (0..<bins).map { Double($0) * config.sampleRate / Double(config.fftSize) }
        var first = [Int](), offsets = [0], vals = [Float]()
        for i in 0..<config.bandCount {
            let lowerWidth = edges[i + 1] - edges[i], upperWidth = edges[i + 2] - edges[i + 1]
            let scale = config.normalization == .slaney ? 2 / (edges[i + 2] - edges[i]) : 1
            var row = [Float]()
            var start = -1
            for k in 0..<bins {
                let lower = (binHz[k] - edges[i]) / lowerWidth     // -ramps[i] / fdiff[i]
                let upper = (edges[i + 2] - binHz[k]) / upperWidth // ramps[i+2] / fdiff[i+1]
                let w = max(0, min(lower, upper))
                guard w > 0 else { continue }
                if start < 0 { start = k }
                // Zeros inside the support (none for triangles) are kept so the band stays contiguous.
                while start + row.count < k { row.append(0) }
                row.append(Float(w * scale))
            }
            first.append(max(start, 0))
            vals.append(contentsOf: row)
            offsets.append(vals.count)
        }
        firstBin = first
        valueOffsets = offsets
        values = vals
    }

    /// Number of bands.
    public var bandCount: Int { config.bandCount }

    /// True when some band has no non-zero weight (too many bands for the FFT resolution; librosa warns then).
    public var hasEmptyBands: Bool { (0..<bandCount).contains { valueOffsets[$0 + 1] == valueOffsets[$0] } }

    /// The dense weight matrix `[bandCount, fftSize/2 + 1]` float32 (librosa's layout).
    public var matrix: Tensor {
        let bins = config.binCount
        let m = Tensor(zeros: [bandCount, bins])
        m.withUnsafeMutableBuffer(Float.self) { p in
            for i in 0..<bandCount {
                for j in valueOffsets[i]..<valueOffsets[i + 1] { p[i * bins + firstBin[i] + j - valueOffsets[i]] = values[j] }
            }
        }
        return m
    }

    /// `out[i] = Σ_k W[i, k] · spectrum[k]` for one frame (`spectrum`: `fftSize/2 + 1` values; `out`: `bandCount`).
    @inline(__always)
    func apply(_ spectrum: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        values.withUnsafeBufferPointer { v in
            for i in 0..<bandCount {
                let lo = valueOffsets[i], hi = valueOffsets[i + 1]
                let s = spectrum + firstBin[i] - lo
                var acc: Float = 0
                for j in lo..<hi { acc += v[j] * s[j] }
                out[i] = acc
            }
        }
    }

    /// ``apply(_:into:)`` for 16 frames at once, one per lane (`spectrum`: `binCount` vectors; `out`:
    /// `bandCount` vectors); each lane is summed in the same order as the one-frame form.
    @inline(__always)
    func apply(lanes spectrum: UnsafePointer<SIMD16<Float>>, into out: UnsafeMutablePointer<SIMD16<Float>>) {
        values.withUnsafeBufferPointer { v in
            for i in 0..<bandCount {
                let lo = valueOffsets[i], hi = valueOffsets[i + 1]
                let s = spectrum + firstBin[i] - lo
                var acc = SIMD16<Float>.zero
                for j in lo..<hi { acc += SIMD16<Float>(repeating: v[j]) * s[j] }
                out[i] = acc
            }
        }
    }

    /// Applies the filterbank to a spectrogram `[frames, bins]` or `[batch, frames, bins]`, giving
    /// `[…, bandCount]` (no autograd; float32).
    public func apply(to spectrogram: Tensor) throws -> Tensor {
        guard spectrogram.rank >= 1, spectrogram.shape[spectrogram.rank - 1] == config.binCount else {
            throw SpectralError.badShape(operation: "MelFilterbank.apply", shape: spectrogram.shape,
                                         expected: "[..., \(config.binCount)]")
        }
        let input = spectrogram.dtype == .float32 ? spectrogram : spectrogram.to(.float32)
        var shape = spectrogram.shape
        shape[shape.count - 1] = bandCount
        let out = Tensor(zeros: shape)
        let rows = input.count / config.binCount, bins = config.binCount, bands = bandCount
        input.withUnsafeBuffer(Float.self) { src in
            out.withUnsafeMutableBuffer(Float.self) { dst in
                let s = src.baseAddress!, d = dst.baseAddress!
                Parallel.forRanges(rows, costPerItem: 2 * bins) { range in
                    for r in range { apply(s + r * bins, into: d + r * bands) }
                }
            }
        }
        return out
    }
}
