import Foundation
import SERTensor

/// Log-mel spectrogram extractor: samples → `[frames, bands]`, batches → `[batch, frames, bands]` plus a mask.
///
/// Each frame is windowed, transformed, squared, projected on the sparse mel filterbank and logged in one pass
/// with no intermediate spectrogram; frames of all items run in parallel. Power-of-two FFT sizes transform 16
/// frames per vector operation (``LanePowerSpectrum``); other sizes use KissFFT one frame at a time. An optional frequency-warp α
/// (paper Eq. 1, see ``FrequencyWarp``) rebuilds the filterbank on warped band edges; α = 0 is the plain
/// filterbank. Output is float32 with no autograd (fixed features).
public final class LogMelExtractor: @unchecked Sendable {
    public let config: LogMelConfig
    /// The unwarped filterbank.
    public let filterbank: MelFilterbank
    private let stft: STFTConfig
    private let windowValues: [Float]
    private let logFloor: Float
    /// Per-chunk workers kept between calls (per-call overhead of short signals).
    let idleWorkers = IdleWorkers<LogMelWorker>()

    /// Validates `config` and precomputes the window and filterbank.
    public init(config: LogMelConfig = LogMelConfig()) throws {
        try config.validate()
        guard RealFFTPlanCache.shared.withPlan(size: config.fftSize, { $0 != nil }) else {
            throw SpectralError.fftUnavailable(size: config.fftSize)
        }
        self.config = config
        stft = config.stft
        filterbank = try MelFilterbank(config: config.filterbank)
        windowValues = config.window.values(length: config.windowLength).map { Float($0) }
        logFloor = Float(config.logFloor)
    }

    /// The filterbank for warp factor `alpha` (the stored one when α = 0).
    public func filterbank(warpAlpha alpha: Double) throws -> MelFilterbank {
        alpha == 0 ? filterbank : try MelFilterbank(config: config.filterbank, warpAlpha: alpha)
    }

    /// Frames a signal of `samples` samples gives.
    public func frameCount(samples: Int) -> Int { stft.frameCount(samples: samples) }

    /// `[frames, bands]` log-mel of one signal. Throws ``SpectralError/signalTooShort(samples:required:)`` if it
    /// has no frame.
    public func extract(_ samples: [Float], warpAlpha: Double = 0) throws -> Tensor {
        try extract(Tensor(samples), warpAlpha: warpAlpha)
    }

    /// `[frames, bands]` for a rank-1 signal; `[batch, frames, bands]` for `[batch, samples]` (all full length,
    /// the same α for all).
    public func extract(_ signal: Tensor, warpAlpha: Double = 0) throws -> Tensor {
        let batch = signal.rank == 2 ? signal.shape[0] : 1
        let result = try extract(batch: signal, lengths: nil, warpAlphas: Array(repeating: warpAlpha, count: batch))
        if signal.rank == 1 {
            guard result.frameCounts[0] > 0 else {
                throw SpectralError.signalTooShort(samples: signal.count, required: stft.center ? 1 : stft.fftSize)
            }
            return result.features.reshaped(Array(result.features.shape.dropFirst()))
        }
        return result.features
    }

    /// Log-mel of each item of `[batch, samples]` (or `[samples]`), item `b` using its first `lengths[b]` samples
    /// exactly as if given alone, with warp factor `warpAlphas[b]` (`nil`: no warping). Features are
    /// `[batch, maxFrames, bands]`; frames past an item's own count are 0 and have mask 0.
    public func extract(batch signal: Tensor, lengths: [Int]? = nil, warpAlphas: [Double]? = nil) throws -> SpectralBatch {
        let (data, batch, samples, lens) = try SignalBatch.prepare(signal, lengths: lengths, operation: "LogMelExtractor")
        if let warpAlphas, warpAlphas.count != batch {
            throw SpectralError.badLengths(operation: "LogMelExtractor", detail: "\(warpAlphas.count) warp factors for a batch of \(batch)")
        }
        var banks = [MelFilterbank]()
        var bankOfItem = [Int](repeating: 0, count: batch)
        var bankIndex = [Double: Int]()
        for b in 0..<batch {
            let alpha = warpAlphas?[b] ?? 0
            if let i = bankIndex[alpha] { bankOfItem[b] = i; continue }
            banks.append(try filterbank(warpAlpha: alpha))
            bankIndex[alpha] = banks.count - 1
            bankOfItem[b] = banks.count - 1
        }

        let stft = self.stft, window = windowValues, floor = logFloor, idle = idleWorkers
        let counts = lens.map { stft.frameCount(samples: $0) }
        let frames = counts.max() ?? 0
        let bands = config.bandCount
        let out = Tensor(zeros: [batch, frames, bands])
        try data.withUnsafeBuffer(Float.self) { src in
            try out.withUnsafeMutableBuffer(Float.self) { dst in
                let items = (0..<batch).map { b in
                    FrameItem(signal: src.baseAddress! + b * samples, length: lens[b], frames: counts[b],
                              output: dst.baseAddress! + b * frames * bands, index: b)
                }
                try FrameScheduler.runSpans(items, costPerFrame: 8 * stft.fftSize, alignment: LanePowerSpectrum.laneCount,
                                            makeWorker: {
                                                try idle.take { try LogMelWorker(stft: stft, windowValues: window, bands: bands) }
                                            },
                                            release: { idle.put($0) },
                                            body: { worker, item, frames in
                                                worker.logMel(item, frames: frames, bank: banks[bankOfItem[item.index]],
                                                              floor: floor)
                                            })
            }
        }
        return SpectralBatch(features: out, mask: SignalBatch.mask(frameCounts: counts, frames: frames), frameCounts: counts)
    }
}

/// Per-chunk state of the log-mel kernel: an STFT frame analyzer, and either 16-lane transforms
/// (``LanePowerSpectrum``, for power-of-two FFT sizes: 16 frames per vector operation) or one spectrum row
/// of scratch for KissFFT one frame at a time.
final class LogMelWorker {
    typealias Lanes = LanePowerSpectrum.Lanes
    let analyzer: FrameAnalyzer
    private let stft: STFTConfig
    private let bands: Int
    private let spectrum: UnsafeMutablePointer<Float>
    private let lanes: LanePowerSpectrum?
    private let laneFrames: UnsafeMutablePointer<Lanes>      // fftSize vectors: sample j of 16 frames
    private let laneSpectrum: UnsafeMutablePointer<Lanes>    // binCount vectors
    private let laneMel: UnsafeMutablePointer<Lanes>         // bands vectors

    init(stft: STFTConfig, windowValues: [Float], bands: Int) throws {
        analyzer = try FrameAnalyzer(config: stft, windowValues: windowValues)
        self.stft = stft
        self.bands = bands
        spectrum = .allocate(capacity: stft.binCount)
        spectrum.initialize(repeating: 0, count: stft.binCount)
        lanes = LanePowerSpectrum(size: stft.fftSize)
        // The 16-lane buffers are empty when the FFT size has no lane transform (KissFFT path).
        let hasLanes = lanes != nil
        laneFrames = .allocate(capacity: hasLanes ? stft.fftSize : 0)
        laneFrames.initialize(repeating: .zero, count: hasLanes ? stft.fftSize : 0)
        laneSpectrum = .allocate(capacity: hasLanes ? stft.binCount : 0)
        laneSpectrum.initialize(repeating: .zero, count: hasLanes ? stft.binCount : 0)
        laneMel = .allocate(capacity: hasLanes ? bands : 0)
        laneMel.initialize(repeating: .zero, count: hasLanes ? bands : 0)
    }

    deinit {
        spectrum.deallocate()
        laneFrames.deallocate()
        laneSpectrum.deallocate()
        laneMel.deallocate()
    }

    /// Writes `log(mel + floor)` of `frames` of `item` to their output rows (`bands` floats each).
    func logMel(_ item: FrameItem, frames: Range<Int>, bank: MelFilterbank, floor: Float) {
        guard let lanes else {
            for t in frames {
                let row = item.output + t * bands
                analyzer.spectrum(of: item.signal, length: item.length, frame: t, into: spectrum)
                bank.apply(spectrum, into: row)
                for i in 0..<bands { row[i] = log(row[i] + floor) }
            }
            return
        }
        let n = stft.fftSize, width = LanePowerSpectrum.laneCount
        var first = frames.lowerBound
        while first < frames.upperBound {
            let count = Swift.min(width, frames.upperBound - first)
            // Window start of lane l is start0 + l·hop; when all 16 windows lie inside the signal, sample j
            // of the 16 frames is a strided gather (no padding logic, no per-frame scratch).
            let start0 = stft.frameStart(first) + analyzer.windowOffset, hop = stft.hopLength
            if count == width && start0 >= 0 && start0 + (width - 1) * hop + stft.windowLength <= item.length {
                let window = analyzer.window, dst = laneFrames + analyzer.windowOffset
                var src = item.signal + start0
                for j in 0..<stft.windowLength {
                    var v = Lanes()
                    for l in 0..<width { v[l] = src[l &* hop] }
                    dst[j] = v * Lanes(repeating: window[j])
                    src += 1
                }
            } else {
                laneFrames.withMemoryRebound(to: Float.self, capacity: n * width) { samples in
                for l in 0..<width {
                    if l < count {
                        let frame = analyzer.windowedFrame(of: item.signal, length: item.length, frame: first + l)
                        for j in 0..<n { samples[j * width + l] = frame[j] }
                    } else {
                        for j in 0..<n { samples[j * width + l] = 0 }
                    }
                }
                }
            }
            lanes.power(laneFrames, into: laneSpectrum)
            if stft.power != 2 {
                for k in 0..<stft.binCount { laneSpectrum[k] = laneSpectrum[k].squareRoot() }
            }
            bank.apply(lanes: laneSpectrum, into: laneMel)
            let floorLanes = Lanes(repeating: floor)
            for i in 0..<bands { laneMel[i] = LaneLogarithm.log(laneMel[i] + floorLanes) }
            for l in 0..<count {
                let row = item.output + (first + l) * bands
                for i in 0..<bands { row[i] = laneMel[i][l] }
            }
            first += count
        }
    }
}
